// The mouth opening of a decoded face: the distance between its inner-lip vertices (FaceModel.innerLipVertices:
// MediaPipe's 13 and 14, whose distance in tracked landmarks is the tracker's `mouthOpening`,
// talking-head/tracking/landmarks.ts), in cm whatever the model's unit. Eq. (2) is evaluated on those two
// vertices only (6 rows of the basis), so a whole clip costs a few thousand multiplications a frame.
import { FACE_COEFFICIENTS, type FaceModel, ID_COMPONENTS } from './face-model.ts';

const CENTIMETRES: Readonly<Record<string, number>> = { mm: 0.1, cm: 1, dm: 10 };

export class MouthOpeningDecoder {
  readonly model: FaceModel;
  /** [6, 144]: x, y, z of the upper then the lower inner-lip vertex, cm per unit coefficient */
  readonly #rows = new Float64Array(6 * FACE_COEFFICIENTS);
  /** [6] their mean positions, cm */
  readonly #mean = new Float64Array(6);

  /** Throws naming the model when it does not say where its inner lips are, or has an unknown unit. */
  constructor(model: FaceModel) {
    if (!model.innerLipVertices) throw new RangeError(`face model '${model.name}' does not name its inner-lip vertices (innerLipVertices): no mouth opening can be measured on it`);
    const cm = CENTIMETRES[model.units];
    if (cm === undefined) throw new RangeError(`face model '${model.name}': units '${model.units}', expected one of ${Object.keys(CENTIMETRES).join(', ')}`);
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
  sequence(coefficients: ArrayLike<number>): Float32Array {
    if (coefficients.length % FACE_COEFFICIENTS !== 0) throw new RangeError(`MouthOpeningDecoder: ${coefficients.length} values, expected whole frames of ${FACE_COEFFICIENTS} coefficients`);
    return Float32Array.from({ length: coefficients.length / FACE_COEFFICIENTS }, (_, t) => this.opening(coefficients, t * FACE_COEFFICIENTS));
  }
}
