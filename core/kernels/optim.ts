// Launch descriptions for core/kernels/optim.wgsl: clipping by the global gradient norm (Adam: adam-group.ts).
import source from './optim.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridFor, gridForItems, u32 } from './launch.ts';

export const optimKernel: KernelSource = { name: 'optim', file: 'core/kernels/optim.wgsl', code: source };

const WG = 256;
/** Elements one workgroup of sum_squares covers: WG threads x VEC4_PER_THREAD (16) vec4s. */
export const SUM_SQUARES_CHUNK = WG * 16 * 4;

/** Workgroups (and so partial sums) sum_squares needs for a gradient of n elements. */
export function sumSquaresChunks(n: number): number {
  return Math.ceil(n / SUM_SQUARES_CHUNK);
}

/** partials[offset + c] = sum of g^2 over chunk c of the n-element gradient, for c < sumSquaresChunks(n). */
export function sumSquaresLaunch(grad: GPUBuffer, partials: GPUBuffer, n: number, offset: number): KernelLaunch {
  return {
    kernel: optimKernel, entry: 'sum_squares', params: { n: u32(n), offset: u32(offset) }, buffers: [grad, partials],
    workgroups: gridFor(sumSquaresChunks(n)), flops: 2 * n, bytes: 4 * n + 4 * sumSquaresChunks(n),
    shapes: `sum_squares[${n}]`,
  };
}

/** norm[0] = sqrt(sum of the first `count` partials). */
export function normFinishLaunch(partials: GPUBuffer, norm: GPUBuffer, count: number): KernelLaunch {
  return {
    kernel: optimKernel, entry: 'norm_finish', params: { count: u32(count) }, buffers: [partials, norm],
    workgroups: [1, 1, 1], flops: count + 1, bytes: 4 * count + 4, shapes: `norm_finish[${count}]`,
  };
}

/** grad *= min(1, maxNorm / (norm[0] + 1e-6)) in place, for an n-element gradient. */
export function clipScaleLaunch(norm: GPUBuffer, grad: GPUBuffer, n: number, maxNorm: number): KernelLaunch {
  return {
    kernel: optimKernel, entry: 'clip_scale', params: { n: u32(n), max_norm: f32(maxNorm) }, buffers: [norm, grad],
    workgroups: gridForItems(Math.ceil(n / 4), WG), flops: n + 3, bytes: 8 * n + 4, shapes: `clip_scale[${n}]`,
  };
}
