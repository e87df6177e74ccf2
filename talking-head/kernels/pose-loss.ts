// Launch descriptions for talking-head/kernels/pose-loss.wgsl (PoseGAN's Eq. 3 and 4).
import source from './pose-loss.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from '../../core/kernels/launch.ts';

export const poseLossKernel: KernelSource = { name: 'pose-loss', file: 'talking-head/kernels/pose-loss.wgsl', code: source };

export interface PoseLossGeometry {
  readonly batch: number;
  readonly frames: number;
  readonly channels: number;
}

const params = (g: PoseLossGeometry) => ({ batch: u32(g.batch), frames: u32(g.frames), channels: u32(g.channels) });
const shapes = (g: PoseLossGeometry) => `[${g.batch},${g.frames},${g.channels}]`;

/** partial [B, C, 2]: per-channel terms of L_pose and L_motion. */
export function poseLossForwardLaunch(g: PoseLossGeometry, generated: GPUBuffer, real: GPUBuffer, initial: GPUBuffer, partial: GPUBuffer): KernelLaunch {
  const n = g.batch * g.frames * g.channels;
  return {
    kernel: poseLossKernel, entry: 'forward', params: params(g), buffers: [generated, real, initial, partial],
    workgroups: gridForItems(g.batch * g.channels, 64), flops: 6 * n, bytes: 4 * (2 * n + 3 * g.batch * g.channels), shapes: shapes(g),
  };
}

/** grad [B, T, C] from the upstream gradient [B, 2] of (L_pose, L_motion). */
export function poseLossBackwardLaunch(g: PoseLossGeometry, generated: GPUBuffer, real: GPUBuffer, initial: GPUBuffer, upstream: GPUBuffer, grad: GPUBuffer): KernelLaunch {
  const n = g.batch * g.frames * g.channels;
  return {
    kernel: poseLossKernel, entry: 'backward', params: params(g), buffers: [generated, real, initial, upstream, grad],
    workgroups: gridForItems(n, 64), flops: 12 * n, bytes: 4 * 7 * n, shapes: shapes(g),
  };
}
