// Face coefficients [alpha_id (80), alpha_exp (64)] from the tracker's landmarks: Eq. (2) fitted to one frame's
// 468 landmarks (pose removed, talking-head/tracking/tracked-frame.ts) with a face model whose first 468 vertices
// are MediaPipe's landmarks in their order (the default, fitted model and the procedural one; never the BFM,
// whose vertices have no such correspondence).
//
// (ours) A maximum a posteriori fit, linear in the coefficients:
//   alpha = argmin |S_mean + B alpha - L|^2 / sigma^2 + sum_k ((alpha_k - mu_k) / s_k)^2
//         = mu + (B^T B + sigma^2 diag(1 / s^2))^-1 B^T (L - S_mean - B mu)
// over the 468 landmarks L (3 x 468 values) and the rows of B = [B_id, B_exp] of those vertices: Gaussian
// landmark noise of sigma = LANDMARK_NOISE_CM and a Gaussian prior per coefficient, the model's own
// (`coefficientPrior`: the fitted model's is Deep3DFaceRecon's coefficient mean and spread over its training
// frames, so a tracked face gets coefficients distributed as the training data's) or, for a model without one,
// mu = 0 and s = 1, what a PCA model (components scaled by their standard deviations) and the procedural
// model are built for. The matrix P = (B^T B + sigma^2 diag(1 / s^2))^-1 B^T [144, 1404] is computed once a
// model, so a frame costs one 144 x 1404 product on the CPU. No rigid alignment is fitted: the landmarks are
// already in the canonical face frame, the frame of MediaPipe's canonical mesh, in which the models on that
// mesh live.
import { canonicalFaceMesh } from '../face/canonical-mesh.ts';
import { FACE_COEFFICIENTS, type FaceModel, assertFaceModel, combinedBasis } from '../face/face-model.ts';
import { centimetresPerModelUnit } from '../face/model-units.ts';
import { solveSymmetricPositiveDefinite } from '../face/symmetric-solve.ts';
import { LANDMARK_COUNT } from './landmarks.ts';

/**
 * sigma of the fit, cm: about the size of MediaPipe's per-frame landmark jitter and of the mismatch between a
 * 144-coefficient model and a real face (a few millimetres).
 */
export const LANDMARK_NOISE_CM = 0.1;

/** A model whose first 468 mean vertices lie further than this (RMS, cm) from MediaPipe's canonical mesh is refused. */
export const MAX_MEAN_DISTANCE_CM = 1.5;

/** RMS distance (cm) between the model's first 468 mean vertices and MediaPipe's canonical mesh. */
export function distanceToCanonicalMesh(model: FaceModel): number {
  const canonical = canonicalFaceMesh().positions;
  const cm = centimetresPerModelUnit(model);
  let sum = 0;
  for (let r = 0; r < 3 * LANDMARK_COUNT; r++) sum += (cm * model.mean[r]! - canonical[r]!) ** 2;
  return Math.sqrt(sum / LANDMARK_COUNT);
}

export class LandmarkFaceFit {
  readonly model: FaceModel;
  /** Shape `[144, 1404]`: coefficients per landmark coordinate (cm) */
  readonly #projector: Float64Array;
  /** [1404] the face of the prior's mean coefficients at the landmarks, S_mean + B mu, cm */
  readonly #mean: Float64Array;
  /** [144] mu */
  readonly #priorMean: Float64Array;

  /** Throws when `model` is not a model on MediaPipe's mesh (see MAX_MEAN_DISTANCE_CM). */
  constructor(model: FaceModel, sigmaCm = LANDMARK_NOISE_CM) {
    if (model.vertexCount < LANDMARK_COUNT) {
      throw new RangeError(`face model '${model.name}' has ${model.vertexCount} vertices; fitting it to tracked landmarks needs a model whose first ${LANDMARK_COUNT} vertices are MediaPipe's face-mesh landmarks in their order`);
    }
    assertFaceModel(model);
    const distance = distanceToCanonicalMesh(model);
    if (!(distance <= MAX_MEAN_DISTANCE_CM)) {
      throw new RangeError(
        `face model '${model.name}': its first ${LANDMARK_COUNT} mean vertices lie ${distance.toFixed(2)} cm (RMS) from MediaPipe's canonical face mesh, expected at most ${MAX_MEAN_DISTANCE_CM} cm: ` +
          'fitting tracked landmarks needs a model whose first 468 vertices are the face-mesh landmarks in their order (the fitted and procedural models are; a BFM is not)',
      );
    }
    this.model = model;
    const cm = centimetresPerModelUnit(model);
    const rows = 3 * LANDMARK_COUNT;
    const K = FACE_COEFFICIENTS;
    const basis = combinedBasis(model);
    const prior = model.coefficientPrior;
    this.#priorMean = prior ? Float64Array.from(prior.mean) : new Float64Array(K);
    this.#mean = Float64Array.from(model.mean.subarray(0, rows), (v) => cm * v);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += basis[r * K + k]! * this.#priorMean[k]!;
      this.#mean[r]! += cm * s;
    }
    // normal = B^T B + sigma^2 diag(1 / s^2), rhs = B^T, both over the landmark rows, B in cm
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
    for (let a = 0; a < K; a++) normal[a * K + a]! += (sigmaCm / (prior ? prior.std[a]! : 1)) ** 2;
    solveSymmetricPositiveDefinite(normal, rhs, K, rows, `LandmarkFaceFit(${model.name})`);
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
      let s = this.#priorMean[a]!;
      const p = a * rows;
      for (let r = 0; r < rows; r++) s += projector[p + r]! * residual[r]!;
      out[outOffset + a] = s;
    }
    return out;
  }
}
