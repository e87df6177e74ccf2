// Launch descriptions for core/kernels/loss.wgsl: per-element terms of the mean-squared-error and binary
// cross-entropy-with-logits losses, and their gradients. The mean itself is core/kernels/reduce.ts's sumAxisLaunch.
import source from './loss.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridForItems, u32 } from './launch.ts';

export const lossKernel: KernelSource = { name: 'loss', file: 'core/kernels/loss.wgsl', code: source };

const WG = 256;

/** t = (pred - target)^2 elementwise. */
export function mseTermsLaunch(pred: GPUBuffer, target: GPUBuffer, terms: GPUBuffer, n: number): KernelLaunch {
  return {
    kernel: lossKernel, entry: 'mse_terms', params: { n: u32(n), inv_n: f32(1 / n), constant_target: f32(0) }, buffers: [pred, target, terms],
    workgroups: gridForItems(n, WG), flops: 2 * n, bytes: 12 * n, shapes: `mse[${n}]`,
  };
}

/** dpred = 2 (pred - target) g / n, with g the loss's gradient (one value in `gradLoss`). */
export function mseBackwardLaunch(pred: GPUBuffer, target: GPUBuffer, gradLoss: GPUBuffer, dpred: GPUBuffer, n: number): KernelLaunch {
  return {
    kernel: lossKernel, entry: 'mse_backward', params: { n: u32(n), inv_n: f32(1 / n), constant_target: f32(0) }, buffers: [pred, target, gradLoss, dpred],
    workgroups: gridForItems(n, WG), flops: 4 * n, bytes: 12 * n, shapes: `mse'[${n}]`,
  };
}

/** Targets: a buffer of n values, or one constant for every element (no buffer). */
export type BceTargets = { readonly buffer: GPUBuffer } | { readonly constant: number };

const targetBinding = (targets: BceTargets, logits: GPUBuffer) => ('buffer' in targets ? targets.buffer : logits);
const targetConstants = (targets: BceTargets) => ({ TARGET_IS_CONSTANT: 'buffer' in targets ? 0 : 1 });
const targetValue = (targets: BceTargets) => ('constant' in targets ? targets.constant : 0);

/** t = max(z, 0) - z y + log(1 + e^-|z|) elementwise. */
export function bceTermsLaunch(logits: GPUBuffer, targets: BceTargets, terms: GPUBuffer, n: number): KernelLaunch {
  return {
    kernel: lossKernel, entry: 'bce_terms', constants: targetConstants(targets),
    params: { n: u32(n), inv_n: f32(1 / n), constant_target: f32(targetValue(targets)) }, buffers: [logits, targetBinding(targets, logits), terms],
    workgroups: gridForItems(n, WG), flops: 12 * n, bytes: 12 * n, shapes: `bce[${n}]`,
  };
}

/** dz = (sigmoid(z) - y) g / n. */
export function bceBackwardLaunch(logits: GPUBuffer, targets: BceTargets, gradLoss: GPUBuffer, dlogits: GPUBuffer, n: number): KernelLaunch {
  return {
    kernel: lossKernel, entry: 'bce_backward', constants: targetConstants(targets),
    params: { n: u32(n), inv_n: f32(1 / n), constant_target: f32(targetValue(targets)) }, buffers: [logits, targetBinding(targets, logits), gradLoss, dlogits],
    workgroups: gridForItems(n, WG), flops: 8 * n, bytes: 12 * n, shapes: `bce'[${n}]`,
  };
}
