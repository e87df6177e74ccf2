// The user's own Basel Face Model in Deep3DFaceRecon's form, BFM_model_front.mat (BFM 2009 cropped to the front
// of the face, 35709 vertices, with the expression basis of Guo et al.): never shipped with posedyn. Keys read
// (as Deep3DFaceRecon's bfm.py names them; V vertices):
//   meanshape  1 x 3V (or 3V x 1)   x, y, z of each vertex in turn
//   idBase     3V x 80              identity basis (principal components times their standard deviations)
//   exBase     3V x 64              expression basis
//   tri        F x 3                triangles, 1-based
//   keypoints  1 x 68 (or 68 x 1)   the 68 facial landmarks' vertex indices, 1-based (iBUG 68-point order)
// Also in the file, and not needed here: point_buf (triangles around each vertex, for normals), meantex,
// texBase. Units are the file's: Deep3DFaceRecon stores BFM 2009 (micrometres) scaled by 1e-5, decimetres.
// Lower-face mask (Eq. 7): 10 on vertices below the nose tip, 1 elsewhere; the nose tip is landmark 31 of the
// 68 (1-based; 0-based 30, the end of the nose ridge 28-31, as Deep3DFaceRecon's 5-point alignment uses it).
// The mouth opening (mouth-opening.ts) is the distance between landmarks 63 and 67, the middles of the inner lips.
import { FormatError } from '../../core/formats/bytes.ts';
import { type MatArray, matrixRowMajor, matVariable, parseMat5 } from '../formats/mat5.ts';
import { EXP_COMPONENTS, type FaceModel, ID_COMPONENTS, lowerFaceMaskBelow } from './face-model.ts';

/** 0-based index, within the 68 landmarks, of the nose tip. */
export const BFM_NOSE_TIP_KEYPOINT = 30;
/** 0-based indices, within the 68, of the middle of the upper and the lower inner lip (1-based 63 and 67). */
export const BFM_INNER_LIP_KEYPOINTS = [62, 66] as const;

export interface BfmOptions {
  /** Subtract the mean vertex from the mean shape, as Deep3DFaceRecon does (recenter=True). Default true. */
  readonly recenter?: boolean;
}

/** A real numeric vector stored as 1 x n or n x 1, as float64. */
function vector(arr: MatArray, source: string, key: string, expected: string): Float64Array {
  const [rows = 0, cols = 0] = arr.dims;
  if (arr.kind !== 'numeric' || arr.imag || arr.dims.length !== 2 || (rows !== 1 && cols !== 1)) {
    throw new FormatError(source, `variable '${key}' is a ${arr.kind} array of dims [${arr.dims.join(' x ')}], expected a real vector ${expected}`);
  }
  return Float64Array.from(arr.data as ArrayLike<number | bigint>, Number);
}

/** Parses BFM_model_front.mat; `source` names the file in errors. */
export function bfmFaceModel(bytes: Uint8Array, source: string, options: BfmOptions = {}): FaceModel {
  const vars = parseMat5(bytes, source);
  const mean = vector(matVariable(vars, 'meanshape', source), source, 'meanshape', '1 x 3V (x, y, z of each vertex)');
  if (mean.length === 0 || mean.length % 3 !== 0) {
    throw new FormatError(source, `variable 'meanshape' has ${mean.length} values, expected 3V (x, y, z of each vertex)`);
  }
  const rows = mean.length;
  const V = rows / 3;
  const idBase = matrixRowMajor(matVariable(vars, 'idBase', source), source, 'idBase', { rows, cols: ID_COMPONENTS });
  const exBase = matrixRowMajor(matVariable(vars, 'exBase', source), source, 'exBase', { rows, cols: EXP_COMPONENTS });
  const tri = matrixRowMajor(matVariable(vars, 'tri', source), source, 'tri', { cols: 3, as: 'float64' });
  const triangles = new Uint32Array(tri.data.length);
  tri.data.forEach((index, i) => {
    if (!Number.isInteger(index) || index < 1 || index > V) {
      throw new FormatError(source, `variable 'tri' row ${Math.floor(i / 3) + 1} holds vertex ${index}, expected 1-based indices in [1, ${V}]`);
    }
    triangles[i] = index - 1;
  });
  const keypoints = vector(matVariable(vars, 'keypoints', source), source, 'keypoints', '1 x 68 (1-based vertex indices)');
  if (keypoints.length !== 68) throw new FormatError(source, `variable 'keypoints' has ${keypoints.length} values, expected 68 (1-based vertex indices)`);
  const noseTip = keypoints[BFM_NOSE_TIP_KEYPOINT]! - 1;
  if (!Number.isInteger(noseTip) || noseTip < 0 || noseTip >= V) {
    throw new FormatError(source, `variable 'keypoints' entry ${BFM_NOSE_TIP_KEYPOINT + 1} (the nose tip) is ${noseTip + 1}, expected a 1-based vertex index in [1, ${V}]`);
  }

  const innerLips = BFM_INNER_LIP_KEYPOINTS.map((k) => keypoints[k]! - 1);
  const badLip = innerLips.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= V);
  if (badLip >= 0) {
    throw new FormatError(source, `variable 'keypoints' entry ${BFM_INNER_LIP_KEYPOINTS[badLip]! + 1} (an inner lip) is ${innerLips[badLip]! + 1}, expected a 1-based vertex index in [1, ${V}]`);
  }

  if (options.recenter ?? true) {
    for (let c = 0; c < 3; c++) {
      let centre = 0;
      for (let v = 0; v < V; v++) centre += mean[3 * v + c]!;
      centre /= V;
      for (let v = 0; v < V; v++) mean[3 * v + c]! -= centre;
    }
  }
  const meanShape = Float32Array.from(mean);
  return {
    name: `bfm(${source})`,
    vertexCount: V,
    mean: meanShape,
    idBasis: idBase.data,
    expBasis: exBase.data,
    triangles,
    lowerFaceMask: lowerFaceMaskBelow(meanShape, V, meanShape[3 * noseTip + 1]!),
    units: 'dm',
    innerLipVertices: [innerLips[0]!, innerLips[1]!],
  };
}
