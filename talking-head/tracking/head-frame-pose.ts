// The head's rotation in Deep3DFaceRecon's head frame, from the tracker's rotation and landmarks: the pose posedyn
// reports for a tracked video (face-track.ts). How the readout is made from data is head-frame-fit.ts; the
// shipped one is head-frame-pose.json (default-head-frame-pose.ts; its provenance says what it was fitted to and how).
//
// Why not MediaPipe's own rotation: a head pose is the pose of a face model, and it means what that model's
// frame means. MediaPipe's is the weighted Procrustes fit of its rigid canonical mesh to the reconstructed face;
// Deep3DFaceRecon's (the training data's coefficients, and what posedyn's models learn and generate) is the pose
// of the BFM with its expression and identity fitted at the same time. The two differ frame by frame by a
// rotation of a few degrees that follows the face's shape and expression (measured on the styletalk clips:
// MediaPipe's pitch correlates with Deep3DFaceRecon's at r 0.70-0.98, and a linear function of the tracked mesh
// predicts the difference on frames and people it was not fitted to; talking-head/tracking/README.md).
//
// (ours) The head-frame model is a linear face model S(c) = m + B c on MediaPipe's 468 landmarks with
// c = Deep3DFaceRecon's [alpha_id, alpha_exp], fitted to tracked meshes rotated into Deep3DFaceRecon's head frame
// (head-frame-fit.ts). For one frame with landmarks L (the tracker's mesh, MediaPipe's rotation removed) the
// rotation is the maximum a posteriori fit, linearised about the model's mean,
//   L ~ (I + [w]x) S(c) + t,   landmark noise sigma, prior c ~ N(mu, diag(s^2)), w and t free,
// whose w rows are a fixed linear map of L: w = W (L - m) + w0 (W [3, 1404], w0 [3]: the readout). The pose is
// R = R_t exp([w]x) (Rodrigues), converted to posedyn's angles (pose-convention.ts matrixToEuler). The readout
// costs 3 x 1404 multiply-adds a frame. Translation stays the tracker's (the canonical origin's position, cm):
// the correction is a rotation about the face, a few degrees, and moves the origin by well under a millimetre
// per degree at the face's scale.
//
// (ours) Before the readout, the tracker's rotation is taken relative to part of the viewing ray's elevation
// (viewingRayRotation): R_t = Rx(-k phi) R_mp, phi = atan2(ty, -tz), the angle above the optical axis at which
// MediaPipe places the face, and k the readout's `rayFraction`. Why: MediaPipe reconstructs every frame with a
// fixed 63 degree perspective camera at the crop's centre, so a face that sits higher in the crop and looks
// straight into the lens is reported pitched by phi; Deep3DFaceRecon aligns every frame (a similarity crop centred
// on five landmarks) before it fits, so its pitch is relative to the ray through the face. Measured on the
// styletalk clips (talking-head/tracking/README.md): MediaPipe's pitch error follows the tracked ty (r -0.24 to
// -0.63). The whole of phi (k = 1) over-corrects: it raises pitch r on every clip but its pitch standard deviation
// to 1.67x Deep3DFaceRecon's on KristiNoem (the real camera's field of view is not MediaPipe's 63 degrees, so
// MediaPipe's phi is not the true ray angle). k is fitted (head-frame-fit.ts fitRayFraction: least squares of
// Deep3DFaceRecon's minus MediaPipe's pitch on phi over the training frames; 0.56 on the styletalk clips).
// Elevation only (a deviation we cannot yet explain): the same correction for the ray's azimuth (the full
// rotation of the optical axis onto the ray) lowered yaw r on the clips with the most head turn
// (feifeili_clip1 0.99 -> 0.90, feifeili_clip2_short 0.97 -> 0.84, measured on all their frames), so the
// azimuth is left as MediaPipe gives it.
//
// Free translation makes the readout exactly invariant to where the face is: shifting L by a constant leaves w
// as it is (tests/tracking/head-frame-pose.test.ts checks it).
import { type Mat3, matrixToEuler } from '../pose/pose-convention.ts';
import { LANDMARK_COUNT } from './landmarks.ts';

export const LANDMARK_VALUES = 3 * LANDMARK_COUNT;

export interface HeadFrameReadout {
  readonly name: string;
  /** [1404] the model's mean at the landmarks, cm */
  readonly mean: Float64Array;
  /** [3, 1404] row-major: rotation vector (radians) per landmark coordinate (cm) */
  readonly rotation: Float64Array;
  /** [3] the rotation vector of the mean face under the coefficient prior, radians */
  readonly offset: Float64Array;
  /** k: the fraction of the viewing ray's elevation taken out of the tracker's rotation first (viewingRayRotation) */
  readonly rayFraction: number;
}

/** Rodrigues: the rotation matrix of rotation vector w (axis * angle, radians), row-major. */
export function rotationFromVector(wx: number, wy: number, wz: number): Mat3 {
  const angle = Math.hypot(wx, wy, wz);
  if (angle < 1e-12) return Float64Array.of(1, -wz, wy, wz, 1, -wx, -wy, wx, 1);
  const x = wx / angle, y = wy / angle, z = wz / angle;
  const c = Math.cos(angle), s = Math.sin(angle), k = 1 - c;
  return Float64Array.of(
    c + x * x * k, x * y * k - z * s, x * z * k + y * s,
    y * x * k + z * s, c + y * y * k, y * z * k - x * s,
    z * x * k - y * s, z * y * k + x * s, c + z * z * k,
  );
}

export function multiplyMat3(a: Mat3, b: Mat3): Mat3 {
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
  }
  return out;
}

/** The viewing ray's elevation phi = atan2(ty, -tz) (radians; the camera looks down -z) for a translation in camera space. */
export function viewingRayElevation(ty: number, tz: number): number {
  return Math.atan2(ty, -tz);
}

/**
 * The tracker's rotation relative to a fraction k of the viewing ray's elevation, Rx(-k phi) R (row-major), from a
 * face-geometry transform (4 x 4 row-major, canonical face frame -> camera space, cm): what the readout corrects.
 */
export function viewingRayRotation(poseMatrix: ArrayLike<number>, fraction: number): Mat3 {
  const m = poseMatrix;
  const phi = fraction * viewingRayElevation(m[7]!, m[11]!);
  const c = Math.cos(phi), s = Math.sin(phi);
  // Rx(-phi) = [1 0 0; 0 c s; 0 -s c]
  return Float64Array.of(
    m[0]!, m[1]!, m[2]!,
    c * m[4]! + s * m[8]!, c * m[5]! + s * m[9]!, c * m[6]! + s * m[10]!,
    -s * m[4]! + c * m[8]!, -s * m[5]! + c * m[9]!, -s * m[6]! + c * m[10]!,
  );
}

export class HeadFramePose {
  readonly name: string;
  readonly #readout: HeadFrameReadout;

  constructor(readout: HeadFrameReadout) {
    if (!(Number.isFinite(readout.rayFraction) && readout.rayFraction >= 0 && readout.rayFraction <= 1)) {
      throw new RangeError(`head-frame readout '${readout.name}': rayFraction ${readout.rayFraction}, expected a number in [0, 1]`);
    }
    if (readout.mean.length !== LANDMARK_VALUES || readout.rotation.length !== 3 * LANDMARK_VALUES || readout.offset.length !== 3) {
      throw new RangeError(`head-frame readout '${readout.name}': mean ${readout.mean.length}, rotation ${readout.rotation.length}, offset ${readout.offset.length} values, expected ${LANDMARK_VALUES}, 3 x ${LANDMARK_VALUES} and 3`);
    }
    this.name = readout.name;
    this.#readout = readout;
  }

  /** k of viewingRayRotation */
  get rayFraction(): number {
    return this.#readout.rayFraction;
  }

  /** The rotation vector w (radians) that turns the tracker's face frame into the head frame, for landmarks [1404] at `at`. */
  correction(landmarks: ArrayLike<number>, at = 0): [number, number, number] {
    const { mean, rotation, offset } = this.#readout;
    const w: [number, number, number] = [offset[0]!, offset[1]!, offset[2]!];
    for (let r = 0; r < LANDMARK_VALUES; r++) {
      const d = landmarks[at + r]! - mean[r]!;
      w[0] += rotation[r]! * d;
      w[1] += rotation[LANDMARK_VALUES + r]! * d;
      w[2] += rotation[2 * LANDMARK_VALUES + r]! * d;
    }
    return w;
  }

  /** The head-frame rotation R_t exp([w]x) for the ray-relative tracker rotation R_t (row-major 3 x 3, viewingRayRotation) and its landmarks. */
  rotation(trackerRotation: Mat3, landmarks: ArrayLike<number>, at = 0): Mat3 {
    const [wx, wy, wz] = this.correction(landmarks, at);
    return multiplyMat3(trackerRotation, rotationFromVector(wx, wy, wz));
  }

  /**
   * [pitch, yaw, roll, tx, ty, tz] from a face-geometry transform (4 x 4 row-major, canonical face frame ->
   * camera space, cm; already checked rigid by fromFaceGeometry) and the same frame's landmarks.
   */
  pose(poseMatrix: ArrayLike<number>, landmarks: ArrayLike<number>, at = 0): Float64Array {
    const m = poseMatrix;
    const r = this.rotation(viewingRayRotation(m, this.#readout.rayFraction), landmarks, at);
    const [pitch, yaw, roll] = matrixToEuler(r);
    return Float64Array.of(pitch, yaw, roll, m[3]!, m[7]!, m[11]!);
  }
}

// ---- the shipped readout (head-frame-pose.json) ----

interface StoredArray {
  readonly dtype: 'F32' | 'F64';
  readonly shape: readonly number[];
  readonly base64: string;
}

export interface HeadFramePoseFile {
  readonly format: typeof HEAD_FRAME_POSE_FORMAT;
  readonly version: number;
  readonly name: string;
  readonly provenance: unknown;
  readonly rayFraction: number;
  readonly arrays: { readonly mean: StoredArray; readonly rotation: StoredArray; readonly offset: StoredArray };
}

export const HEAD_FRAME_POSE_FORMAT = 'posedyn-head-frame-pose';
export const HEAD_FRAME_POSE_VERSION = 1;

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function encodeArray(values: ArrayLike<number>, shape: readonly number[]): StoredArray {
  // float64: the readout is small (4,215 values), and the file then gives back exactly what the fit computed
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(8 * i, values[i]!, true);
  return { dtype: 'F64', shape, base64: toBase64(bytes) };
}

function decodeArray(stored: StoredArray | undefined, shape: readonly number[], field: string, source: string): Float64Array {
  if (!stored || (stored.dtype !== 'F64' && stored.dtype !== 'F32') || typeof stored.base64 !== 'string' || !Array.isArray(stored.shape)) {
    throw new RangeError(`${source}: field 'arrays.${field}' is missing or malformed, expected { dtype: "F64", shape: [${shape.join(', ')}], base64 }`);
  }
  if (stored.shape.length !== shape.length || stored.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${source}: field 'arrays.${field}' has shape [${stored.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  const binary = atob(stored.base64);
  const size = stored.dtype === 'F64' ? 8 : 4;
  const count = shape.reduce((a, b) => a * b, 1);
  if (binary.length !== count * size) throw new RangeError(`${source}: field 'arrays.${field}' holds ${binary.length} bytes, expected ${count * size}`);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  return Float64Array.from({ length: count }, (_, i) => (size === 8 ? view.getFloat64(8 * i, true) : view.getFloat32(4 * i, true)));
}

/** The file's text for a readout (the same readout gives the same bytes). */
export function encodeHeadFramePose(readout: HeadFrameReadout, provenance: unknown): string {
  const file: HeadFramePoseFile = {
    format: HEAD_FRAME_POSE_FORMAT,
    version: HEAD_FRAME_POSE_VERSION,
    name: readout.name,
    provenance,
    rayFraction: readout.rayFraction,
    arrays: {
      mean: encodeArray(readout.mean, [LANDMARK_VALUES]),
      rotation: encodeArray(readout.rotation, [3, LANDMARK_VALUES]),
      offset: encodeArray(readout.offset, [3]),
    },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads a head-frame pose file's parsed JSON; errors name `source` and the field. */
export function decodeHeadFramePose(value: unknown, source: string): HeadFramePose {
  const file = value as Partial<HeadFramePoseFile> | null;
  if (!file || typeof file !== 'object' || file.format !== HEAD_FRAME_POSE_FORMAT) {
    throw new RangeError(`${source}: field 'format' is ${JSON.stringify(file?.format)}, expected "${HEAD_FRAME_POSE_FORMAT}"`);
  }
  if (file.version !== HEAD_FRAME_POSE_VERSION) throw new RangeError(`${source}: field 'version' is ${JSON.stringify(file.version)}, expected ${HEAD_FRAME_POSE_VERSION}`);
  if (typeof file.name !== 'string' || !file.name) throw new RangeError(`${source}: field 'name' is missing, expected the readout's name`);
  if (typeof file.rayFraction !== 'number' || !(file.rayFraction >= 0 && file.rayFraction <= 1)) {
    throw new RangeError(`${source}: field 'rayFraction' is ${JSON.stringify(file.rayFraction)}, expected a number in [0, 1]`);
  }
  const arrays = (file.arrays ?? {}) as Partial<HeadFramePoseFile['arrays']>;
  return new HeadFramePose({
    name: file.name,
    rayFraction: file.rayFraction,
    mean: decodeArray(arrays.mean, [LANDMARK_VALUES], 'mean', source),
    rotation: decodeArray(arrays.rotation, [3, LANDMARK_VALUES], 'rotation', source),
    offset: decodeArray(arrays.offset, [3], 'offset', source),
  });
}
