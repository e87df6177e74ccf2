// Launch descriptions for talking-head/kernels/anchor-poses.wgsl (PoseGAN's anchored, frame-major output).
import source from './anchor-poses.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from '../../core/kernels/launch.ts';
import { type GaussianFilterSpec, gaussianFilterWeightUniforms } from './gaussian-filter.ts';

export const anchorPosesKernel: KernelSource = { name: 'anchor-poses', file: 'talking-head/kernels/anchor-poses.wgsl', code: source };

export interface AnchorGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly frames: number;
}

const params = (g: AnchorGeometry) => ({ batch: u32(g.batch), channels: u32(g.channels), frames: u32(g.frames) });
const shapes = (g: AnchorGeometry) => `anchor [${g.batch},${g.channels},${g.frames}] -> [${g.batch},${g.frames},${g.channels}]`;

/** y [B, T, C] from out [B, C, T] and initial [B, C]. */
export function anchorPosesForwardLaunch(g: AnchorGeometry, out: GPUBuffer, initial: GPUBuffer, y: GPUBuffer): KernelLaunch {
  const n = g.batch * g.channels * g.frames;
  return {
    kernel: anchorPosesKernel, entry: 'forward', params: params(g), buffers: [out, initial, y],
    workgroups: gridForItems(n, 64), flops: 2 * n, bytes: 4 * (3 * n + g.batch * g.channels), shapes: shapes(g),
  };
}

/** y [B, T, C] from out [B, C, T] filtered along T (Eq. 1, `spec`) and initial [B, C]: forward_smoothed. */
export function anchorSmoothedPosesForwardLaunch(g: AnchorGeometry, spec: GaussianFilterSpec, out: GPUBuffer, initial: GPUBuffer, y: GPUBuffer): KernelLaunch {
  const n = g.batch * g.channels * g.frames;
  const taps = 2 * spec.halfWindow + 1;
  return {
    kernel: anchorPosesKernel, entry: 'forward_smoothed', constants: { HALF_WINDOW: spec.halfWindow },
    params: { ...params(g), half_window: u32(spec.halfWindow), weights: gaussianFilterWeightUniforms(spec).weights },
    buffers: [out, initial, y],
    workgroups: gridForItems(n, 64), flops: 4 * taps * n + 2 * n, bytes: 4 * (3 * n + g.batch * g.channels),
    shapes: `${shapes(g)} gaussian d=${spec.sigma} m=${spec.halfWindow}`,
  };
}

/** dout [B, C, T] and dinitial [B, C] from dy [B, T, C]. */
export function anchorPosesBackwardLaunch(g: AnchorGeometry, dy: GPUBuffer, dout: GPUBuffer, dinitial: GPUBuffer): KernelLaunch {
  const n = g.batch * g.channels * g.frames;
  return {
    kernel: anchorPosesKernel, entry: 'backward', params: params(g), buffers: [dy, dout, dinitial],
    workgroups: gridForItems(g.batch * g.channels, 64), flops: n, bytes: 4 * (2 * n + g.batch * g.channels), shapes: shapes(g),
  };
}
