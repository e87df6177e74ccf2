// Small byte-level helpers shared by the format parsers: typed-array views that never depend on the
// alignment of the input buffer, byte-order swapping, and one error type that always names its source.

/** A parse error; the message starts with the source name (a file name, a URL, 'test input'). */
export class FormatError extends Error {
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'FormatError';
  }
}

/** True on little-endian hosts (every browser and Node platform posedyn targets). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Copies `bytes` into a fresh, aligned buffer, reversing each `elementSize`-byte group when the stored byte
 * order differs from the host's. Returns the new ArrayBuffer, ready for any typed-array view.
 */
export function alignedCopy(bytes: Uint8Array, elementSize: number, littleEndian: boolean): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (elementSize > 1 && littleEndian !== HOST_LITTLE_ENDIAN) {
    for (let i = 0; i + elementSize <= copy.length; i += elementSize) {
      for (let a = i, b = i + elementSize - 1; a < b; a++, b--) {
        const t = copy[a]!;
        copy[a] = copy[b]!;
        copy[b] = t;
      }
    }
  }
  return copy.buffer;
}

/** Reads an unsigned 64-bit integer that must fit a JS number exactly (sizes and offsets). */
export function readSafeUint64(view: DataView, offset: number, littleEndian: boolean, source: string, what: string): number {
  const value = view.getBigUint64(offset, littleEndian);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(source, `${what} is ${value}, too large to address`);
  return Number(value);
}

/**
 * Encodes numbers as IEEE 754 half precision (binary16), through float32, rounding to the nearest half (ties
 * to even); beyond the largest half (65504) they become infinities, below the smallest subnormal zeros.
 */
export function float32ToHalf(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  const single = new Float32Array(1);
  const bits = new Uint32Array(single.buffer);
  for (let i = 0; i < values.length; i++) {
    single[0] = values[i]!;
    const x = bits[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    const mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    // Normal halves keep the top 10 mantissa bits; subnormal ones (e <= 0) shift the implicit 1 in as well.
    const full = e > 0 ? mantissa : mantissa | 0x800000;
    const shift = e > 0 ? 13 : 14 - e;
    if (shift > 24) {
      out[i] = sign;
      continue;
    }
    let h = (e > 0 ? e << 10 : 0) | (full >>> shift);
    const rest = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    // A carry out of the mantissa moves to the next exponent (or to infinity), which is the right rounding.
    if (rest > halfway || (rest === halfway && (h & 1) === 1)) h++;
    out[i] = sign | h;
  }
  return out;
}

/** Decodes IEEE 754 half precision (binary16) to float32. */
export function halfToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) out[i] = mantissa ? NaN : sign * Infinity;
    else out[i] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/** Decodes bfloat16 (the top 16 bits of a float32) to float32. */
export function bfloat16ToFloat32(halves: Uint16Array): Float32Array {
  const bits = new Uint32Array(halves.length);
  for (let i = 0; i < halves.length; i++) bits[i] = halves[i]! << 16;
  return new Float32Array(bits.buffer);
}

export function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * Reorders an N-D array stored column-major (first index fastest: MATLAB, Fortran) into row-major order
 * (last index fastest: C, NumPy default), keeping the element type.
 */
export function columnMajorToRowMajor<T extends { length: number; [i: number]: number | bigint }>(
  data: T,
  dims: readonly number[],
  make: (n: number) => T,
): T {
  const n = product(dims);
  const out = make(n);
  if (dims.length <= 1 || n === 0) {
    for (let i = 0; i < n; i++) out[i] = data[i]!;
    return out;
  }
  // Strides of the column-major source, walked in row-major order with an odometer over the indices.
  const rank = dims.length;
  const stride = new Array<number>(rank);
  stride[0] = 1;
  for (let d = 1; d < rank; d++) stride[d] = stride[d - 1]! * dims[d - 1]!;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    out[i] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      src += stride[d]!;
      if (index[d]! < dims[d]!) break;
      src -= stride[d]! * dims[d]!;
      index[d] = 0;
    }
  }
  return out;
}
