// NumPy .npy / .npz reader and a float32 .npy writer, runtime-agnostic.
//
// .npy (numpy/lib/format.py, "NEP 1"): magic "\x93NUMPY", major and minor version bytes, header length
// (u16 LE in v1, u32 LE in v2/v3), then an ASCII (v3: UTF-8) Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } padded with spaces and '\n' so that the data
// starts at a multiple of 64 bytes. The data follows in C or Fortran order.
// .npz: a zip archive (stored or deflated) of .npy members named "<key>.npy".
import { unzipSync } from 'fflate';
import { FormatError, alignedCopy, columnMajorToRowMajor, halfToFloat32, product } from '../../core/formats/bytes.ts';

export type NpyDtype =
  | 'float16' | 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

export type NpyData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

export interface NpyArray {
  /** the stored dtype; float16 is widened to a Float32Array, bool is a Uint8Array of 0/1 */
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** row-major (C order), whatever the stored order */
  readonly data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const DTYPES: Record<string, { dtype: NpyDtype; size: number }> = {
  f2: { dtype: 'float16', size: 2 }, f4: { dtype: 'float32', size: 4 }, f8: { dtype: 'float64', size: 8 },
  i1: { dtype: 'int8', size: 1 }, u1: { dtype: 'uint8', size: 1 }, i2: { dtype: 'int16', size: 2 },
  u2: { dtype: 'uint16', size: 2 }, i4: { dtype: 'int32', size: 4 }, u4: { dtype: 'uint32', size: 4 },
  i8: { dtype: 'int64', size: 8 }, u8: { dtype: 'uint64', size: 8 }, b1: { dtype: 'bool', size: 1 },
};

function view(dtype: NpyDtype, buffer: ArrayBuffer): NpyData {
  switch (dtype) {
    case 'float16': return halfToFloat32(new Uint16Array(buffer));
    case 'float32': return new Float32Array(buffer);
    case 'float64': return new Float64Array(buffer);
    case 'int8': return new Int8Array(buffer);
    case 'uint8':
    case 'bool': return new Uint8Array(buffer);
    case 'int16': return new Int16Array(buffer);
    case 'uint16': return new Uint16Array(buffer);
    case 'int32': return new Int32Array(buffer);
    case 'uint32': return new Uint32Array(buffer);
    case 'int64': return new BigInt64Array(buffer);
    case 'uint64': return new BigUint64Array(buffer);
    default: return dtype satisfies never;
  }
}

function emptyLike(data: NpyData): (n: number) => NpyData {
  return (n) => new (data.constructor as new (n: number) => NpyData)(n);
}

/** Parses one .npy file. */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new FormatError(source, 'is not a .npy file: it does not start with "\\x93NUMPY"');
  }
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = dv.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new FormatError(source, 'is truncated inside the .npy preamble');
    headerStart = 12;
    headerLength = dv.getUint32(8, true);
  } else {
    throw new FormatError(source, `has .npy format version ${major}.${bytes[7]}, expected 1.x, 2.x or 3.x`);
  }
  if (headerStart + headerLength > bytes.length) {
    throw new FormatError(source, `header declares ${headerLength} bytes but only ${bytes.length - headerStart} remain (file truncated?)`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));

  const descr = /'descr'\s*:\s*(['"])([^'"]*)\1/.exec(header)?.[2];
  if (descr === undefined) {
    if (/'descr'\s*:\s*\[/.test(header)) throw new FormatError(source, `has a structured dtype; expected a plain numeric dtype such as '<f4'`);
    throw new FormatError(source, `.npy header has no 'descr' key: ${header.trim()}`);
  }
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) throw new FormatError(source, `.npy header has no 'fortran_order' key: ${header.trim()}`);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new FormatError(source, `.npy header has no 'shape' key: ${header.trim()}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new FormatError(source, `has an invalid shape (${shapeText})`);

  const order = descr[0]!;
  const kind = DTYPES[descr.slice(1)];
  if (descr === '|O' || descr === 'O') throw new FormatError(source, `has dtype object ('|O'); posedyn reads numeric arrays only (pickled objects are not supported)`);
  if (!kind || !'<>|='.includes(order)) throw new FormatError(source, `has dtype '${descr}'; supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1`);
  const littleEndian = order !== '>';

  const count = product(shape);
  const dataStart = headerStart + headerLength;
  const need = count * kind.size;
  if (bytes.length - dataStart < need) {
    throw new FormatError(source, `data is ${bytes.length - dataStart} bytes, expected ${need} for shape (${shape.join(', ')}) of ${descr} (file truncated?)`);
  }
  const data = view(kind.dtype, alignedCopy(bytes.subarray(dataStart, dataStart + need), kind.size, littleEndian));
  if (fortran === 'True' && shape.length > 1) {
    return { dtype: kind.dtype, shape, data: columnMajorToRowMajor(data, shape, emptyLike(data)) };
  }
  return { dtype: kind.dtype, shape, data };
}

/** Parses a .npz archive; keys are the member names without ".npy". */
export function parseNpz(bytes: Uint8Array, source: string): Map<string, NpyArray> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new FormatError(source, 'is not a .npz file: it does not start with the zip signature "PK"');
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (error) {
    throw new FormatError(source, `is not a readable zip archive (${(error as Error).message}; file truncated?)`);
  }
  const out = new Map<string, NpyArray>();
  for (const [name, member] of Object.entries(members)) {
    out.set(name.replace(/\.npy$/, ''), parseNpy(member, `${source}[${name}]`));
  }
  return out;
}

/** Returns array `key` of an .npz, or throws naming the keys it does have. */
export function npzArray(arrays: ReadonlyMap<string, NpyArray>, key: string, source: string): NpyArray {
  const found = arrays.get(key);
  if (!found) throw new FormatError(source, `has no array '${key}' (arrays: ${[...arrays.keys()].join(', ') || 'none'})`);
  return found;
}

/** Writes a float32 array (row-major, `shape`) as a version 1.0 .npy file. */
export function writeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  if (product(shape) !== data.length) throw new Error(`writeNpy: ${data.length} values do not fill shape (${shape.join(', ')})`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so that magic + version + length + header (ending in '\n') is a multiple of 64.
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const le = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) le.setFloat32(i * 4, data[i]!, true);
  return out;
}
