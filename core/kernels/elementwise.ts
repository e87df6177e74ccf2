// Launch descriptions for core/kernels/elementwise.wgsl.
import source from './elementwise.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridForItems, u32 } from './launch.ts';

export const elementwiseKernel: KernelSource = { name: 'elementwise', file: 'core/kernels/elementwise.wgsl', code: source };

const WG = 256;
const MAX_RANK = 8;

/** Codes of the unary ops, as the WGSL constants UNARY_* define them. */
export const UnaryOp = {
  neg: 0, exp: 1, log: 2, sqrt: 3, square: 4, relu: 5, leakyRelu: 6, tanh: 7, sigmoid: 8, affine: 9, rdiv: 10, abs: 11,
} as const;
export type UnaryOpName = keyof typeof UnaryOp;

export const BinaryOp = { add: 0, sub: 1, mul: 2, div: 3, max: 4, left: 5 } as const;
export type BinaryOpName = keyof typeof BinaryOp;

/** Rough cost of each unary op in flops, for the profiler (transcendentals count as several). */
const UNARY_FLOPS: Record<UnaryOpName, number> = {
  neg: 1, exp: 4, log: 4, sqrt: 4, square: 1, relu: 1, leakyRelu: 2, tanh: 6, sigmoid: 5, affine: 2, rdiv: 1, abs: 1,
};

/** Vec4s a thread of the *4 entries (VEC4_PER_THREAD in the WGSL). */
const VEC4_PER_THREAD = 4;
/** Workgroups of a *4 entry over n values (n a multiple of 4). */
function grid4(n: number): [number, number, number] {
  return gridForItems(n / 4, WG * VEC4_PER_THREAD);
}

export function unaryLaunch(op: UnaryOpName, x: GPUBuffer, y: GPUBuffer, n: number, alpha = 0, beta = 0): KernelLaunch {
  const vec4 = n % 4 === 0;
  return {
    kernel: elementwiseKernel, entry: vec4 ? 'unary4' : 'unary', constants: { OP: UnaryOp[op] },
    params: { n: u32(n), alpha: f32(alpha), beta: f32(beta) }, buffers: [x, y], workgroups: vec4 ? grid4(n) : gridForItems(n, WG),
    flops: UNARY_FLOPS[op] * n, bytes: 8 * n, shapes: `${op}[${n}]`,
  };
}

export function unaryBackwardLaunch(op: UnaryOpName, x: GPUBuffer, y: GPUBuffer, dy: GPUBuffer, dx: GPUBuffer, n: number, alpha = 0): KernelLaunch {
  const vec4 = n % 4 === 0;
  return {
    kernel: elementwiseKernel, entry: vec4 ? 'unary_backward4' : 'unary_backward', constants: { OP: UnaryOp[op] },
    params: { n: u32(n), alpha: f32(alpha), beta: f32(0) }, buffers: [x, y, dy, dx], workgroups: vec4 ? grid4(n) : gridForItems(n, WG),
    flops: (UNARY_FLOPS[op] + 1) * n, bytes: 16 * n, shapes: `${op}'[${n}]`,
  };
}

/**
 * out = a (op) b with broadcasting. `outShape` has rank <= 8; the strides are each operand's row-major
 * strides aligned to outShape, with 0 on broadcast axes.
 */
/**
 * The same broadcast with fewer axes: axes of extent 1 dropped, and an axis merged into the next inner one where
 * that is contiguous with it in both operands (stride_k = stride_k+1 * extent_k+1; a broadcast axis next to a
 * broadcast axis has both strides 0). At least one axis. [1, 6, 256] + [1, 6, 1] becomes [6, 256] + [6, 1]: one
 * integer division an element instead of two (on a CPU adapter each is a loop over the SIMD lanes).
 */
export function simplifyBroadcast(shape: readonly number[], aStrides: readonly number[], bStrides: readonly number[]) {
  const out = { shape: [] as number[], aStrides: [] as number[], bStrides: [] as number[] };
  for (let k = shape.length - 1; k >= 0; k--) {
    const extent = shape[k]!;
    if (extent === 1) continue;
    const at = out.shape.length - 1;
    // Merge with the axis kept last (the next inner one), as an outer part of it.
    if (at >= 0 && aStrides[k] === out.aStrides[0]! * out.shape[0]! && bStrides[k] === out.bStrides[0]! * out.shape[0]!) {
      out.shape[0] = extent * out.shape[0]!;
      continue;
    }
    out.shape.unshift(extent);
    out.aStrides.unshift(aStrides[k]!);
    out.bStrides.unshift(bStrides[k]!);
  }
  if (out.shape.length === 0) return { shape: [1], aStrides: [0], bStrides: [0] };
  return out;
}

export function binaryLaunch(
  op: BinaryOpName, a: GPUBuffer, b: GPUBuffer, out: GPUBuffer,
  outShape: readonly number[], aStrides: readonly number[], bStrides: readonly number[], sameShape: boolean,
): KernelLaunch {
  if (outShape.length > MAX_RANK) throw new RangeError(`binary ${op}: rank ${outShape.length} exceeds ${MAX_RANK}`);
  const n = outShape.reduce((p, d) => p * d, 1);
  const pad = (v: readonly number[], fill: number) => Uint32Array.from([...v, ...new Array<number>(MAX_RANK - v.length).fill(fill)]);
  const s = simplifyBroadcast(outShape, aStrides, bStrides);
  // binary4 needs the innermost extent a multiple of 4 and each operand contiguous (stride 1) or broadcast
  // (stride 0) along it, so that the vec4s it loads are aligned.
  const inner = s.shape.length - 1;
  const vec4 = s.shape[inner]! % 4 === 0 && [s.aStrides[inner], s.bStrides[inner]].every((stride) => stride === 0 || stride === 1);
  return {
    kernel: elementwiseKernel, entry: vec4 ? 'binary4' : 'binary',
    constants: { OP: BinaryOp[op], SAME_SHAPE: sameShape ? 1 : 0, RANK: s.shape.length },
    params: { n: u32(n), rank: u32(s.shape.length), out_shape: pad(s.shape, 1), a_strides: pad(s.aStrides, 0), b_strides: pad(s.bStrides, 0) },
    buffers: [a, b, out], workgroups: vec4 ? grid4(n) : gridForItems(n, WG),
    flops: n, bytes: 12 * n, shapes: `${op}[${outShape.join(',')}]`,
  };
}

export function fillLaunch(out: GPUBuffer, n: number, value: number): KernelLaunch {
  const vec4 = n % 4 === 0;
  return {
    kernel: elementwiseKernel, entry: vec4 ? 'fill4' : 'fill', params: { n: u32(n), value: f32(value) }, buffers: [out],
    workgroups: vec4 ? grid4(n) : gridForItems(n, WG), flops: 0, bytes: 4 * n, shapes: `fill[${n}]`,
  };
}
