// Launch descriptions for core/kernels/reduce.wgsl.
import source from './reduce.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridFor, gridForItems, u32 } from './launch.ts';

export const reduceKernel: KernelSource = { name: 'reduce', file: 'core/kernels/reduce.wgsl', code: source };

/** Below this many outputs a long axis is summed by a workgroup a row instead of a thread an output. */
const ROW_REDUCTION_MAX_OUTPUTS = 4096;

/** out[outer, inner] = scale * sum over the middle axis of x viewed as [outer, axis, inner]. */
export function sumAxisLaunch(x: GPUBuffer, out: GPUBuffer, outer: number, axis: number, inner: number, scale: number): KernelLaunch {
  const rows = inner === 1 && axis >= 256 && outer <= ROW_REDUCTION_MAX_OUTPUTS;
  return {
    kernel: reduceKernel, entry: rows ? 'sum_rows' : 'sum_strided',
    params: { outer: u32(outer), axis: u32(axis), inner: u32(inner), scale: f32(scale) }, buffers: [x, out],
    workgroups: rows ? gridFor(outer) : gridForItems(outer * inner, 256),
    flops: outer * axis * inner, bytes: 4 * (outer * axis * inner + outer * inner),
    shapes: `[${outer},${axis},${inner}]`,
  };
}
