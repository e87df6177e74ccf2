// fitted-face-model.json, the file of a face model fitted to tracked faces (landmark-model-fit.ts, written by
// `posedyn fit-face-model`): JSON, so that Node (tsx), bundlers and the package build import it like the
// canonical mesh, with its arrays as base64 of little-endian binary. Fields, in this order:
//   format        "posedyn-fitted-face-model"
//   version       1
//   name          the model's name (FaceModel.name)
//   units         "cm"
//   vertexCount   468: the vertices of MediaPipe's canonical mesh, in its order (triangles and the lower-face mask
//                 are the mesh's, canonical-mesh.ts, and are not stored)
//   provenance    free-form JSON: what the model was fitted to and how (the data, the tracker, the command, the
//                 regularisation chosen, the measured agreement); read by people, not by the loader
//   arrays        { name: { dtype: "F32" | "F16", shape: [..], base64 } } with
//                   mean             F32 [3V]        S_mean, cm
//                   idBasis          F16 [3V, 80]    B_id, cm per unit alpha_id (FaceModel layout)
//                   expBasis         F16 [3V, 64]    B_exp, cm per unit alpha_exp
//                   coefficientMean  F32 [144]       the coefficient prior (FaceModel.coefficientPrior)
//                   coefficientStd   F32 [144]
// Half precision for the bases halves the file: their values are below 2 cm per unit coefficient, where a half
// is exact to 1e-3 cm, under a hundredth of the tracker's landmark jitter; the mean (up to 10 cm) stays float32.
import { FormatError, alignedCopy, float32ToHalf, halfToFloat32 } from '../../../core/formats/bytes.ts';
import { canonicalFaceMesh, LANDMARK } from '../canonical-mesh.ts';
import { EXP_COMPONENTS, FACE_COEFFICIENTS, type FaceModel, ID_COMPONENTS, assertFaceModel, lowerFaceMaskBelow } from '../face-model.ts';

export const FITTED_FACE_MODEL_FORMAT = 'posedyn-fitted-face-model';
export const FITTED_FACE_MODEL_VERSION = 1;

type Dtype = 'F32' | 'F16';

interface StoredArray {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly base64: string;
}

const LAYOUT: Readonly<Record<string, { readonly dtype: Dtype; readonly shape: (V: number) => readonly number[] }>> = {
  mean: { dtype: 'F32', shape: (V) => [3 * V] },
  idBasis: { dtype: 'F16', shape: (V) => [3 * V, ID_COMPONENTS] },
  expBasis: { dtype: 'F16', shape: (V) => [3 * V, EXP_COMPONENTS] },
  coefficientMean: { dtype: 'F32', shape: () => [FACE_COEFFICIENTS] },
  coefficientStd: { dtype: 'F32', shape: () => [FACE_COEFFICIENTS] },
};

export interface FittedFaceModelParts {
  readonly name: string;
  /** [3V] cm */
  readonly mean: ArrayLike<number>;
  /** [3V, 80] and [3V, 64], cm */
  readonly idBasis: ArrayLike<number>;
  readonly expBasis: ArrayLike<number>;
  readonly coefficientMean: ArrayLike<number>;
  readonly coefficientStd: ArrayLike<number>;
  readonly provenance: unknown;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function encodeArray(values: ArrayLike<number>, dtype: Dtype, shape: readonly number[]): StoredArray {
  const bytes = new Uint8Array(values.length * (dtype === 'F32' ? 4 : 2));
  const view = new DataView(bytes.buffer);
  if (dtype === 'F32') for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i]!, true);
  else float32ToHalf(values).forEach((h, i) => view.setUint16(2 * i, h, true));
  return { dtype, shape, base64: toBase64(bytes) };
}

/** The file's text: the same parts give the same bytes. */
export function encodeFittedFaceModel(parts: FittedFaceModelParts): string {
  const V = parts.mean.length / 3;
  const values: Record<string, ArrayLike<number>> = {
    mean: parts.mean, idBasis: parts.idBasis, expBasis: parts.expBasis, coefficientMean: parts.coefficientMean, coefficientStd: parts.coefficientStd,
  };
  const arrays: Record<string, StoredArray> = {};
  for (const [key, { dtype, shape }] of Object.entries(LAYOUT)) {
    const expected = shape(V);
    const count = expected.reduce((a, b) => a * b, 1);
    if (values[key]!.length !== count) throw new RangeError(`encodeFittedFaceModel: '${key}' has ${values[key]!.length} values, expected [${expected.join(', ')}]`);
    arrays[key] = encodeArray(values[key]!, dtype, expected);
  }
  const head = { format: FITTED_FACE_MODEL_FORMAT, version: FITTED_FACE_MODEL_VERSION, name: parts.name, units: 'cm', vertexCount: V };
  // One array a line, everything else indented: the provenance reads in a text editor.
  const lines = Object.entries(arrays).map(([key, a]) => `    ${JSON.stringify(key)}: ${JSON.stringify(a)}`);
  return `${JSON.stringify({ ...head, provenance: parts.provenance }, null, 2).slice(0, -2)},\n  "arrays": {\n${lines.join(',\n')}\n  }\n}\n`;
}

export interface FittedFaceModelFile {
  readonly model: FaceModel;
  readonly provenance: unknown;
}

function fail(source: string, field: string, value: unknown, expected: string): never {
  const shown = JSON.stringify(value);
  throw new FormatError(source, `field '${field}' is ${shown === undefined ? 'missing' : shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}, expected ${expected}`);
}

function decodeArray(source: string, key: string, stored: unknown, dtype: Dtype, shape: readonly number[]): Float32Array {
  const field = `arrays.${key}`;
  if (stored === null || typeof stored !== 'object') fail(source, field, stored, `{ dtype: "${dtype}", shape: [${shape.join(', ')}], base64 }`);
  const a = stored as Record<string, unknown>;
  if (a.dtype !== dtype) fail(source, `${field}.dtype`, a.dtype, `"${dtype}"`);
  if (JSON.stringify(a.shape) !== JSON.stringify(shape)) fail(source, `${field}.shape`, a.shape, `[${shape.join(', ')}]`);
  if (typeof a.base64 !== 'string') fail(source, `${field}.base64`, a.base64, 'a base64 string');
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(a.base64 as string);
  } catch {
    fail(source, `${field}.base64`, `${(a.base64 as string).slice(0, 20)}...`, 'valid base64');
  }
  const count = shape.reduce((x, y) => x * y, 1);
  const size = dtype === 'F32' ? 4 : 2;
  if (bytes.length !== count * size) throw new FormatError(source, `field '${field}.base64' holds ${bytes.length} bytes, expected ${count * size} (${count} ${dtype} values)`);
  const buffer = alignedCopy(bytes, size, true);
  const out = dtype === 'F32' ? new Float32Array(buffer) : halfToFloat32(new Uint16Array(buffer));
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new FormatError(source, `field '${field}' value ${bad} is ${out[bad]}, expected finite numbers`);
  return out;
}

/** The parsed JSON of a fitted-face-model file -> a face model on MediaPipe's mesh; errors name the field. */
export function parseFittedFaceModel(root: unknown, source: string): FittedFaceModelFile {
  if (root === null || typeof root !== 'object' || Array.isArray(root)) fail(source, '(root)', root, 'an object');
  const o = root as Record<string, unknown>;
  if (o.format !== FITTED_FACE_MODEL_FORMAT) fail(source, 'format', o.format, `"${FITTED_FACE_MODEL_FORMAT}"`);
  if (o.version !== FITTED_FACE_MODEL_VERSION) fail(source, 'version', o.version, String(FITTED_FACE_MODEL_VERSION));
  if (typeof o.name !== 'string' || o.name === '') fail(source, 'name', o.name, 'a name');
  if (o.units !== 'cm') fail(source, 'units', o.units, '"cm"');
  const mesh = canonicalFaceMesh();
  if (o.vertexCount !== mesh.vertexCount) fail(source, 'vertexCount', o.vertexCount, `${mesh.vertexCount} (MediaPipe's canonical mesh)`);
  const V = mesh.vertexCount;
  const stored = o.arrays;
  if (stored === null || typeof stored !== 'object') fail(source, 'arrays', stored, `an object with ${Object.keys(LAYOUT).join(', ')}`);
  const arrays = Object.fromEntries(Object.entries(LAYOUT).map(([key, { dtype, shape }]) => [key, decodeArray(source, key, (stored as Record<string, unknown>)[key], dtype, shape(V))]));
  const model: FaceModel = {
    name: o.name as string,
    vertexCount: V,
    mean: arrays.mean!,
    idBasis: arrays.idBasis!,
    expBasis: arrays.expBasis!,
    triangles: mesh.triangles,
    // The same vertices as the procedural model's mask: below the canonical mesh's nose tip (a region of the
    // mesh, not of one face).
    lowerFaceMask: lowerFaceMaskBelow(mesh.positions, V, mesh.positions[3 * LANDMARK.noseTip + 1]!),
    units: 'cm',
    innerLipVertices: [LANDMARK.upperLipInner, LANDMARK.lowerLipInner],
    coefficientPrior: { mean: arrays.coefficientMean!, std: arrays.coefficientStd! },
  };
  try {
    assertFaceModel(model);
  } catch (error) {
    throw new FormatError(source, (error as Error).message);
  }
  return { model, provenance: o.provenance };
}
