// Launch descriptions for core/kernels/group-norm.wgsl: GroupNorm forward (saving mean and rstd per (batch, group))
// and its gradients for x and for the affine gamma and beta.
import source from './group-norm.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridFor, u32 } from './launch.ts';

export const groupNormKernel: KernelSource = { name: 'group-norm', file: 'core/kernels/group-norm.wgsl', code: source };

/** x [batch, channels, length] normalised in `groups` groups of channels/groups channels. */
export interface GroupNormGeometry {
  readonly batch: number;
  readonly channels: number;
  readonly length: number;
  readonly groups: number;
  readonly eps: number;
}

const params = (g: GroupNormGeometry) => ({ batch: u32(g.batch), channels: u32(g.channels), length: u32(g.length), groups: u32(g.groups), eps: f32(g.eps) });
const describe = (g: GroupNormGeometry) => `[${g.batch},${g.channels},${g.length}] G${g.groups}`;
const size = (g: GroupNormGeometry) => g.batch * g.channels * g.length;

/**
 * y = gamma * (x - mean) * rstd + beta, a workgroup a (batch, group); writes mean and rstd [batch, groups].
 * Without affine parameters, x fills the gamma and beta bindings and is not read there.
 */
export function groupNormForwardLaunch(
  g: GroupNormGeometry, x: GPUBuffer, gamma: GPUBuffer | null, beta: GPUBuffer | null, y: GPUBuffer, mean: GPUBuffer, rstd: GPUBuffer,
): KernelLaunch {
  return {
    kernel: groupNormKernel, entry: 'forward', constants: { AFFINE: gamma ? 1 : 0 }, params: params(g),
    buffers: [x, gamma ?? x, beta ?? x, y, mean, rstd], workgroups: gridFor(g.batch * g.groups),
    flops: 8 * size(g), bytes: 4 * (3 * size(g) + 2 * g.channels + 2 * g.batch * g.groups), shapes: describe(g),
  };
}

/** dx from dy, x and the saved statistics; gamma is null without affine parameters. */
export function groupNormBackwardInputLaunch(
  g: GroupNormGeometry, x: GPUBuffer, mean: GPUBuffer, rstd: GPUBuffer, gamma: GPUBuffer | null, dy: GPUBuffer, dx: GPUBuffer,
): KernelLaunch {
  return {
    kernel: groupNormKernel, entry: 'backward_input', constants: { AFFINE: gamma ? 1 : 0 }, params: params(g),
    buffers: [x, mean, rstd, gamma ?? x, dy, dx], workgroups: gridFor(g.batch * g.groups),
    flops: 14 * size(g), bytes: 4 * (5 * size(g) + g.channels), shapes: `${describe(g)}'x`,
  };
}

/** dgamma and dbeta [channels], a workgroup a channel. */
export function groupNormBackwardAffineLaunch(
  g: GroupNormGeometry, x: GPUBuffer, mean: GPUBuffer, rstd: GPUBuffer, dy: GPUBuffer, dgamma: GPUBuffer, dbeta: GPUBuffer,
): KernelLaunch {
  return {
    kernel: groupNormKernel, entry: 'backward_affine', params: params(g),
    buffers: [x, mean, rstd, dy, dgamma, dbeta], workgroups: gridFor(g.channels),
    flops: 5 * size(g), bytes: 4 * (2 * size(g) + 2 * g.channels), shapes: `${describe(g)}'affine`,
  };
}
