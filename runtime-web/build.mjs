// Builds the browser side with esbuild:
//   dist/posedyn.js          the public bundle (runtime-web/index.ts): ESM, minified, WGSL inlined as text
//   dist/demo/               the demo page: index.html, main.js (runtime-web/demo/main.ts), assets/
//   dist/tracker/            the face-tracker page `posedyn track` drives in Chromium (runtime-web/tracking/tracker-page.ts)
//   dist/face_mesh/          MediaPipe Face Mesh's script, WebAssembly and models from the pinned npm package
//                            (Apache-2.0), which both pages load (runtime-web/tracking/face-mesh.ts)
// and prints each bundle's minified and gzipped size. Any import of a Node built-in fails the build, naming the
// importing file: browser code must reach files through bytes, never through node:fs.
//
//   node runtime-web/build.mjs            (npm run build:web)
import { builtinModules, createRequire } from 'node:module';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/**
 * An esbuild plugin that turns every import of a Node built-in into a build error naming the importer. One
 * exception: a dependency's lazy `import('node:...')` on a path the browser never takes (@gltf-transform/core's
 * NodeIO reads files that way; the page only writes GLB bytes) stays external.
 */
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (!NODE_BUILTINS.has(args.path) && !args.path.startsWith('node:')) return undefined;
      if (args.kind === 'dynamic-import' && args.importer.includes('/node_modules/')) return { path: args.path, external: true };
      return {
        errors: [{ text: `${relative(root, args.importer)} imports the Node built-in '${args.path}'; browser bundles must not (pass bytes in instead)` }],
      };
    });
  },
};

/**
 * Bundles one browser entry point into one ESM file. Returns the output's size in bytes, minified and gzipped.
 * Throws (esbuild's error, with file and line) when the bundle cannot be built.
 */
export async function bundleBrowserEntry({ entry, outfile, minify = true, sourcemap = false }) {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap,
    loader: { '.wgsl': 'text' },
    plugins: [noNodeBuiltins],
    logLevel: 'silent',
    legalComments: 'none',
  });
  const bytes = readFileSync(outfile);
  return { outfile, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

/** The files of @mediapipe/face_mesh a page loads (everything but its docs and typings), into `dir`, with a NOTICE. */
export function copyFaceMesh(dir) {
  const packageDir = dirname(createRequire(import.meta.url).resolve('@mediapipe/face_mesh/package.json'));
  const { version, license } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(packageDir)) {
    if (!/\.(js|wasm|data|binarypb)$/.test(file)) continue;
    cpSync(join(packageDir, file), join(dir, file));
  }
  writeFileSync(join(dir, 'NOTICE'), `MediaPipe Face Mesh, npm package @mediapipe/face_mesh ${version} (license: ${license}), Copyright The MediaPipe Authors.\n` +
    'Licensed under the Apache License, Version 2.0: http://www.apache.org/licenses/LICENSE-2.0\n');
  return version;
}

/** Builds the public bundle, the demo page, the tracker page and the face tracker's files into `outdir` (default dist/). */
export async function buildWeb({ outdir = join(root, 'dist'), log = console.log } = {}) {
  const demoDir = join(outdir, 'demo');
  mkdirSync(demoDir, { recursive: true });
  const results = [
    await bundleBrowserEntry({ entry: join(root, 'runtime-web/index.ts'), outfile: join(outdir, 'posedyn.js') }),
    await bundleBrowserEntry({ entry: join(root, 'runtime-web/demo/main.ts'), outfile: join(demoDir, 'main.js'), sourcemap: 'linked' }),
    await bundleBrowserEntry({ entry: join(root, 'runtime-web/tracking/tracker-page.ts'), outfile: join(outdir, 'tracker/page.js') }),
  ];
  writeFileSync(join(outdir, 'tracker/index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>posedyn face tracker</title><link rel="icon" href="data:,"></head>' +
    '<body><script type="module" src="page.js"></script></body></html>\n');
  const faceMeshVersion = copyFaceMesh(join(outdir, 'face_mesh'));
  cpSync(join(root, 'runtime-web/demo/index.html'), join(demoDir, 'index.html'));
  cpSync(join(root, 'runtime-web/demo/style.css'), join(demoDir, 'style.css'));
  cpSync(join(root, 'runtime-web/demo/assets/sample.wav'), join(demoDir, 'assets/sample.wav'));
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const r of results) log(`${relative(root, r.outfile).padEnd(22)} ${kib(r.bytes).padStart(10)} minified  ${kib(r.gzipBytes).padStart(10)} gzipped`);
  log(`${relative(root, join(outdir, 'face_mesh')).padEnd(22)} @mediapipe/face_mesh ${faceMeshVersion}`);
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildWeb();
  } catch (error) {
    process.stderr.write(`build:web failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
