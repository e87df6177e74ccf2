// MATLAB v5 .mat reader (and a minimal writer), runtime-agnostic: bytes in, arrays out.
//
// Layout (MathWorks, "MAT-File Format", R2023b, ch. 1):
//   128-byte header: 116 bytes text, 8 bytes subsystem offset, version (0x0100), endian indicator 'IM'/'MI'.
//   Then data elements: an 8-byte tag (u32 type, u32 byte count) and the data padded to 8 bytes, or the
//   "small data element" form (u16 byte count in the high half, u16 type in the low half, data in the next
//   4 bytes). miCOMPRESSED elements hold one zlib-compressed element and are not padded.
//   A variable is a miMATRIX element: array flags (class, complex, logical), dimensions, name, then
//   class-specific parts (real and imaginary data; for structs the field names and one miMATRIX per
//   element per field, elements in column-major order).
// Arrays are exposed as stored: `dims` and column-major `data`. `matrixRowMajor` gives a row-major copy.
import { unzlibSync } from 'fflate';
import { FormatError, alignedCopy, columnMajorToRowMajor, product } from '../../core/formats/bytes.ts';

export type MatNumericClass =
  | 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export type MatNumericData =
  | Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

export interface MatNumeric {
  readonly kind: 'numeric';
  readonly class: MatNumericClass;
  /** true for MATLAB logical arrays (stored as uint8 0/1) */
  readonly logical: boolean;
  readonly dims: readonly number[];
  /** column-major, typed by class */
  readonly data: MatNumericData;
  /** imaginary part, column-major, for complex arrays */
  readonly imag?: MatNumericData;
}

export interface MatChar {
  readonly kind: 'char';
  readonly dims: readonly number[];
  /** UTF-16 code units, column-major */
  readonly data: Uint16Array;
}

export interface MatStruct {
  readonly kind: 'struct';
  readonly dims: readonly number[];
  readonly fieldNames: readonly string[];
  /** one map a struct element, elements in column-major order */
  readonly elements: readonly ReadonlyMap<string, MatArray>[];
}

export type MatArray = MatNumeric | MatChar | MatStruct;

// Data types (miXXX) and array classes (mxXXX_CLASS) from the MAT-file format.
const MI = {
  INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13,
  MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18,
} as const;

const MX_CLASS: Record<number, MatNumericClass | 'cell' | 'struct' | 'object' | 'char' | 'sparse' | 'function' | 'opaque'> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8',
  10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64', 16: 'function', 17: 'opaque',
};

const FLAG_COMPLEX = 0x0800;
const FLAG_LOGICAL = 0x0200;

interface Element {
  readonly type: number;
  readonly body: Uint8Array;
}

/** Reads the data elements in `bytes` one after another. */
function* elements(bytes: Uint8Array, littleEndian: boolean, where: () => string): Generator<Element> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new FormatError(where(), `data element tag at byte ${at} is truncated`);
    const first = view.getUint32(at, littleEndian);
    if (first >>> 16 !== 0) {
      // Small data element: up to 4 bytes of data inside the 8-byte tag.
      const size = first >>> 16;
      if (size > 4) throw new FormatError(where(), `small data element at byte ${at} claims ${size} bytes (at most 4)`);
      yield { type: first & 0xffff, body: bytes.subarray(at + 4, at + 4 + size) };
      at += 8;
      continue;
    }
    const size = view.getUint32(at + 4, littleEndian);
    const end = at + 8 + size;
    if (end > bytes.length) {
      throw new FormatError(where(), `data element at byte ${at} declares ${size} bytes but only ${bytes.length - at - 8} remain (file truncated?)`);
    }
    yield { type: first, body: bytes.subarray(at + 8, end) };
    at = first === MI.COMPRESSED ? end : Math.min(bytes.length, end + ((8 - (size % 8)) % 8));
  }
}

const ELEMENT_SIZE: Record<number, number> = {
  [MI.INT8]: 1, [MI.UINT8]: 1, [MI.INT16]: 2, [MI.UINT16]: 2, [MI.INT32]: 4, [MI.UINT32]: 4, [MI.SINGLE]: 4,
  [MI.DOUBLE]: 8, [MI.INT64]: 8, [MI.UINT64]: 8, [MI.UTF8]: 1, [MI.UTF16]: 2, [MI.UTF32]: 4,
};

/** Reads a numeric data element as the typed array of its stored type. */
function storedArray(element: Element, littleEndian: boolean, where: () => string): MatNumericData {
  const size = ELEMENT_SIZE[element.type];
  if (size === undefined || element.type === MI.UTF8 || element.type === MI.UTF16 || element.type === MI.UTF32) {
    throw new FormatError(where(), `numeric data has data type ${element.type}, expected a numeric miXXX type`);
  }
  if (element.body.length % size !== 0) {
    throw new FormatError(where(), `numeric data of ${element.body.length} bytes is not a whole number of ${size}-byte elements`);
  }
  const buffer = alignedCopy(element.body, size, littleEndian);
  switch (element.type) {
    case MI.INT8: return new Int8Array(buffer);
    case MI.UINT8: return new Uint8Array(buffer);
    case MI.INT16: return new Int16Array(buffer);
    case MI.UINT16: return new Uint16Array(buffer);
    case MI.INT32: return new Int32Array(buffer);
    case MI.UINT32: return new Uint32Array(buffer);
    case MI.SINGLE: return new Float32Array(buffer);
    case MI.DOUBLE: return new Float64Array(buffer);
    case MI.INT64: return new BigInt64Array(buffer);
    default: return new BigUint64Array(buffer);
  }
}

/** MATLAB stores e.g. small-integer doubles as miUINT8; converts the stored array to the array's class. */
function toClass(stored: MatNumericData, cls: MatNumericClass): MatNumericData {
  const n = stored.length;
  const big = cls === 'int64' || cls === 'uint64';
  const out: MatNumericData = (() => {
    switch (cls) {
      case 'double': return new Float64Array(n);
      case 'single': return new Float32Array(n);
      case 'int8': return new Int8Array(n);
      case 'uint8': return new Uint8Array(n);
      case 'int16': return new Int16Array(n);
      case 'uint16': return new Uint16Array(n);
      case 'int32': return new Int32Array(n);
      case 'uint32': return new Uint32Array(n);
      case 'int64': return new BigInt64Array(n);
      case 'uint64': return new BigUint64Array(n);
      default: return cls satisfies never;
    }
  })();
  if (out.constructor === stored.constructor) return stored;
  for (let i = 0; i < n; i++) {
    const v = stored[i]!;
    (out as { [i: number]: number | bigint })[i] = big ? BigInt(v) : Number(v);
  }
  return out;
}

function decodeText(element: Element, littleEndian: boolean, where: () => string): Uint16Array {
  switch (element.type) {
    case MI.UTF8:
    case MI.INT8:
    case MI.UINT8: {
      const text = new TextDecoder('utf-8').decode(element.body);
      const units = new Uint16Array(text.length);
      for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
      return units;
    }
    case MI.UTF16:
    case MI.UINT16:
    case MI.INT16:
      return new Uint16Array(alignedCopy(element.body, 2, littleEndian));
    case MI.UTF32:
    case MI.UINT32:
    case MI.INT32: {
      const points = new Uint32Array(alignedCopy(element.body, 4, littleEndian));
      const text = String.fromCodePoint(...points);
      const units = new Uint16Array(text.length);
      for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
      return units;
    }
    default:
      throw new FormatError(where(), `char data has data type ${element.type}, expected miUTF8/16/32 or an integer type`);
  }
}

function asciiName(body: Uint8Array): string {
  let end = body.indexOf(0);
  if (end < 0) end = body.length;
  return new TextDecoder('utf-8').decode(body.subarray(0, end));
}

interface ParsedMatrix {
  readonly name: string;
  readonly array: MatArray;
}

/** Parses the body of a miMATRIX element; `path` names the variable or field for error messages. */
function parseMatrix(body: Uint8Array, littleEndian: boolean, source: string, path: string): ParsedMatrix {
  let name = '';
  const label = () => path || name || '?';
  const where = () => `${source}: variable '${label()}'`;
  const fail = (message: string) => new FormatError(source, `variable '${label()}': ${message}`);
  if (body.length === 0) {
    // An empty miMATRIX is how writers store [] (e.g. an unset struct field).
    return { name: '', array: { kind: 'numeric', class: 'double', logical: false, dims: [0, 0], data: new Float64Array(0) } };
  }
  const parts = elements(body, littleEndian, where);
  const next = (what: string): Element => {
    const r = parts.next();
    if (r.done) throw fail(`miMATRIX ends before its ${what}`);
    return r.value;
  };
  const flagsElement = next('array flags');
  if (flagsElement.type !== MI.UINT32 || flagsElement.body.length < 8) throw fail('array flags are not 2 x miUINT32');
  const flags = new DataView(flagsElement.body.buffer, flagsElement.body.byteOffset, 8).getUint32(0, littleEndian);
  const cls = MX_CLASS[flags & 0xff];
  const dims = Array.from(storedArray(next('dimensions'), littleEndian, where), Number);
  if (dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 0)) throw fail(`has invalid dimensions [${dims.join(' x ')}]`);
  name = asciiName(next('name').body);
  const count = product(dims);

  if (cls === undefined) throw fail(`has unknown array class ${flags & 0xff}`);
  switch (cls) {
    case 'cell':
    case 'object':
    case 'sparse':
    case 'function':
    case 'opaque':
      throw fail(`is a ${cls} array; posedyn reads numeric, char, logical and struct arrays only (save it as a numeric array or a struct)`);
    case 'char': {
      const data = decodeText(next('character data'), littleEndian, where);
      if (data.length !== count) throw fail(`char data has ${data.length} characters, expected ${count} for dims [${dims.join(' x ')}]`);
      return { name, array: { kind: 'char', dims, data } };
    }
    case 'struct': {
      const lengthElement = next('field name length');
      const nameLength = Number(storedArray(lengthElement, littleEndian, where)[0] ?? 0);
      const namesBody = next('field names').body;
      if (nameLength <= 0 || namesBody.length % nameLength !== 0) {
        throw fail(`field names of ${namesBody.length} bytes do not split into ${nameLength}-byte names`);
      }
      const fieldNames: string[] = [];
      for (let at = 0; at < namesBody.length; at += nameLength) fieldNames.push(asciiName(namesBody.subarray(at, at + nameLength)));
      const structElements: Map<string, MatArray>[] = [];
      for (let e = 0; e < count; e++) {
        const fields = new Map<string, MatArray>();
        for (const field of fieldNames) {
          const fieldPath = count === 1 ? `${label()}.${field}` : `${label()}(${e + 1}).${field}`;
          const element = next(`field '${fieldPath}'`);
          if (element.type !== MI.MATRIX) throw new FormatError(source, `variable '${fieldPath}': expected a miMATRIX element, found data type ${element.type}`);
          fields.set(field, parseMatrix(element.body, littleEndian, source, fieldPath).array);
        }
        structElements.push(fields);
      }
      return { name, array: { kind: 'struct', dims, fieldNames, elements: structElements } };
    }
    default: {
      const logical = (flags & FLAG_LOGICAL) !== 0;
      const data = toClass(storedArray(next('real part'), littleEndian, where), cls);
      if (data.length !== count) throw fail(`real part has ${data.length} elements, expected ${count} for dims [${dims.join(' x ')}]`);
      if ((flags & FLAG_COMPLEX) === 0) return { name, array: { kind: 'numeric', class: cls, logical, dims, data } };
      const imag = toClass(storedArray(next('imaginary part'), littleEndian, where), cls);
      if (imag.length !== count) throw fail(`imaginary part has ${imag.length} elements, expected ${count}`);
      return { name, array: { kind: 'numeric', class: cls, logical, dims, data, imag } };
    }
  }
}

/** Parses a MATLAB v5 .mat file into its variables, in file order. */
export function parseMat5(bytes: Uint8Array, source: string): Map<string, MatArray> {
  if (bytes.length < 128) throw new FormatError(source, `is ${bytes.length} bytes, shorter than the 128-byte MAT-file header`);
  const indicator = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (indicator !== 'IM' && indicator !== 'MI') {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 10));
    const hint = head.startsWith('\x89HDF') || new TextDecoder('latin1').decode(bytes.subarray(512, 516)) === '\x89HDF'
      ? ' (this looks like a v7.3 HDF5 .mat file; save with -v7 or scipy.io.savemat)'
      : '';
    throw new FormatError(source, `is not a MATLAB v5 .mat file: endian indicator at byte 126 is ${JSON.stringify(indicator)}, expected "IM" or "MI"${hint}`);
  }
  const littleEndian = indicator === 'IM';
  const version = new DataView(bytes.buffer, bytes.byteOffset + 124, 2).getUint16(0, littleEndian);
  if (version !== 0x0100) throw new FormatError(source, `has MAT-file version 0x${version.toString(16)}, expected 0x0100 (v5)`);

  const variables = new Map<string, MatArray>();
  const readElements = (body: Uint8Array, where: () => string) => {
    for (const element of elements(body, littleEndian, where)) {
      if (element.type === MI.COMPRESSED) {
        let inflated: Uint8Array;
        try {
          inflated = unzlibSync(element.body);
        } catch (error) {
          throw new FormatError(source, `compressed variable after '${[...variables.keys()].at(-1) ?? '(start)'}' does not inflate: ${(error as Error).message}`);
        }
        readElements(inflated, () => `${source} (inside a compressed element)`);
      } else if (element.type === MI.MATRIX) {
        const { name, array } = parseMatrix(element.body, littleEndian, source, '');
        variables.set(name, array);
      } else {
        throw new FormatError(where(), `top-level data element has data type ${element.type}, expected miMATRIX (14) or miCOMPRESSED (15)`);
      }
    }
  };
  readElements(bytes.subarray(128), () => source);
  return variables;
}

/** Returns variable `name`, or throws naming the variables the file does have. */
export function matVariable(vars: ReadonlyMap<string, MatArray>, name: string, source: string): MatArray {
  const found = vars.get(name);
  if (!found) throw new FormatError(source, `has no variable '${name}' (variables: ${[...vars.keys()].join(', ') || 'none'})`);
  return found;
}

export interface RowMajorMatrix<T extends Float32Array | Float64Array> {
  readonly rows: number;
  readonly cols: number;
  /** [rows, cols], row-major */
  readonly data: T;
}

export interface MatrixExpectation {
  /** required column count */
  readonly cols?: number;
  /** required row count */
  readonly rows?: number;
  /** element type of the output; default 'float32' */
  readonly as?: 'float32' | 'float64';
}

/**
 * A 2-D real numeric (or logical) array as a row-major float matrix, checking the expected shape.
 * `field` names the variable or struct field in error messages.
 */
export function matrixRowMajor(arr: MatArray, source: string, field: string, expect: MatrixExpectation & { as: 'float64' }): RowMajorMatrix<Float64Array>;
export function matrixRowMajor(arr: MatArray, source: string, field: string, expect?: MatrixExpectation): RowMajorMatrix<Float32Array>;
export function matrixRowMajor(arr: MatArray, source: string, field: string, expect: MatrixExpectation = {}): RowMajorMatrix<Float32Array | Float64Array> {
  const expected = `${expect.rows ?? 'N'} x ${expect.cols ?? 'M'}`;
  if (arr.kind !== 'numeric') throw new FormatError(source, `variable '${field}' is a ${arr.kind} array, expected a numeric ${expected} matrix`);
  if (arr.imag) throw new FormatError(source, `variable '${field}' is complex, expected a real ${expected} matrix`);
  const [rows = 0, cols = 0] = arr.dims;
  if (arr.dims.length !== 2 || (expect.rows !== undefined && rows !== expect.rows) || (expect.cols !== undefined && cols !== expect.cols)) {
    throw new FormatError(source, `variable '${field}' has ${arr.dims.length} dims [${arr.dims.join(' x ')}], expected ${expected}`);
  }
  const as = expect.as ?? 'float32';
  const out = as === 'float64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  const data = arr.data;
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) out[r * cols + c] = Number(data[c * rows + r]!);
  }
  return { rows, cols, data: out };
}

/** Any real numeric N-D array as a row-major Float64Array (last index fastest), with its dims. */
export function arrayRowMajor(arr: MatArray, source: string, field: string): { dims: readonly number[]; data: Float64Array } {
  if (arr.kind !== 'numeric' || arr.imag) throw new FormatError(source, `variable '${field}' is not a real numeric array`);
  const asDouble = Float64Array.from(arr.data as ArrayLike<number | bigint>, Number);
  return { dims: arr.dims, data: columnMajorToRowMajor(asDouble, arr.dims, (n) => new Float64Array(n)) };
}

/** The rows of a char array as strings (MATLAB pads rows with spaces; they are kept). */
export function charRows(arr: MatArray, source: string, field: string): string[] {
  if (arr.kind !== 'char' || arr.dims.length !== 2) throw new FormatError(source, `variable '${field}' is not a 2-D char array`);
  const [rows = 0, cols = 0] = arr.dims;
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    let row = '';
    for (let c = 0; c < cols; c++) row += String.fromCharCode(arr.data[c * rows + r]!);
    out.push(row);
  }
  return out;
}

// ---- writer ----

export interface MatWritable {
  /** at least 2 dims */
  readonly dims: readonly number[];
  /** column-major */
  readonly data: Float64Array | Float32Array;
}

/** Builds a column-major MatWritable from a row-major [rows, cols] matrix. */
export function matFromRowMajor(data: Float64Array | Float32Array, rows: number, cols: number): MatWritable {
  if (data.length !== rows * cols) throw new Error(`matFromRowMajor: ${data.length} values, expected ${rows} x ${cols}`);
  const out = new (data.constructor as Float64ArrayConstructor | Float32ArrayConstructor)(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return { dims: [rows, cols], data: out };
}

function tagged(type: number, payload: Uint8Array): Uint8Array {
  const padded = new Uint8Array(8 + Math.ceil(payload.length / 8) * 8);
  const view = new DataView(padded.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, payload.length, true);
  padded.set(payload, 8);
  return padded;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Writes an uncompressed little-endian MATLAB v5 file of double / single arrays (what scipy.io.loadmat reads). */
export function writeMat5(vars: ReadonlyMap<string, MatWritable> | Readonly<Record<string, MatWritable>>): Uint8Array {
  const entries = vars instanceof Map ? [...vars.entries()] : Object.entries(vars);
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by posedyn'));
  header.fill(0, 116, 124);
  new DataView(header.buffer).setUint16(124, 0x0100, true);
  header.set([0x49, 0x4d], 126);
  const parts: Uint8Array[] = [header];
  for (const [name, v] of entries) {
    if (v.dims.length < 2) throw new Error(`writeMat5: variable '${name}' has ${v.dims.length} dims, expected at least 2`);
    if (product(v.dims) !== v.data.length) throw new Error(`writeMat5: variable '${name}' has ${v.data.length} values for dims [${v.dims.join(' x ')}]`);
    if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`writeMat5: '${name}' is not a valid MATLAB variable name`);
    const isDouble = v.data instanceof Float64Array;
    const flags = new Uint8Array(8);
    new DataView(flags.buffer).setUint32(0, isDouble ? 6 : 7, true);
    const dims = new Uint8Array(new Int32Array(v.dims).buffer);
    const real = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
    const body = concat([
      tagged(MI.UINT32, flags),
      tagged(MI.INT32, dims),
      tagged(MI.INT8, new TextEncoder().encode(name)),
      tagged(isDouble ? MI.DOUBLE : MI.SINGLE, real),
    ]);
    parts.push(tagged(MI.MATRIX, body));
  }
  return concat(parts);
}
