// Launch descriptions for core/kernels/matmul.wgsl.
import source from './matmul.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from './launch.ts';

export const matmulKernel: KernelSource = { name: 'matmul', file: 'core/kernels/matmul.wgsl', code: source };

const WG = 64;
/** Each thread computes a BLOCK x BLOCK block of the output. */
const BLOCK = 4;

/**
 * The sizes of one batched product C[b] = opA(A[b]) opB(B[b]) (+ bias), with opA(A) [M, K] and opB(B) [K, N].
 * A batch stride of 0 shares that operand across the batch.
 */
export interface MatmulDims {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly aBatchStride: number;
  readonly bBatchStride: number;
}

/** Whether every vec4 the kernel would load or store is aligned: see matmul_vec4 in the WGSL. */
export function matmulUsesVec4(d: MatmulDims): boolean {
  const aContiguous = d.transposeA ? d.m : d.k;
  const bContiguous = d.transposeB ? d.k : d.n;
  return d.k > 0 && aContiguous % 4 === 0 && bContiguous % 4 === 0 && d.n % 4 === 0;
}

/**
 * out [batch, M, N] = opA(a) opB(b) (+ bias [N]). Without a bias the kernel binds `a` in its place (never read).
 */
export function matmulLaunch(a: GPUBuffer, b: GPUBuffer, bias: GPUBuffer | null, out: GPUBuffer, d: MatmulDims): KernelLaunch {
  const blocks = d.batch * Math.ceil(d.m / BLOCK) * Math.ceil(d.n / BLOCK);
  const aMatrices = d.aBatchStride === 0 ? 1 : d.batch;
  const bMatrices = d.bBatchStride === 0 ? 1 : d.batch;
  // Stored shapes, with ᵀ on a transposed operand: "8x[64,32]*1x[16,32]ᵀ".
  const aShape = d.transposeA ? `[${d.k},${d.m}]ᵀ` : `[${d.m},${d.k}]`;
  const bShape = d.transposeB ? `[${d.n},${d.k}]ᵀ` : `[${d.k},${d.n}]`;
  return {
    kernel: matmulKernel,
    entry: matmulUsesVec4(d) ? 'matmul_vec4' : 'matmul_scalar',
    constants: { TRANSPOSE_A: d.transposeA ? 1 : 0, TRANSPOSE_B: d.transposeB ? 1 : 0, HAS_BIAS: bias ? 1 : 0 },
    params: {
      batch: u32(d.batch), m: u32(d.m), n: u32(d.n), k: u32(d.k),
      a_batch_stride: u32(d.aBatchStride), b_batch_stride: u32(d.bBatchStride), c_batch_stride: u32(d.m * d.n),
    },
    buffers: [a, b, bias ?? a, out],
    workgroups: gridForItems(blocks, WG),
    flops: 2 * d.batch * d.m * d.n * d.k + (bias ? d.batch * d.m * d.n : 0),
    bytes: 4 * (aMatrices * d.m * d.k + bMatrices * d.k * d.n + d.batch * d.m * d.n + (bias ? d.n : 0)),
    shapes: `${aMatrices}x${aShape}*${bMatrices}x${bShape}${bias ? '+bias' : ''}`,
  };
}
