// The conv1d kernel families (core/kernels/variants.ts): forward, grad_input and grad_weight, each with the
// portable register-blocked kernel of conv1d.wgsl ("register") and variants that share an operand over a
// subgroup (conv1d-subgroup.ts), in a few block sizes, because the best one differs between shapes (measured:
// core/kernels/PERFORMANCE.md); the forward's "-packed" ones read weights rearranged by a pass before them so that
// a subgroup's share of them loads as vec4s. core/ops/conv1d.ts runs them through engine.run().
import {
  type Conv1dGeometry, conv1dForwardLaunch, conv1dGradBiasLaunch, conv1dGradInputLaunch, conv1dGradWeightLaunch, conv1dGradWeightSplits,
} from './conv1d.ts';
import {
  type GatherBlocking, type GradWeightBlocking, conv1dGatherLaunch, conv1dPackWeightsLaunch, conv1dSubgroupGradWeightLaunch,
  conv1dSubgroupGradWeightSplits, gatherBlockingFits, gradWeightBlockingFits, packedWeightsSize,
} from './conv1d-subgroup.ts';
import { unaryLaunch } from './elementwise.ts';
import type { KernelLaunch } from './launch.ts';
import { sumAxisLaunch } from './reduce.ts';
import { type DeviceFeatures, type KernelFamily, type KernelVariant, fixedSubgroupSize, sizeClass } from './variants.ts';

/** y = act(conv1d(x, w) + bias), act a leaky ReLU with this slope when given (fused), else none. */
export interface Conv1dForwardProblem {
  readonly g: Conv1dGeometry;
  readonly x: GPUBuffer;
  readonly w: GPUBuffer;
  readonly bias: GPUBuffer | null;
  readonly y: GPUBuffer;
  readonly leakySlope: number | null;
}

/** dx = conv1d's input gradient of dy (plus bias[c]: convTranspose1d's forward). */
export interface Conv1dGradInputProblem {
  readonly g: Conv1dGeometry;
  readonly dy: GPUBuffer;
  readonly w: GPUBuffer;
  readonly bias: GPUBuffer | null;
  readonly dx: GPUBuffer;
}

/** dw [Cout, Cin, K] from dy and x, and db [Cout] = sum dy when db is given. */
export interface Conv1dGradWeightProblem {
  readonly g: Conv1dGeometry;
  readonly dy: GPUBuffer;
  readonly x: GPUBuffer;
  readonly dw: GPUBuffer;
  readonly db: GPUBuffer | null;
}

const ySize = (g: Conv1dGeometry) => g.batch * g.outChannels * g.outLength;
const xSize = (g: Conv1dGeometry) => g.batch * g.inChannels * g.inLength;
const wSize = (g: Conv1dGeometry) => g.outChannels * g.inChannels * g.kernelSize;

/** The layer kind and rough sizes: problems of one class share a variant. */
function geometryClass(g: Conv1dGeometry): string {
  return `K${g.kernelSize} s${g.stride} d${g.dilation} p${g.padding} cin~2^${sizeClass(g.inChannels)} cout~2^${sizeClass(g.outChannels)} ` +
    `len~2^${sizeClass(g.inLength)} rows~2^${sizeClass(g.batch)}`;
}

/**
 * Tuning problems keep the geometry and cut the batch only beyond about this many multiply-adds (10-40 ms a run on
 * lavapipe), so the U-Net's layers (up to 3.4e8 at batch 64) tune at or near their own batch. Cut to 2^25, down2
 * [64,128,64] K4 s2 tuned at batch 16, where its variants ran within 8% of each other, while on the row itself
 * they differ 1.5-1.8x (benchmarks/tuning-repeatability.ts, core/kernels/PERFORMANCE.md).
 */
const TUNING_MACS = 1 << 28;

function tuningGeometry(g: Conv1dGeometry): Conv1dGeometry {
  const perItem = Math.max(1, g.outChannels * g.inChannels * g.kernelSize * g.outLength);
  return { ...g, batch: Math.max(1, Math.min(g.batch, Math.ceil(TUNING_MACS / perItem))) };
}

/** On a CPU adapter the subgroup variants won every measured shape; elsewhere only a measurement can say. */
function prefer(device: DeviceFeatures, subgroupFirst: string): string[] {
  return device.isSoftwareAdapter && fixedSubgroupSize(device) > 0 ? [subgroupFirst, 'register'] : ['register'];
}

// ------------------------------------------------------------------------------------------------ forward

const registerForward: KernelVariant<Conv1dForwardProblem> = {
  name: 'register',
  supports: () => true,
  launches({ g, x, w, bias, y, leakySlope }, _device, scratch) {
    if (leakySlope === null) return [conv1dForwardLaunch(g, x, w, bias, y)];
    // Unfused: the convolution into a temporary, then the activation.
    const pre = scratch.acquire(4 * ySize(g), 'conv1d.pre-activation');
    return [conv1dForwardLaunch(g, x, w, bias, pre), unaryLaunch('leakyRelu', pre, y, ySize(g), leakySlope)];
  },
};

function subgroupForward(blocking: GatherBlocking): KernelVariant<Conv1dForwardProblem> {
  return {
    name: `subgroup-r${blocking.rows}p${blocking.positions}`,
    supports: ({ g }, device) => gatherBlockingFits('forward', g, blocking, fixedSubgroupSize(device)),
    launches: ({ g, x, w, bias, y, leakySlope }, device) =>
      [conv1dGatherLaunch('forward', g, x, w, bias, y, blocking, fixedSubgroupSize(device), leakySlope)],
  };
}

/** The same kernel reading its weights packed by a pass before it (conv1dPackWeightsLaunch): vec4 weight loads. */
function packedSubgroupForward(blocking: GatherBlocking): KernelVariant<Conv1dForwardProblem> {
  return {
    name: `subgroup-r${blocking.rows}p${blocking.positions}-packed`,
    supports: ({ g }, device) => gatherBlockingFits('forward', g, blocking, fixedSubgroupSize(device)),
    launches({ g, x, w, bias, y, leakySlope }, device, scratch) {
      const sg = fixedSubgroupSize(device);
      const packed = scratch.acquire(4 * packedWeightsSize(g, blocking, sg), 'conv1d.packed-weights');
      return [conv1dPackWeightsLaunch(g, w, packed, blocking, sg), conv1dGatherLaunch('forward', g, x, w, bias, y, blocking, sg, leakySlope, packed)];
    },
  };
}

// Each family's variant list is built at first use (a getter), so importing the module calls nothing (package.json's
// sideEffects: false; tests/package/side-effects.test.ts).
let forwardVariants: readonly KernelVariant<Conv1dForwardProblem>[] | undefined;

export const conv1dForwardFamily: KernelFamily<Conv1dForwardProblem> = {
  name: 'conv1d.forward',
  // r16p4: rows of 4 output positions (the audio encoder's last layer) fill no block of 8.
  get variants() {
    return (forwardVariants ??= [
      registerForward, subgroupForward({ rows: 8, positions: 16 }), subgroupForward({ rows: 16, positions: 8 }), subgroupForward({ rows: 16, positions: 4 }),
      packedSubgroupForward({ rows: 8, positions: 16 }), packedSubgroupForward({ rows: 16, positions: 8 }),
    ]);
  },
  shapeClass: (p) => `${geometryClass(p.g)}${p.bias ? ' bias' : ''}${p.leakySlope !== null ? ' leaky' : ''}`,
  tuningProblem(p, buffer) {
    const g = tuningGeometry(p.g);
    const w = buffer(4 * wSize(g));
    return { g, x: buffer(4 * xSize(g)), w, bias: p.bias ? buffer(4 * g.outChannels) : null, y: buffer(4 * ySize(g)), leakySlope: p.leakySlope };
  },
  preference: (device) => prefer(device, 'subgroup-r8p16'),
};

// ------------------------------------------------------------------------------------------------ grad_input

const registerGradInput: KernelVariant<Conv1dGradInputProblem> = {
  name: 'register',
  supports: () => true,
  launches: ({ g, dy, w, bias, dx }) => [conv1dGradInputLaunch(g, dy, w, bias, dx)],
};

function subgroupGradInput(blocking: GatherBlocking): KernelVariant<Conv1dGradInputProblem> {
  return {
    name: `subgroup-r${blocking.rows}p${blocking.positions}`,
    supports: ({ g }, device) => gatherBlockingFits('grad_input', g, blocking, fixedSubgroupSize(device)),
    launches: ({ g, dy, w, bias, dx }, device) =>
      [conv1dGatherLaunch('grad_input', g, dy, w, bias, dx, blocking, fixedSubgroupSize(device), null)],
  };
}

let gradInputVariants: readonly KernelVariant<Conv1dGradInputProblem>[] | undefined;

export const conv1dGradInputFamily: KernelFamily<Conv1dGradInputProblem> = {
  name: 'conv1d.grad_input',
  get variants() {
    return (gradInputVariants ??= [registerGradInput, subgroupGradInput({ rows: 16, positions: 8 }), subgroupGradInput({ rows: 8, positions: 8 })]);
  },
  shapeClass: (p) => `${geometryClass(p.g)}${p.bias ? ' bias' : ''}`,
  tuningProblem(p, buffer) {
    const g = tuningGeometry(p.g);
    return { g, dy: buffer(4 * ySize(g)), w: buffer(4 * wSize(g)), bias: p.bias ? buffer(4 * g.inChannels) : null, dx: buffer(4 * xSize(g)) };
  },
  preference: (device) => prefer(device, 'subgroup-r16p8'),
};

// ------------------------------------------------------------------------------------------------ grad_weight

const registerGradWeight: KernelVariant<Conv1dGradWeightProblem> = {
  name: 'register',
  supports: () => true,
  launches({ g, dy, x, dw, db }, _device, scratch) {
    const launches: KernelLaunch[] = [];
    const splits = conv1dGradWeightSplits(g);
    if (splits === 1) {
      launches.push(conv1dGradWeightLaunch(g, dy, x, dw, 1));
    } else {
      const partial = scratch.acquire(4 * splits * wSize(g), 'conv1d.grad_weight.partial');
      launches.push(conv1dGradWeightLaunch(g, dy, x, partial, splits), sumAxisLaunch(partial, dw, 1, splits, wSize(g), 1));
    }
    if (db) launches.push(conv1dGradBiasLaunch(g.batch, g.outChannels, g.outLength, dy, db));
    return launches;
  },
};

function subgroupGradWeight(blocking: GradWeightBlocking): KernelVariant<Conv1dGradWeightProblem> {
  return {
    name: `subgroup-dy${blocking.rows}c${blocking.channels}p${blocking.positions}`,
    supports: (_p, device) => gradWeightBlockingFits(blocking, fixedSubgroupSize(device)),
    launches({ g, dy, x, dw, db }, device, scratch) {
      const sg = fixedSubgroupSize(device);
      const { splits } = conv1dSubgroupGradWeightSplits(g, blocking, sg);
      if (splits === 1) return [conv1dSubgroupGradWeightLaunch(g, dy, x, dw, db, blocking, sg)];
      const partial = scratch.acquire(4 * splits * wSize(g), 'conv1d.grad_weight.partial');
      const dbPartial = db ? scratch.acquire(4 * splits * g.outChannels, 'conv1d.grad_bias.partial') : null;
      const launches = [conv1dSubgroupGradWeightLaunch(g, dy, x, partial, dbPartial, blocking, sg), sumAxisLaunch(partial, dw, 1, splits, wSize(g), 1)];
      if (db && dbPartial) launches.push(sumAxisLaunch(dbPartial, db, 1, splits, g.outChannels, 1));
      return launches;
    },
  };
}

let gradWeightVariants: readonly KernelVariant<Conv1dGradWeightProblem>[] | undefined;

export const conv1dGradWeightFamily: KernelFamily<Conv1dGradWeightProblem> = {
  name: 'conv1d.grad_weight',
  get variants() {
    return (gradWeightVariants ??= [
      registerGradWeight, subgroupGradWeight({ rows: 16, channels: 1, positions: 8 }), subgroupGradWeight({ rows: 8, channels: 2, positions: 8 }),
      subgroupGradWeight({ rows: 16, channels: 2, positions: 4 }),
    ]);
  },
  shapeClass: (p) => `${geometryClass(p.g)}${p.db ? ' bias' : ''}`,
  tuningProblem(p, buffer) {
    const g = tuningGeometry(p.g);
    return { g, dy: buffer(4 * ySize(g)), x: buffer(4 * xSize(g)), dw: buffer(4 * wSize(g)), db: p.db ? buffer(4 * g.outChannels) : null };
  },
  preference: (device) => prefer(device, 'subgroup-dy16c1p8'),
};
