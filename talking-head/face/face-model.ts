// A linear 3D morphable face model, Eq. (2): S = S_mean + B_id alpha_id + B_exp alpha_exp, with 80 identity
// and 64 expression coefficients (the Basel Face Model with Deep3DFaceRecon's expression basis in the paper).
// Three sources implement it: the fitted model (fitted-face-model.ts: fitted to tracked faces with
// Deep3DFaceRecon's coefficients, on MediaPipe's canonical mesh; the default, default-face-model.ts), the
// procedural model (procedural-face-model.ts, on the same mesh) and the user's own BFM file (bfm-face-model.ts).
//
// Layouts (every array row-major):
//   mean      [V * 3]        vertex v's (x, y, z) at 3v, 3v + 1, 3v + 2
//   idBasis   [V * 3, 80]    element (r, k) at r * 80 + k: the displacement of coordinate r per unit alpha_id[k]
//   expBasis  [V * 3, 64]    element (r, k) at r * 64 + k
//   triangles [F * 3]        0-based vertex indices (winding as the source has it: MediaPipe's is
//                            counter-clockwise seen from the camera)
//   lowerFaceMask [V]        m of Eq. (7)-(8): 10 on the lower face (below the nose tip), 1 elsewhere

export const ID_COMPONENTS = 80;
export const EXP_COMPONENTS = 64;
/** Coefficients a frame: alpha_id then alpha_exp. */
export const FACE_COEFFICIENTS = ID_COMPONENTS + EXP_COMPONENTS;
/** The weight of Eq. (7)-(8) on lower-face vertices (1 elsewhere). */
export const LOWER_FACE_WEIGHT = 10;

export interface FaceModel {
  readonly name: string;
  readonly vertexCount: number;
  readonly mean: Float32Array;
  readonly idBasis: Float32Array;
  readonly expBasis: Float32Array;
  readonly triangles: Uint32Array;
  readonly lowerFaceMask: Float32Array;
  /** The length unit of mean and bases: 'cm' (fitted, procedural) or 'dm' (Deep3DFaceRecon's BFM). */
  readonly units: string;
  /**
   * Where coefficients of this model lie, when it knows: per-coefficient mean and standard deviation [144] of
   * the coefficients it was fitted to (the fitted model: Deep3DFaceRecon's over its training frames). Without
   * it a model's coefficients are taken as N(0, 1) each, as a PCA model scaled by its standard deviations is.
   */
  readonly coefficientPrior?: CoefficientPrior;
  /**
   * The vertices in the middle of the upper and the lower inner lip, whose distance is the mouth opening
   * (mouth-opening.ts): MediaPipe's 13 and 14 on its mesh, the BFM's keypoints 63 and 67 of the 68.
   */
  readonly innerLipVertices?: readonly [number, number];
}

export interface CoefficientPrior {
  /** [144] alpha_id then alpha_exp */
  readonly mean: Float32Array;
  /** [144] */
  readonly std: Float32Array;
}

/** Throws naming the model and the array whose size does not fit vertexCount. */
export function assertFaceModel(model: FaceModel): void {
  const V = model.vertexCount;
  const expect = (what: string, actual: number, expected: number) => {
    if (actual !== expected) throw new RangeError(`face model '${model.name}': ${what} has ${actual} values, expected ${expected} for ${V} vertices`);
  };
  expect('mean', model.mean.length, 3 * V);
  expect('idBasis', model.idBasis.length, 3 * V * ID_COMPONENTS);
  expect('expBasis', model.expBasis.length, 3 * V * EXP_COMPONENTS);
  expect('lowerFaceMask', model.lowerFaceMask.length, V);
  if (model.innerLipVertices && !model.innerLipVertices.every((v) => Number.isInteger(v) && v >= 0 && v < V)) {
    throw new RangeError(`face model '${model.name}': innerLipVertices [${model.innerLipVertices.join(', ')}], expected two vertex indices below ${V}`);
  }
  if (model.coefficientPrior) {
    const { mean, std } = model.coefficientPrior;
    if (mean.length !== FACE_COEFFICIENTS || std.length !== FACE_COEFFICIENTS) {
      throw new RangeError(`face model '${model.name}': coefficientPrior has ${mean.length} means and ${std.length} standard deviations, expected ${FACE_COEFFICIENTS} each`);
    }
    const bad = std.findIndex((s) => !(s > 0 && Number.isFinite(s)));
    if (bad >= 0) throw new RangeError(`face model '${model.name}': coefficientPrior.std[${bad}] is ${std[bad]}, expected a finite value > 0`);
  }
  if (model.triangles.length % 3 !== 0) throw new RangeError(`face model '${model.name}': triangles has ${model.triangles.length} indices, not a multiple of 3`);
  const bad = model.triangles.findIndex((i) => i >= V);
  if (bad >= 0) throw new RangeError(`face model '${model.name}': triangle index ${model.triangles[bad]} at ${bad} is past the last vertex (${V - 1})`);
}

/**
 * The coefficients [144] of a typical face of the model: its prior's mean (the fitted model: the average of
 * its training frames, a face mid-speech), or zeros (a PCA model's mean face). Zero coefficients of the fitted
 * model lie outside its data (Deep3DFaceRecon's alpha_id of real people are far from 0): not a neutral face.
 */
export function typicalCoefficients(model: FaceModel): Float32Array {
  return model.coefficientPrior ? Float32Array.from(model.coefficientPrior.mean) : new Float32Array(FACE_COEFFICIENTS);
}

/** Eq. (2) in float64 on the CPU: the reference for the GPU decode. Returns [V * 3]. */
export function decodeFaceCpu(model: FaceModel, alphaId: ArrayLike<number>, alphaExp: ArrayLike<number>): Float64Array {
  if (alphaId.length !== ID_COMPONENTS || alphaExp.length !== EXP_COMPONENTS) {
    throw new RangeError(`decodeFaceCpu: got ${alphaId.length} identity and ${alphaExp.length} expression coefficients, expected ${ID_COMPONENTS} and ${EXP_COMPONENTS}`);
  }
  const rows = 3 * model.vertexCount;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = model.mean[r]!;
    for (let k = 0; k < ID_COMPONENTS; k++) s += model.idBasis[r * ID_COMPONENTS + k]! * alphaId[k]!;
    for (let k = 0; k < EXP_COMPONENTS; k++) s += model.expBasis[r * EXP_COMPONENTS + k]! * alphaExp[k]!;
    out[r] = s;
  }
  return out;
}

/** The combined basis [V * 3, 144], row r = [idBasis row r, expBasis row r]: what the GPU decode uploads. */
export function combinedBasis(model: FaceModel): Float32Array {
  const rows = 3 * model.vertexCount;
  const out = new Float32Array(rows * FACE_COEFFICIENTS);
  for (let r = 0; r < rows; r++) {
    out.set(model.idBasis.subarray(r * ID_COMPONENTS, (r + 1) * ID_COMPONENTS), r * FACE_COEFFICIENTS);
    out.set(model.expBasis.subarray(r * EXP_COMPONENTS, (r + 1) * EXP_COMPONENTS), r * FACE_COEFFICIENTS + ID_COMPONENTS);
  }
  return out;
}

/** The combined basis with each vertex's rows scaled by its lower-face weight m (Eq. 7-8): M B [V * 3, 144]. */
export function lowerFaceWeightedBasis(model: FaceModel): Float32Array {
  const out = combinedBasis(model);
  for (let row = 0; row < 3 * model.vertexCount; row++) {
    const m = model.lowerFaceMask[Math.floor(row / 3)]!;
    for (let k = 0; k < FACE_COEFFICIENTS; k++) out[row * FACE_COEFFICIENTS + k]! *= m;
  }
  return out;
}

/** Lower-face mask by a threshold on height: LOWER_FACE_WEIGHT where y < noseTipY, 1 elsewhere (y up). */
export function lowerFaceMaskBelow(mean: ArrayLike<number>, vertexCount: number, noseTipY: number): Float32Array {
  const mask = new Float32Array(vertexCount);
  for (let v = 0; v < vertexCount; v++) mask[v] = mean[3 * v + 1]! < noseTipY ? LOWER_FACE_WEIGHT : 1;
  return mask;
}
