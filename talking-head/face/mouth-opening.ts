// The mouth opening of a decoded face (Eq. 2): the distance between its inner-lip vertices
// (FaceModel.innerLipVertices: MediaPipe's 13 and 14 on its mesh, whose distance in tracked landmarks is the
// tracker's track.json `mouthOpening`, talking-head/tracking/landmarks.ts, so the two compare; the BFM's
// keypoints 63 and 67), in centimetres whatever the model's unit. Only those two vertices are decoded (6 rows of
// the basis), in float64 on the CPU, so a whole clip costs a few thousand multiplications a frame.
import { FACE_COEFFICIENTS, type FaceModel, ID_COMPONENTS } from './face-model.ts';
import { centimetresPerModelUnit } from './model-units.ts';

export class MouthOpeningDecoder {
  readonly model: FaceModel;
  /** Shape `[6, 144]`: x, y, z of the upper then the lower inner-lip vertex, cm per unit coefficient */
  readonly #rows = new Float64Array(6 * FACE_COEFFICIENTS);
  /** [6] their mean positions, cm */
  readonly #mean = new Float64Array(6);

  /** Throws naming the model when it does not say where its inner lips are, or has an unknown unit. */
  constructor(model: FaceModel) {
    if (!model.innerLipVertices) throw new RangeError(`face model '${model.name}' does not name its inner-lip vertices (innerLipVertices): no mouth opening can be measured on it`);
    const cm = centimetresPerModelUnit(model);
    this.model = model;
    const E = FACE_COEFFICIENTS - ID_COMPONENTS;
    model.innerLipVertices.forEach((v, side) => {
      for (let c = 0; c < 3; c++) {
        const r = 3 * v + c;
        const out = 3 * side + c;
        this.#mean[out] = cm * model.mean[r]!;
        for (let k = 0; k < ID_COMPONENTS; k++) this.#rows[out * FACE_COEFFICIENTS + k] = cm * model.idBasis[r * ID_COMPONENTS + k]!;
        for (let k = 0; k < E; k++) this.#rows[out * FACE_COEFFICIENTS + ID_COMPONENTS + k] = cm * model.expBasis[r * E + k]!;
      }
    });
  }

  /** The opening (cm) of the face with coefficients [144] at `at` of `coefficients` (alpha_id then alpha_exp). */
  opening(coefficients: ArrayLike<number>, at = 0): number {
    const p = new Float64Array(6);
    for (let i = 0; i < 6; i++) {
      let s = this.#mean[i]!;
      for (let k = 0; k < FACE_COEFFICIENTS; k++) s += this.#rows[i * FACE_COEFFICIENTS + k]! * coefficients[at + k]!;
      p[i] = s;
    }
    return Math.hypot(p[0]! - p[3]!, p[1]! - p[4]!, p[2]! - p[5]!);
  }

  /** Openings (cm) of frames [N, 144] row-major -> [N]. */
  sequence(coefficients: ArrayLike<number>): Float64Array {
    if (coefficients.length % FACE_COEFFICIENTS !== 0) throw new RangeError(`mouthOpening: ${coefficients.length} coefficients, not a multiple of ${FACE_COEFFICIENTS} (alpha_id 80, alpha_exp 64 a frame)`);
    return Float64Array.from({ length: coefficients.length / FACE_COEFFICIENTS }, (_, t) => this.opening(coefficients, t * FACE_COEFFICIENTS));
  }
}

/**
 * coefficients [frames, 144] (alpha_id, alpha_exp) -> [frames] cm; null for a model that does not name its inner
 * lips (a mesh without MediaPipe's landmarks or the BFM's keypoints).
 */
export function mouthOpening(model: FaceModel, coefficients: ArrayLike<number>): Float64Array | null {
  return model.innerLipVertices ? new MouthOpeningDecoder(model).sequence(coefficients) : null;
}
