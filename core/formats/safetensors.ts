// safetensors reader and float32 writer, runtime-agnostic.
//
// Layout (huggingface/safetensors, README "Format"):
//   8 bytes: N, the header size, unsigned little-endian 64-bit
//   N bytes: a UTF-8 JSON object starting with '{', possibly padded at the end with spaces (0x20);
//            { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, ...,
//              "__metadata__": { "<string>": "<string>" } }
//   the byte buffer: offsets are relative to its start; tensors are little-endian, row-major, and together
//   cover the buffer exactly (no holes, no overlap), which the reference implementation enforces.
// The reference writer pads the header with spaces so the buffer starts at a multiple of 8; ours does too,
// and orders tensors by name.
import { FormatError, alignedCopy, bfloat16ToFloat32, halfToFloat32, product } from './bytes.ts';

export type SafetensorsDtype = 'BOOL' | 'U8' | 'I8' | 'U16' | 'I16' | 'F16' | 'BF16' | 'U32' | 'I32' | 'F32' | 'F64' | 'U64' | 'I64';

export type SafetensorsData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

export interface SafetensorsTensor {
  /** the stored dtype; F16 and BF16 are widened to a Float32Array, BOOL is a Uint8Array of 0/1 */
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** row-major */
  readonly data: SafetensorsData;
}

export interface SafetensorsFile {
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly metadata: Record<string, string>;
}

const SIZES: Record<SafetensorsDtype, number> = {
  BOOL: 1, U8: 1, I8: 1, U16: 2, I16: 2, F16: 2, BF16: 2, U32: 4, I32: 4, F32: 4, F64: 8, U64: 8, I64: 8,
};

/** Largest header the reference implementation accepts (100 MB); a bigger N means the file is not safetensors. */
const MAX_HEADER_BYTES = 100_000_000;

function decode(dtype: SafetensorsDtype, buffer: ArrayBuffer): SafetensorsData {
  switch (dtype) {
    case 'BOOL':
    case 'U8': return new Uint8Array(buffer);
    case 'I8': return new Int8Array(buffer);
    case 'U16': return new Uint16Array(buffer);
    case 'I16': return new Int16Array(buffer);
    case 'F16': return halfToFloat32(new Uint16Array(buffer));
    case 'BF16': return bfloat16ToFloat32(new Uint16Array(buffer));
    case 'U32': return new Uint32Array(buffer);
    case 'I32': return new Int32Array(buffer);
    case 'F32': return new Float32Array(buffer);
    case 'F64': return new Float64Array(buffer);
    case 'U64': return new BigUint64Array(buffer);
    case 'I64': return new BigInt64Array(buffer);
    default: return dtype satisfies never;
  }
}

export function parseSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  if (bytes.length < 8) throw new FormatError(source, `is ${bytes.length} bytes, shorter than the 8-byte safetensors header size`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = dv.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) throw new FormatError(source, `header size is ${declared} bytes (over 100 MB): not a safetensors file`);
  const headerSize = Number(declared);
  if (8 + headerSize > bytes.length) {
    throw new FormatError(source, `header declares ${headerSize} bytes but only ${bytes.length - 8} remain (file truncated?)`);
  }
  const headerBytes = bytes.subarray(8, 8 + headerSize);
  if (headerBytes[0] !== 0x7b) throw new FormatError(source, 'safetensors header does not start with \'{\': not a safetensors file');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw new FormatError(source, `safetensors header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new FormatError(source, 'safetensors header is not a JSON object');

  const buffer = bytes.subarray(8 + headerSize);
  const metadata: Record<string, string> = {};
  const spans: { name: string; begin: number; end: number }[] = [];
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new FormatError(source, '__metadata__ is not a JSON object');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw new FormatError(source, `__metadata__ entry '${k}' is ${JSON.stringify(v)}, expected a string`);
        metadata[k] = v;
      }
      continue;
    }
    const fail = (message: string) => new FormatError(source, `tensor '${name}': ${message}`);
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in SIZES)) throw fail(`has dtype ${JSON.stringify(dtype)}, expected one of ${Object.keys(SIZES).join(' ')}`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw fail(`has shape ${JSON.stringify(shape)}, expected a list of non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) {
      throw fail(`has data_offsets ${JSON.stringify(offsets)}, expected [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    const size = SIZES[dtype as SafetensorsDtype];
    const expected = product(shape as number[]) * size;
    if (end < begin || end - begin !== expected) {
      throw fail(`data_offsets [${begin}, ${end}] hold ${end - begin} bytes, expected ${expected} for ${dtype} shape [${shape.join(', ')}]`);
    }
    if (end > buffer.length) throw fail(`data_offsets end at byte ${end} but the data buffer has ${buffer.length} bytes (file truncated?)`);
    spans.push({ name, begin, end });
    tensors.set(name, {
      dtype: dtype as SafetensorsDtype,
      shape: shape as number[],
      data: decode(dtype as SafetensorsDtype, alignedCopy(buffer.subarray(begin, end), size, true)),
    });
  }
  // The tensors must tile the buffer: sorted by begin, each starts where the previous ended, the last ends at its end.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const span of spans) {
    if (span.begin !== at) {
      throw new FormatError(source, `tensor '${span.name}' starts at byte ${span.begin} of the data buffer, expected ${at} (tensors must cover the buffer without holes or overlap)`);
    }
    at = span.end;
  }
  if (at !== buffer.length) throw new FormatError(source, `tensors cover ${at} bytes but the data buffer has ${buffer.length} (trailing bytes)`);
  return { tensors, metadata };
}

/** Returns tensor `name`, or throws naming the tensors the file does have. */
export function safetensorsTensor(file: SafetensorsFile, name: string, source: string): SafetensorsTensor {
  const found = file.tensors.get(name);
  if (!found) throw new FormatError(source, `has no tensor '${name}' (tensors: ${[...file.tensors.keys()].join(', ') || 'none'})`);
  return found;
}

export interface Float32Tensor {
  readonly shape: readonly number[];
  /** row-major */
  readonly data: Float32Array;
}

/** Writes float32 tensors (ordered by name) and optional string metadata as a safetensors file. */
export function writeSafetensors(tensors: Readonly<Record<string, Float32Tensor>> | ReadonlyMap<string, Float32Tensor>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const entries = (tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new Error(`writeSafetensors: '__metadata__' is reserved and cannot name a tensor`);
    if (product(t.shape) !== t.data.length) throw new Error(`writeSafetensors: tensor '${name}' has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    for (let i = 0; i < t.data.length; i++) dv.setFloat32(at + i * 4, t.data[i]!, true);
    at += t.data.byteLength;
  }
  return out;
}
