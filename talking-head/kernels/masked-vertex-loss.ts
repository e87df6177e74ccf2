// Launch descriptions for talking-head/kernels/masked-vertex-loss.wgsl (PGFace's Eq. 7 and 8 as a quadratic form).
import source from './masked-vertex-loss.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from '../../core/kernels/launch.ts';

export const maskedVertexLossKernel: KernelSource = { name: 'masked-vertex-loss', file: 'talking-head/kernels/masked-vertex-loss.wgsl', code: source };

export function maskedVertexTermsLaunch(pairs: number, k: number, predicted: GPUBuffer, target: GPUBuffer, projected: GPUBuffer, partial: GPUBuffer): KernelLaunch {
  return {
    kernel: maskedVertexLossKernel, entry: 'terms', params: { pairs: u32(pairs), coefficients: u32(k) }, buffers: [predicted, target, projected, partial],
    workgroups: gridForItems(pairs, 64), flops: 10 * pairs * k, bytes: 4 * (6 * pairs * k + 2 * pairs), shapes: `[${2 * pairs},${k}]`,
  };
}

export function maskedVertexBackwardLaunch(pairs: number, k: number, projected: GPUBuffer, upstream: GPUBuffer, grad: GPUBuffer): KernelLaunch {
  const n = 2 * pairs * k;
  return {
    kernel: maskedVertexLossKernel, entry: 'backward', params: { pairs: u32(pairs), coefficients: u32(k) }, buffers: [projected, upstream, grad],
    workgroups: gridForItems(n, 64), flops: 8 * n, bytes: 4 * 3 * n, shapes: `[${2 * pairs},${k}]`,
  };
}
