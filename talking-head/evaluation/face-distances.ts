// Table 3's face distances on decoded vertices (Eq. 2), generated face f vs ground truth v, frame by frame:
//   shape   mean over frames t of (1 / V) sum_v m_v^2 ||v_t,v - f_t,v||^2
//   motion  mean over neighbouring frames (t - 1, t) of (1 / V) sum_v m_v^2 ||(v_t,v - v_(t-1),v) - (f_t,v - f_(t-1),v)||^2
// in the face model's length unit squared (cm^2 for the fitted and procedural models, dm^2 for Deep3DFaceRecon's BFM).
// With the lower-face weights m of Eq. (7)-(8) (10 below the nose, 1 elsewhere) these are the paper's L_shape
// and L_s-motion, which Table 3's "shape / motion" columns are named after; with m = 1 every vertex counts the
// same. The evaluation reports both.
// Both are quadratic in the coefficient residual r = alpha_true - alpha_generated, because the mean shape
// cancels: ||M B r||^2 = r^T (B^T M^2 B) r. So the Gram matrix G [144, 144] is formed once (on the GPU) and
// no vertex array is ever materialised, which keeps the BFM (35k vertices) cheap.
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { matmul } from '../../core/ops/matmul.ts';
import { FACE_COEFFICIENTS, type FaceModel, combinedBasis, lowerFaceWeightedBasis } from '../face/face-model.ts';
import type { FrameSum } from './pose-distances.ts';

/** Which vertex weights a distance uses: the lower-face mask of Eq. (7)-(8), or 1 for every vertex. */
export type VertexWeighting = 'lower-face' | 'uniform';

/**
 * G = B^T M^2 B [144, 144] (float64 copy of the GPU result) over the model's combined basis B [3V, 144], with
 * M the per-vertex weights: the model's lower-face mask, or the identity.
 */
export async function vertexGram(engine: Engine, model: FaceModel, weighting: VertexWeighting = 'uniform'): Promise<Float64Array> {
  const basisValues = weighting === 'lower-face' ? lowerFaceWeightedBasis(model) : combinedBasis(model);
  const gram = engine.noGrad(() => engine.tidy(() => {
    const basis = tensor(engine, basisValues, [3 * model.vertexCount, FACE_COEFFICIENTS], `${model.name}.basis`);
    return matmul(basis, basis, { transposeA: true });
  }));
  const values = await gram.read();
  gram.dispose();
  return Float64Array.from(values);
}

function quadratic(gram: Float64Array, r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < FACE_COEFFICIENTS; i++) {
    let row = 0;
    for (let j = 0; j < FACE_COEFFICIENTS; j++) row += gram[i * FACE_COEFFICIENTS + j]! * r[j]!;
    s += r[i]! * row;
  }
  return s;
}

/**
 * Shape and motion sums over one sequence: real and generated [T, 144] raw coefficients (alpha_id, alpha_exp).
 * shape.count = T frames, motion.count = T - 1 pairs.
 */
export function faceVertexDistances(real: ArrayLike<number>, generated: ArrayLike<number>, gram: Float64Array, vertexCount: number): { shape: FrameSum; motion: FrameSum } {
  if (real.length !== generated.length || real.length % FACE_COEFFICIENTS !== 0) {
    throw new RangeError(`faceVertexDistances: real has ${real.length} values, generated ${generated.length}; expected equal whole frames of ${FACE_COEFFICIENTS}`);
  }
  if (gram.length !== FACE_COEFFICIENTS * FACE_COEFFICIENTS) throw new RangeError(`faceVertexDistances: Gram matrix of ${gram.length} values, expected ${FACE_COEFFICIENTS} x ${FACE_COEFFICIENTS}`);
  const frames = real.length / FACE_COEFFICIENTS;
  const residual = (t: number) => Float64Array.from({ length: FACE_COEFFICIENTS }, (_, k) => real[t * FACE_COEFFICIENTS + k]! - generated[t * FACE_COEFFICIENTS + k]!);
  let shape = 0;
  let motion = 0;
  let previous: Float64Array | null = null;
  for (let t = 0; t < frames; t++) {
    const r = residual(t);
    shape += quadratic(gram, r);
    if (previous) motion += quadratic(gram, r.map((v, k) => v - previous![k]!));
    previous = r;
  }
  return { shape: { sum: shape / vertexCount, count: frames }, motion: { sum: motion / vertexCount, count: Math.max(0, frames - 1) } };
}
