// Launch descriptions for core/kernels/non-finite.wgsl: the count of NaN and infinite values behind every
// numeric guard (core/ops/non-finite.ts).
import source from './non-finite.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from './launch.ts';

export const nonFiniteKernel: KernelSource = { name: 'non-finite', file: 'core/kernels/non-finite.wgsl', code: source };

const WG = 256;
/** Values one workgroup of count_non_finite tests: WG threads x ITEMS (8). */
const VALUES_PER_WORKGROUP = WG * 8;

/** counts[slot] += the number of non-finite values among the first n floats of x (counts as u32 words). */
export function countNonFiniteLaunch(x: GPUBuffer, counts: GPUBuffer, n: number, slot: number): KernelLaunch {
  return {
    kernel: nonFiniteKernel, entry: 'count_non_finite', params: { n: u32(n), slot: u32(slot) }, buffers: [x, counts],
    workgroups: gridForItems(n, VALUES_PER_WORKGROUP), flops: n, bytes: 4 * n, shapes: `[${n}] -> counts[${slot}]`,
  };
}

/** counts[slot .. slot + n) = 0. */
export function clearCountsLaunch(counts: GPUBuffer, slot: number, n: number): KernelLaunch {
  return {
    kernel: nonFiniteKernel, entry: 'clear', params: { n: u32(n), slot: u32(slot) }, buffers: [counts],
    workgroups: gridForItems(n, WG), flops: 0, bytes: 4 * n, shapes: `counts[${slot}..${slot + n})`,
  };
}
