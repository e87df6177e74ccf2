// Launch descriptions for core/kernels/conv1d.wgsl: conv1d forward and its gradients (which are also
// convTranspose1d's forward and gradients, with the roles of the tensors swapped). Nearest up-sampling: upsample.ts.
import source from './conv1d.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from './launch.ts';

export const conv1dKernel: KernelSource = { name: 'conv1d', file: 'core/kernels/conv1d.wgsl', code: source };

const WG = 64;
/** Outputs a thread computes along each of its two blocked axes (channels and positions, or two channel axes). */
const BLOCK = 4;
/** Positions a forward or grad_input thread computes (twice BLOCK: each weight load serves 8 FMAs). */
const POSITIONS = 8;

/**
 * The sizes of one conv1d, x [batch, inChannels, inLength] * w [outChannels, inChannels, kernelSize] ->
 * y [batch, outChannels, outLength]. outLength is given, not derived, so that convTranspose1d's output padding
 * (an input longer than the formula's) fits the same kernels.
 */
export interface Conv1dGeometry {
  readonly batch: number;
  readonly inChannels: number;
  readonly inLength: number;
  readonly outChannels: number;
  readonly outLength: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
}

/** floor((L + 2p - d(K-1) - 1) / s) + 1, PyTorch's conv1d output length (may be <= 0 for too short inputs). */
export function conv1dOutputLength(length: number, kernelSize: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((length + 2 * padding - dilation * (kernelSize - 1) - 1) / stride) + 1;
}

const blocks = (n: number) => Math.ceil(n / BLOCK);

/** ConvParams of conv1d.wgsl. */
function convParams(g: Conv1dGeometry, hasBias: boolean, splits = 1, splitLength = 0) {
  return {
    batch: u32(g.batch), in_channels: u32(g.inChannels), in_length: u32(g.inLength), out_channels: u32(g.outChannels),
    out_length: u32(g.outLength), kernel_size: u32(g.kernelSize), stride: u32(g.stride), padding: u32(g.padding),
    dilation: u32(g.dilation), has_bias: u32(hasBias ? 1 : 0), splits: u32(splits), split_length: u32(splitLength),
  };
}

/** Multiply-adds of the whole convolution, times 2: the same for the forward and each gradient. */
function convFlops(g: Conv1dGeometry): number {
  return 2 * g.batch * g.outChannels * g.inChannels * g.kernelSize * g.outLength;
}

function describe(g: Conv1dGeometry): string {
  return `[${g.batch},${g.inChannels},${g.inLength}]*[${g.outChannels},${g.inChannels},${g.kernelSize}]->[${g.batch},${g.outChannels},${g.outLength}] s${g.stride} p${g.padding} d${g.dilation}`;
}

const xSize = (g: Conv1dGeometry) => g.batch * g.inChannels * g.inLength;
const ySize = (g: Conv1dGeometry) => g.batch * g.outChannels * g.outLength;
const wSize = (g: Conv1dGeometry) => g.outChannels * g.inChannels * g.kernelSize;

/** y = conv1d(x, w) + bias. Without a bias the weight buffer fills the bias binding and is not read there. */
export function conv1dForwardLaunch(g: Conv1dGeometry, x: GPUBuffer, w: GPUBuffer, bias: GPUBuffer | null, y: GPUBuffer): KernelLaunch {
  return {
    kernel: conv1dKernel, entry: 'forward', constants: { FORWARD_SLIDING: g.stride === g.dilation ? 1 : 0 },
    params: convParams(g, bias !== null), buffers: [x, w, bias ?? w, y],
    workgroups: gridForItems(g.batch * blocks(g.outChannels) * Math.ceil(g.outLength / POSITIONS), WG),
    flops: convFlops(g), bytes: 4 * (xSize(g) + wSize(g) + ySize(g) + (bias ? g.outChannels : 0)),
    shapes: describe(g),
  };
}

/**
 * dx [batch, inChannels, inLength] from dy [batch, outChannels, outLength] and w, plus bias[c] when given
 * (convTranspose1d's forward, whose bias has inChannels values in this geometry).
 */
export function conv1dGradInputLaunch(g: Conv1dGeometry, dy: GPUBuffer, w: GPUBuffer, bias: GPUBuffer | null, dx: GPUBuffer): KernelLaunch {
  return {
    kernel: conv1dKernel, entry: 'grad_input', params: convParams(g, bias !== null),
    buffers: [dy, w, bias ?? w, dx],
    workgroups: gridForItems(g.batch * blocks(g.inChannels) * Math.ceil(g.inLength / POSITIONS), WG),
    flops: convFlops(g), bytes: 4 * (ySize(g) + wSize(g) + xSize(g) + (bias ? g.inChannels : 0)),
    shapes: `grad_input ${describe(g)}`,
  };
}

/** Threads the weight gradient aims for before it splits the (batch, time) sum into chunks. */
const GRAD_WEIGHT_TARGET_THREADS = 4096;
/** The shortest chunk of the (batch, time) sum worth a thread of its own. */
const GRAD_WEIGHT_MIN_CHUNK = 256;

/**
 * How many chunks the weight gradient's sum over (batch, time) is split into: 1 when the weight alone gives
 * enough threads, more for small weights over long sequences. With more than 1 the launch writes
 * [splits, outChannels, inChannels, kernelSize] partial sums that the caller sums over the first axis.
 */
export function conv1dGradWeightSplits(g: Conv1dGeometry): number {
  const threads = blocks(g.outChannels) * blocks(g.inChannels) * g.kernelSize;
  const terms = g.batch * g.outLength;
  const wanted = Math.ceil(GRAD_WEIGHT_TARGET_THREADS / threads);
  return Math.max(1, Math.min(wanted, Math.floor(terms / GRAD_WEIGHT_MIN_CHUNK)));
}

/** dw [splits, outChannels, inChannels, kernelSize] from dy and x (see conv1dGradWeightSplits). */
export function conv1dGradWeightLaunch(g: Conv1dGeometry, dy: GPUBuffer, x: GPUBuffer, dw: GPUBuffer, splits: number): KernelLaunch {
  const terms = g.batch * g.outLength;
  const splitLength = Math.max(1, Math.ceil(terms / splits));
  return {
    kernel: conv1dKernel, entry: 'grad_weight', params: convParams(g, false, splits, splitLength),
    buffers: [dy, x, dw],
    workgroups: gridForItems(splits * blocks(g.outChannels) * blocks(g.inChannels) * g.kernelSize, WG),
    flops: convFlops(g), bytes: 4 * (ySize(g) + xSize(g) + splits * wSize(g)),
    shapes: `grad_weight ${describe(g)} splits ${splits}`,
  };
}

/** db [channels] = sum over batch and time of dy [batch, channels, length]. */
export function conv1dGradBiasLaunch(batch: number, channels: number, length: number, dy: GPUBuffer, db: GPUBuffer): KernelLaunch {
  const g: Conv1dGeometry = {
    batch, inChannels: 0, inLength: 0, outChannels: channels, outLength: length, kernelSize: 0, stride: 1, padding: 0, dilation: 1,
  };
  return {
    kernel: conv1dKernel, entry: 'grad_bias', params: convParams(g, false),
    buffers: [dy, db], workgroups: gridForItems(channels, WG),
    flops: batch * channels * length, bytes: 4 * (batch * channels * length + channels),
    shapes: `grad_bias [${batch},${channels},${length}]`,
  };
}
