// Launch descriptions for talking-head/kernels/cross-fade.wgsl (inference's window cross-fade).
import source from './cross-fade.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from '../../core/kernels/launch.ts';

export const crossFadeKernel: KernelSource = { name: 'cross-fade', file: 'talking-head/kernels/cross-fade.wgsl', code: source };

export interface CrossFadeGeometry {
  /** L: the poses' frames */
  readonly frames: number;
  /** K': the tail's frames */
  readonly tailFrames: number;
  readonly channels: number;
}

/** k = min(K', L): the frames that fade. */
export const fadeFrames = (g: CrossFadeGeometry) => Math.min(g.tailFrames, g.frames);

const params = (g: CrossFadeGeometry) => ({ frames: u32(g.frames), tail_frames: u32(g.tailFrames), fade: u32(fadeFrames(g)), channels: u32(g.channels) });
const shapes = (g: CrossFadeGeometry) => `crossFade [${g.frames},${g.channels}] from [${g.tailFrames},${g.channels}]`;

/** out [L, C] from poses [L, C] and tail [K', C]. */
export function crossFadeForwardLaunch(g: CrossFadeGeometry, poses: GPUBuffer, tail: GPUBuffer, out: GPUBuffer): KernelLaunch {
  const n = g.frames * g.channels;
  const faded = fadeFrames(g) * g.channels;
  return {
    kernel: crossFadeKernel, entry: 'forward', params: params(g), buffers: [poses, tail, out],
    workgroups: gridForItems(n, 64), flops: 3 * faded, bytes: 4 * (2 * n + faded), shapes: shapes(g),
  };
}

/** dposes [L, C] and dtail [K', C] from dout [L, C]. */
export function crossFadeBackwardLaunch(g: CrossFadeGeometry, dout: GPUBuffer, dposes: GPUBuffer, dtail: GPUBuffer): KernelLaunch {
  const rows = Math.max(g.frames, g.tailFrames);
  return {
    kernel: crossFadeKernel, entry: 'backward', params: params(g), buffers: [dout, dposes, dtail],
    workgroups: gridForItems(rows * g.channels, 64), flops: 3 * fadeFrames(g) * g.channels, bytes: 4 * (2 * g.frames + g.tailFrames) * g.channels, shapes: shapes(g),
  };
}
