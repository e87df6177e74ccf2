// Face coefficients [alpha_id (80), alpha_exp (64)] from the tracker's landmarks: Eq. (2) fitted to one frame's
// 468 landmarks (pose removed, talking-head/tracking/tracked-frame.ts) with a face model whose first 468 vertices
// are MediaPipe's landmarks in their order (the procedural model today; the face model fitted to real data after
// it, which may add vertices after the 468; never the BFM, whose vertices have no such correspondence).
//
// (ours) A maximum a posteriori fit, linear in the coefficients:
//   alpha = argmin |S_mean + B alpha - L|^2 / sigma^2 + |alpha|^2 = (B^T B + sigma^2 I)^-1 B^T (L - S_mean)
// over the 468 landmarks L (3 x 468 values) and the rows of B = [B_id, B_exp] of those vertices: Gaussian
// landmark noise of sigma = LANDMARK_NOISE_CM and the prior alpha ~ N(0, I) that both the procedural model and
// a PCA model (components scaled by their standard deviations, as Deep3DFaceRecon's BFM) are built for. The
// matrix P = (B^T B + sigma^2 I)^-1 B^T [144, 1404] is computed once a model, so a frame costs one 144 x 1404
// product on the CPU. No rigid alignment is fitted: the landmarks are already in the canonical face frame, the
// frame of MediaPipe's canonical mesh, which is the mean of the procedural model and the frame in which a model
// fitted to tracked landmarks lives.
import { canonicalFaceMesh } from '../face/canonical-mesh.ts';
import { FACE_COEFFICIENTS, type FaceModel, assertFaceModel, combinedBasis } from '../face/face-model.ts';
import { LANDMARK_COUNT } from './landmarks.ts';

/**
 * sigma of the fit, cm: about the size of MediaPipe's per-frame landmark jitter and of the mismatch between a
 * 144-coefficient model and a real face (a few millimetres).
 */
export const LANDMARK_NOISE_CM = 0.1;

/** A model whose first 468 mean vertices lie further than this (RMS, cm) from MediaPipe's canonical mesh is refused. */
export const MAX_MEAN_DISTANCE_CM = 1.5;

const CENTIMETRES: Readonly<Record<string, number>> = { mm: 0.1, cm: 1, dm: 10 };

/** The factor that turns the model's length unit into cm, or throws naming the model and unit. */
function centimetresPerModelUnit(model: FaceModel): number {
  const factor = CENTIMETRES[model.units];
  if (factor === undefined) throw new RangeError(`face model '${model.name}': units '${model.units}', expected one of ${Object.keys(CENTIMETRES).join(', ')}`);
  return factor;
}

/** RMS distance (cm) between the model's first 468 mean vertices and MediaPipe's canonical mesh. */
export function distanceToCanonicalMesh(model: FaceModel): number {
  const canonical = canonicalFaceMesh().positions;
  const cm = centimetresPerModelUnit(model);
  let sum = 0;
  for (let r = 0; r < 3 * LANDMARK_COUNT; r++) sum += (cm * model.mean[r]! - canonical[r]!) ** 2;
  return Math.sqrt(sum / LANDMARK_COUNT);
}

/** Solves A X = B in place for symmetric positive definite A [n, n] (Cholesky), B [n, m] row-major. */
function solveSymmetricPositiveDefinite(a: Float64Array, b: Float64Array, n: number, m: number): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    if (!(d > 0)) throw new RangeError(`LandmarkFaceFit: the normal equations are not positive definite at row ${j}`);
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / l;
    }
  }
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = b[i * m + c]!;
      for (let k = 0; k < i; k++) s -= a[i * n + k]! * b[k * m + c]!;
      b[i * m + c] = s / a[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i * m + c]!;
      for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k * m + c]!;
      b[i * m + c] = s / a[i * n + i]!;
    }
  }
}

export class LandmarkFaceFit {
  readonly model: FaceModel;
  /** Shape `[144, 1404]`: coefficients per landmark coordinate (cm) */
  readonly #projector: Float64Array;
  /** [1404] the model's mean at the landmarks, cm */
  readonly #mean: Float64Array;

  /** Throws when `model` is not a model on MediaPipe's mesh (see MAX_MEAN_DISTANCE_CM). */
  constructor(model: FaceModel, sigmaCm = LANDMARK_NOISE_CM) {
    assertFaceModel(model);
    if (model.vertexCount < LANDMARK_COUNT) {
      throw new RangeError(`face model '${model.name}' has ${model.vertexCount} vertices; fitting it to tracked landmarks needs a model whose first ${LANDMARK_COUNT} vertices are MediaPipe's face-mesh landmarks in their order`);
    }
    const distance = distanceToCanonicalMesh(model);
    if (!(distance <= MAX_MEAN_DISTANCE_CM)) {
      throw new RangeError(
        `face model '${model.name}': its first ${LANDMARK_COUNT} mean vertices lie ${distance.toFixed(2)} cm (RMS) from MediaPipe's canonical face mesh, expected at most ${MAX_MEAN_DISTANCE_CM} cm: ` +
          'fitting tracked landmarks needs a model whose first 468 vertices are the face-mesh landmarks in their order (the procedural model is; a BFM is not)',
      );
    }
    this.model = model;
    const cm = centimetresPerModelUnit(model);
    const rows = 3 * LANDMARK_COUNT;
    const K = FACE_COEFFICIENTS;
    const basis = combinedBasis(model);
    this.#mean = Float64Array.from(model.mean.subarray(0, rows), (v) => cm * v);
    // normal = B^T B + sigma^2 I, rhs = B^T, both over the landmark rows, B in cm
    const normal = new Float64Array(K * K);
    const rhs = new Float64Array(K * rows);
    for (let r = 0; r < rows; r++) {
      const row = basis.subarray(r * K, (r + 1) * K);
      for (let a = 0; a < K; a++) {
        const ba = cm * row[a]!;
        rhs[a * rows + r] = ba;
        if (ba === 0) continue;
        for (let b = 0; b < K; b++) normal[a * K + b]! += ba * cm * row[b]!;
      }
    }
    for (let a = 0; a < K; a++) normal[a * K + a]! += sigmaCm * sigmaCm;
    solveSymmetricPositiveDefinite(normal, rhs, K, rows);
    this.#projector = rhs;
  }

  /** Coefficients [144] (alpha_id, alpha_exp) of the landmarks [468 * 3, cm] at `offset`, written to `out` at `outOffset`. */
  fit(landmarks: ArrayLike<number>, offset = 0, out = new Float32Array(FACE_COEFFICIENTS), outOffset = 0): Float32Array {
    const rows = 3 * LANDMARK_COUNT;
    const mean = this.#mean;
    const projector = this.#projector;
    const residual = new Float64Array(rows);
    for (let r = 0; r < rows; r++) residual[r] = landmarks[offset + r]! - mean[r]!;
    for (let a = 0; a < FACE_COEFFICIENTS; a++) {
      let s = 0;
      const p = a * rows;
      for (let r = 0; r < rows; r++) s += projector[p + r]! * residual[r]!;
      out[outOffset + a] = s;
    }
    return out;
  }
}
