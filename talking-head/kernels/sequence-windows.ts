// Launch descriptions for talking-head/kernels/sequence-windows.wgsl (the audio encoder's first layer, cut into windows).
import source from './sequence-windows.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridForItems, u32 } from '../../core/kernels/launch.ts';

export const sequenceWindowsKernel: KernelSource = { name: 'sequence-windows', file: 'talking-head/kernels/sequence-windows.wgsl', code: source };

export interface SequenceWindowsGeometry {
  /** N: windows (frames) */
  readonly frames: number;
  /** C: channels of one stack */
  readonly channels: number;
  /** W: columns a window, at least 2 */
  readonly window: number;
  /** L: positions of stacked, at least N + W - 1 */
  readonly length: number;
  /** a: leaky ReLU slope (1: none) */
  readonly slope: number;
}

const params = (g: SequenceWindowsGeometry) => ({ frames: u32(g.frames), length: u32(g.length), slope: f32(g.slope) });
/** W and C as override constants (the kernel's header says why): a pipeline a (W, C). */
const constants = (g: SequenceWindowsGeometry) => ({ WINDOW: g.window, CHANNELS: g.channels });
const shapes = (g: SequenceWindowsGeometry) => `windows [${g.frames},${g.channels},${g.window}] of [3x${g.channels},${g.length}] a=${g.slope}`;

/** out [N, C, W] from stacked [3C, L]. */
export function sequenceWindowsForwardLaunch(g: SequenceWindowsGeometry, stacked: GPUBuffer, out: GPUBuffer): KernelLaunch {
  const n = g.frames * g.channels * g.window;
  return {
    kernel: sequenceWindowsKernel, entry: 'forward', params: params(g), constants: constants(g), buffers: [stacked, out],
    workgroups: gridForItems(g.frames * g.channels, 64), flops: n, bytes: 8 * n, shapes: shapes(g),
  };
}

/** dstacked [3C, L] from dout [N, C, W] and stacked. */
export function sequenceWindowsBackwardLaunch(g: SequenceWindowsGeometry, dout: GPUBuffer, stacked: GPUBuffer, dstacked: GPUBuffer): KernelLaunch {
  const m = 3 * g.channels * g.length;
  const n = g.frames * g.channels * g.window;
  return {
    kernel: sequenceWindowsKernel, entry: 'backward', params: params(g), constants: constants(g), buffers: [dout, stacked, dstacked],
    workgroups: gridForItems(m, 64), flops: n + m, bytes: 4 * (n + 2 * m), shapes: `grad ${shapes(g)}`,
  };
}
