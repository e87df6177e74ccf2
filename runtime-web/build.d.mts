// Types of build.mjs, for the TypeScript that imports it (the serve command, the web tests).
export declare const root: string;

export interface BundleSize {
  readonly outfile: string;
  /** minified */
  readonly bytes: number;
  readonly gzipBytes: number;
}

export declare function bundleBrowserEntry(options: {
  entry: string;
  outfile: string;
  minify?: boolean;
  sourcemap?: boolean | 'linked' | 'inline';
}): Promise<BundleSize>;

export declare function buildWeb(options?: { outdir?: string; log?: (line: string) => void }): Promise<BundleSize[]>;

/** Copies the face tracker's files (@mediapipe/face_mesh) into `dir`; returns the package version. */
export declare function copyFaceMesh(dir: string): string;
