// The mouth opening a frame: the inner-lip gap, the distance between MediaPipe landmarks 13 (upper lip, inner
// edge) and 14 (lower lip, inner edge) of the decoded face (Eq. 2), in centimetres. The same measure the face
// tracker reports for a video (track.json `mouthOpening`), so the two can be compared. Only the two vertices are
// decoded, in float64 on the CPU.
import { LANDMARK } from './canonical-mesh.ts';
import { EXP_COMPONENTS, FACE_COEFFICIENTS, type FaceModel, ID_COMPONENTS } from './face-model.ts';
import { hasMediaPipeTopology } from './mediapipe-topology.ts';
import { centimetresPerModelUnit } from './model-units.ts';

/**
 * coefficients [frames, 144] (alpha_id, alpha_exp) -> [frames] cm, for a model on MediaPipe's mesh (its vertices 13
 * and 14 are the inner lips); null for a model on another mesh (the BFM), which has no such landmarks.
 */
export function mouthOpening(model: FaceModel, coefficients: ArrayLike<number>): Float64Array | null {
  if (!hasMediaPipeTopology(model)) return null;
  if (coefficients.length % FACE_COEFFICIENTS !== 0) throw new RangeError(`mouthOpening: ${coefficients.length} coefficients, not a multiple of ${FACE_COEFFICIENTS} (alpha_id 80, alpha_exp 64 a frame)`);
  const cm = centimetresPerModelUnit(model);
  const upper = LANDMARK.upperLipInner;
  const lower = LANDMARK.lowerLipInner;
  const frames = coefficients.length / FACE_COEFFICIENTS;
  const out = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const c = f * FACE_COEFFICIENTS;
    let squared = 0;
    for (let axis = 0; axis < 3; axis++) {
      const ru = 3 * upper + axis;
      const rl = 3 * lower + axis;
      let d = model.mean[ru]! - model.mean[rl]!;
      for (let k = 0; k < ID_COMPONENTS; k++) d += (model.idBasis[ru * ID_COMPONENTS + k]! - model.idBasis[rl * ID_COMPONENTS + k]!) * coefficients[c + k]!;
      for (let k = 0; k < EXP_COMPONENTS; k++) d += (model.expBasis[ru * EXP_COMPONENTS + k]! - model.expBasis[rl * EXP_COMPONENTS + k]!) * coefficients[c + ID_COMPONENTS + k]!;
      squared += d * d;
    }
    out[f] = Math.sqrt(squared) * cm;
  }
  return out;
}
