// Launch descriptions for core/kernels/upsample.wgsl: nearest up-sampling along the last axis and its gradient.
import source from './upsample.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from './launch.ts';

export const upsampleKernel: KernelSource = { name: 'upsample', file: 'core/kernels/upsample.wgsl', code: source };

const WG = 64;
/** The vec4 backward keeps its factor's vec4s of dy in an array<vec4f, 8>. */
const MAX_VEC4_FACTOR = 8;

/** Whether the vec4 entries apply: x's element count a multiple of 4 (then y's is too), factor at most 8. */
const vec4Applies = (rows: number, inLength: number, factor: number) => (rows * inLength) % 4 === 0 && factor <= MAX_VEC4_FACTOR;

/** y [rows, inLength * factor] with y[r, j] = x[r, floor(j / factor)]. */
export function upsampleNearestLaunch(rows: number, inLength: number, factor: number, x: GPUBuffer, y: GPUBuffer): KernelLaunch {
  const n = rows * inLength * factor;
  const vec4 = vec4Applies(rows, inLength, factor);
  return {
    kernel: upsampleKernel, entry: vec4 ? 'upsample_nearest_vec4' : 'upsample_nearest',
    ...(vec4 ? { constants: { FACTOR: factor } } : {}),
    params: { rows: u32(rows), in_length: u32(inLength), factor: u32(factor) },
    buffers: [x, y], workgroups: gridForItems(vec4 ? rows * inLength / 4 : n, WG),
    flops: 0, bytes: 4 * (rows * inLength + n), shapes: `upsample [${rows},${inLength}] x${factor}`,
  };
}

/** dx [rows, inLength] with dx[r, i] = sum over q < factor of dy[r, i * factor + q]. */
export function upsampleNearestBackwardLaunch(rows: number, inLength: number, factor: number, dy: GPUBuffer, dx: GPUBuffer): KernelLaunch {
  const n = rows * inLength;
  const vec4 = vec4Applies(rows, inLength, factor);
  return {
    kernel: upsampleKernel, entry: vec4 ? 'upsample_nearest_backward_vec4' : 'upsample_nearest_backward',
    ...(vec4 ? { constants: { FACTOR: factor } } : {}),
    params: { rows: u32(rows), in_length: u32(inLength), factor: u32(factor) },
    buffers: [dy, dx], workgroups: gridForItems(vec4 ? n / 4 : n, WG),
    flops: n * factor, bytes: 4 * (n + n * factor), shapes: `upsample' [${rows},${inLength}] x${factor}`,
  };
}
