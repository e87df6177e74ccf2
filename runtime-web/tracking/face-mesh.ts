// MediaPipe Face Mesh in a page: one face, 468 landmarks and the face-geometry pose matrix a frame
// (talking-head/tracking/tracked-frame.ts says what they are). The npm package @mediapipe/face_mesh (Apache-2.0)
// ships the script, its WebAssembly and the models; runtime-web/build.mjs copies them to dist/face_mesh/ and
// this module loads them from a URL, so a page works offline.
//
// Version 0.4.1633559619 exactly (package.json pins it): 0.4.1657299874 aborts at start-up with
// `RET_CHECK failure ... options_.has_num_classes()` (google-ai-edge/mediapipe#3504).
// useCpuInference: true runs the networks in WebAssembly (XNNPACK) instead of on WebGL. Measured in headless
// Chromium without a GPU (WebGL on SwiftShader): 72 frames/s on 256 x 256 frames instead of 10, the same
// landmarks to 1e-3. The option exists in the package (graph option of InferenceCalculator) but not in its
// typings. The attention model (refineLandmarks) aborts with CPU inference in this version, and posedyn uses 468
// landmarks: it stays off. cameraVerticalFovDegrees had no effect in this version (the pose matrices were
// identical for 15, 30 and 63 degrees), so the face geometry's camera is its default, 63 degrees.
import type { TrackedFace } from '../../talking-head/tracking/tracked-frame.ts';
import { LANDMARK_COUNT } from '../../talking-head/tracking/landmarks.ts';

/** The parts of the package's API used here (its index.d.ts, plus useCpuInference). */
interface MatrixData {
  getPackedDataList(): number[];
  getRows(): number;
  getCols(): number;
  /** 0 column-major, 1 row-major */
  getLayout(): number;
}
interface FaceGeometry {
  getMesh(): { getVertexBufferList(): Float32Array; getVertexType(): number };
  getPoseTransformMatrix(): MatrixData;
}
interface Results {
  multiFaceLandmarks?: { x: number; y: number; z: number }[][];
  multiFaceGeometry?: FaceGeometry[];
}
interface FaceMeshSolution {
  setOptions(options: Record<string, unknown>): void;
  onResults(listener: (results: Results) => void): void;
  initialize(): Promise<void>;
  send(inputs: { image: TexImageSource }): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}
type FaceMeshConstructor = new (config: { locateFile: (file: string) => string }) => FaceMeshSolution;

/** What one frame gives: the face (or null) and, for drawing, its landmarks in image coordinates. */
export interface FaceMeshResult {
  readonly face: TrackedFace | null;
  /** [468 * 2] x, y in [0, 1] of the image's width and height, or null */
  readonly imagePoints: Float32Array | null;
}

export const FACE_MESH_OPTIONS = {
  maxNumFaces: 1,
  refineLandmarks: false,
  enableFaceGeometry: true,
  useCpuInference: true,
  minDetectionConfidence: 0.5,
  minTrackingConfidence: 0.5,
} as const;

/** Loads face_mesh.js once (a classic script that defines globalThis.FaceMesh). */
let scriptLoaded: Promise<FaceMeshConstructor> | null = null;
function loadScript(baseUrl: string): Promise<FaceMeshConstructor> {
  scriptLoaded ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${baseUrl}face_mesh.js`;
    script.crossOrigin = 'anonymous';
    script.onload = () => {
      const constructor = (globalThis as { FaceMesh?: FaceMeshConstructor }).FaceMesh;
      if (constructor) resolve(constructor);
      else reject(new Error(`${script.src} loaded but defined no FaceMesh`));
    };
    script.onerror = () => reject(new Error(`could not load the face tracker from ${script.src} (is dist/face_mesh/ served?)`));
    document.head.append(script);
  });
  return scriptLoaded;
}

/** The 4 x 4 matrix in row-major order, whatever layout MediaPipe packed it in. */
function rowMajor(matrix: MatrixData): Float64Array {
  const packed = matrix.getPackedDataList();
  if (matrix.getRows() !== 4 || matrix.getCols() !== 4 || packed.length !== 16) {
    throw new Error(`face geometry: pose matrix is ${matrix.getRows()} x ${matrix.getCols()} with ${packed.length} values, expected 4 x 4`);
  }
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) out[r * 4 + c] = matrix.getLayout() === 1 ? packed[r * 4 + c]! : packed[c * 4 + r]!;
  return out;
}

export class FaceMeshTracker {
  readonly #solution: FaceMeshSolution;
  #last: Results | null = null;

  private constructor(solution: FaceMeshSolution) {
    this.#solution = solution;
    solution.onResults((results) => (this.#last = results));
  }

  /**
   * `baseUrl` is where the package's files are served, ending in '/' (e.g. 'face_mesh/'). `overrides` change
   * FACE_MESH_OPTIONS (benchmarks/tracker.ts compares the inference back ends with it).
   */
  static async create(baseUrl: string, overrides: Readonly<Record<string, unknown>> = {}): Promise<FaceMeshTracker> {
    const FaceMesh = await loadScript(baseUrl);
    const solution = new FaceMesh({ locateFile: (file) => `${baseUrl}${file}` });
    solution.setOptions({ ...FACE_MESH_OPTIONS, ...overrides });
    await solution.initialize();
    return new FaceMeshTracker(solution);
  }

  /** Tracks one image (frames of one video in order: the tracker follows the face from frame to frame). */
  async track(image: TexImageSource): Promise<FaceMeshResult> {
    this.#last = null;
    await this.#solution.send({ image });
    // onResults has run by the time send resolves.
    const results = this.#last as Results | null;
    const points = results?.multiFaceLandmarks?.[0];
    const geometry = results?.multiFaceGeometry?.[0];
    if (!points || !geometry) return { face: null, imagePoints: null };
    const vertices = geometry.getMesh().getVertexBufferList();
    // VERTEX_PT: x, y, z, u, v a vertex
    if (vertices.length < 5 * LANDMARK_COUNT) throw new Error(`face geometry: mesh has ${vertices.length} values, expected ${5 * LANDMARK_COUNT} (468 vertices x y z u v)`);
    const landmarks = new Float32Array(3 * LANDMARK_COUNT);
    const imagePoints = new Float32Array(2 * LANDMARK_COUNT);
    for (let v = 0; v < LANDMARK_COUNT; v++) {
      landmarks[3 * v] = vertices[5 * v]!;
      landmarks[3 * v + 1] = vertices[5 * v + 1]!;
      landmarks[3 * v + 2] = vertices[5 * v + 2]!;
      imagePoints[2 * v] = points[v]!.x;
      imagePoints[2 * v + 1] = points[v]!.y;
    }
    return { face: { landmarks, poseMatrix: rowMajor(geometry.getPoseTransformMatrix()) }, imagePoints };
  }

  /** Forgets the face followed so far: the next frame starts with face detection (a new video). */
  reset(): void {
    this.#solution.reset();
  }

  close(): Promise<void> {
    return this.#solution.close();
  }
}
