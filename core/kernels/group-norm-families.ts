// The group-norm kernel families (core/kernels/variants.ts): "workgroup" (group-norm.wgsl: a workgroup a group,
// sums by a tree in workgroup memory; a separate pass for the affine gradients) and "subgroup"
// (group-norm-subgroup.wgsl: a subgroup a group, subgroupAdd, vec4s, 2 reads of x in the forward, the affine
// gradients' parts from the input gradient's own pass). Both fuse nothing or a leaky ReLU after the forward.
import subgroupSource from './group-norm-subgroup.wgsl';
import {
  type GroupNormGeometry, groupNormBackwardAffineLaunch, groupNormBackwardInputLaunch, groupNormForwardLaunch,
} from './group-norm.ts';
import { unaryLaunch } from './elementwise.ts';
import { type KernelLaunch, type KernelSource, f32, gridFor, u32 } from './launch.ts';
import { sumAxisLaunch } from './reduce.ts';
import { type KernelFamily, type KernelVariant, fixedSubgroupSize, sizeClass } from './variants.ts';

const subgroupKernel: KernelSource = { name: 'group-norm-subgroup', file: 'core/kernels/group-norm-subgroup.wgsl', code: subgroupSource };

/** y = act(groupNorm(x)), act a leaky ReLU with this slope (fused) or none; mean and rstd [B, G] saved. */
export interface GroupNormForwardProblem {
  readonly g: GroupNormGeometry;
  readonly x: GPUBuffer;
  readonly gamma: GPUBuffer | null;
  readonly beta: GPUBuffer | null;
  readonly y: GPUBuffer;
  readonly mean: GPUBuffer;
  readonly rstd: GPUBuffer;
  readonly leakySlope: number | null;
}

/** dx (when wanted) and dgamma, dbeta (when wanted; gamma given) from dy, x and the saved statistics. */
export interface GroupNormBackwardProblem {
  readonly g: GroupNormGeometry;
  readonly x: GPUBuffer;
  readonly mean: GPUBuffer;
  readonly rstd: GPUBuffer;
  readonly gamma: GPUBuffer | null;
  readonly dy: GPUBuffer;
  readonly dx: GPUBuffer | null;
  readonly dgamma: GPUBuffer | null;
  readonly dbeta: GPUBuffer | null;
}

const size = (g: GroupNormGeometry) => g.batch * g.channels * g.length;
const describe = (g: GroupNormGeometry) => `[${g.batch},${g.channels},${g.length}] G${g.groups}`;
const subgroupParams = (g: GroupNormGeometry, slope: number) => ({
  batch: u32(g.batch), channels: u32(g.channels), length: u32(g.length), groups: u32(g.groups), eps: f32(g.eps), slope: f32(slope),
});
/** A subgroup a group, 64-invocation workgroups. */
const subgroupGrid = (g: GroupNormGeometry, sg: number) => gridFor(Math.ceil((g.batch * g.groups) / (64 / sg)));
const subgroupFits = (g: GroupNormGeometry, sg: number) => sg > 0 && 64 % sg === 0 && g.length % 4 === 0;

// A length that is not a multiple of 4 is a class of its own: the subgroup variants cannot run it, and a class
// first met with one (a generation's tail window, [1, 32, 58]) would otherwise keep the workgroup variant, unfused,
// for its whole-window neighbours ([1, 32, 64]) too.
const geometryClass = (g: GroupNormGeometry) =>
  `rows~2^${sizeClass(g.batch * g.groups)} group~2^${sizeClass((g.channels / g.groups) * g.length)} len~2^${sizeClass(g.length)}${g.length % 4 === 0 ? '' : ' len%4'}`;

// ------------------------------------------------------------------------------------------------ forward

const workgroupForward: KernelVariant<GroupNormForwardProblem> = {
  name: 'workgroup',
  supports: () => true,
  launches({ g, x, gamma, beta, y, mean, rstd, leakySlope }, _device, scratch) {
    if (leakySlope === null) return [groupNormForwardLaunch(g, x, gamma, beta, y, mean, rstd)];
    const pre = scratch.acquire(4 * size(g), 'groupNorm.pre-activation');
    return [groupNormForwardLaunch(g, x, gamma, beta, pre, mean, rstd), unaryLaunch('leakyRelu', pre, y, size(g), leakySlope)];
  },
};

const subgroupForward: KernelVariant<GroupNormForwardProblem> = {
  name: 'subgroup',
  supports: ({ g }, device) => subgroupFits(g, fixedSubgroupSize(device)),
  launches: ({ g, x, gamma, beta, y, mean, rstd, leakySlope }, device): KernelLaunch[] => [{
    kernel: subgroupKernel, entry: 'forward', constants: { AFFINE: gamma ? 1 : 0, LEAKY: leakySlope !== null ? 1 : 0 },
    params: subgroupParams(g, leakySlope ?? 0), buffers: [x, gamma ?? x, beta ?? x, y, mean, rstd],
    workgroups: subgroupGrid(g, fixedSubgroupSize(device)),
    flops: 8 * size(g), bytes: 4 * (3 * size(g) + 2 * g.channels + 2 * g.batch * g.groups),
    shapes: `${describe(g)}${leakySlope !== null ? ' +leaky' : ''}`,
  }],
};

export const groupNormForwardFamily: KernelFamily<GroupNormForwardProblem> = {
  name: 'group-norm.forward',
  variants: [workgroupForward, subgroupForward],
  shapeClass: (p) => `${geometryClass(p.g)}${p.gamma ? ' affine' : ''}${p.leakySlope !== null ? ' leaky' : ''}`,
  tuningProblem: (p, buffer) => ({
    g: p.g, x: buffer(4 * size(p.g)), gamma: p.gamma ? buffer(4 * p.g.channels) : null, beta: p.beta ? buffer(4 * p.g.channels) : null,
    y: buffer(4 * size(p.g)), mean: buffer(4 * p.g.batch * p.g.groups), rstd: buffer(4 * p.g.batch * p.g.groups), leakySlope: p.leakySlope,
  }),
  preference: (device) => (fixedSubgroupSize(device) > 0 ? ['subgroup', 'workgroup'] : ['workgroup']),
};

// ------------------------------------------------------------------------------------------------ backward

const workgroupBackward: KernelVariant<GroupNormBackwardProblem> = {
  name: 'workgroup',
  supports: () => true,
  launches({ g, x, mean, rstd, gamma, dy, dx, dgamma, dbeta }) {
    const launches: KernelLaunch[] = [];
    if (dx) launches.push(groupNormBackwardInputLaunch(g, x, mean, rstd, gamma, dy, dx));
    if (dgamma && dbeta) launches.push(groupNormBackwardAffineLaunch(g, x, mean, rstd, dy, dgamma, dbeta));
    return launches;
  },
};

const subgroupBackward: KernelVariant<GroupNormBackwardProblem> = {
  name: 'subgroup',
  supports: ({ g, dx }, device) => dx !== null && subgroupFits(g, fixedSubgroupSize(device)),
  launches({ g, x, mean, rstd, gamma, dy, dx, dgamma, dbeta }, device, scratch) {
    const affine = gamma !== null && dgamma !== null && dbeta !== null;
    const parts = (label: string) => (affine ? scratch.acquire(4 * g.batch * g.channels, label) : x);
    const gammaPart = parts('groupNorm.dgamma.parts');
    const betaPart = parts('groupNorm.dbeta.parts');
    const launches: KernelLaunch[] = [{
      kernel: subgroupKernel, entry: 'backward', constants: { AFFINE: gamma ? 1 : 0, LEAKY: 0 },
      params: subgroupParams(g, 0), buffers: [x, mean, rstd, gamma ?? x, dy, dx!, affine ? gammaPart : scratch.acquire(16, 'unused'), affine ? betaPart : scratch.acquire(16, 'unused')],
      workgroups: subgroupGrid(g, fixedSubgroupSize(device)),
      flops: 19 * size(g), bytes: 4 * (5 * size(g) + 3 * g.channels + 2 * g.batch * g.channels), shapes: `${describe(g)}'x${affine ? '+affine parts' : ''}`,
    }];
    if (affine) launches.push(sumAxisLaunch(gammaPart, dgamma, 1, g.batch, g.channels, 1), sumAxisLaunch(betaPart, dbeta, 1, g.batch, g.channels, 1));
    return launches;
  },
};

export const groupNormBackwardFamily: KernelFamily<GroupNormBackwardProblem> = {
  name: 'group-norm.backward',
  variants: [workgroupBackward, subgroupBackward],
  shapeClass: (p) => `${geometryClass(p.g)}${p.gamma ? ' affine' : ''}${p.dgamma ? ' +dgamma' : ''}`,
  tuningProblem: (p, buffer) => {
    const n = 4 * size(p.g);
    const stats = 4 * p.g.batch * p.g.groups;
    return {
      g: p.g, x: buffer(n), mean: buffer(stats), rstd: buffer(stats), gamma: p.gamma ? buffer(4 * p.g.channels) : null, dy: buffer(n),
      dx: p.dx ? buffer(n) : null, dgamma: p.dgamma ? buffer(4 * p.g.channels) : null, dbeta: p.dbeta ? buffer(4 * p.g.channels) : null,
    };
  },
  preference: (device) => (fixedSubgroupSize(device) > 0 ? ['subgroup', 'workgroup'] : ['workgroup']),
};

export const groupNormFamilies = [groupNormForwardFamily, groupNormBackwardFamily] as const;
