// Launch descriptions for core/kernels/reduce.wgsl.
import source from './reduce.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridFor, gridForItems, u32 } from './launch.ts';
import type { Scratch } from './variants.ts';

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

/** Threads a chunk pass aims for: enough workgroups for every core of a CPU adapter, and lanes for a GPU's. */
const CHUNK_THREADS = 16384;
/** Values a thread sums in a chunk pass, at least and at most (powers of 2, so row chunks stay vec4-aligned). */
const MIN_CHUNK = 64;
const MAX_CHUNK = 4096;
/** Problems up to this many values are summed in one pass (sumAxisLaunch): a chunk pass would not pay. */
const ONE_PASS_VALUES = 1 << 16;

/** How a chunked sum cuts the axis, or null when one pass of sumAxisLaunch is the better plan. */
export function sumChunking(outer: number, axis: number, inner: number): { chunk: number; chunks: number; entry: string; threads: number } | null {
  if (outer * axis * inner <= ONE_PASS_VALUES || axis < 2 * MIN_CHUNK) return null;
  const entry = inner % 4 === 0 ? 'sum_chunks_vec4' : inner === 1 && axis % 4 === 0 ? 'sum_row_chunks_vec4' : 'sum_chunks';
  const lanes = outer * (entry === 'sum_chunks_vec4' ? inner / 4 : entry === 'sum_row_chunks_vec4' ? 1 : inner);
  const wanted = (axis * lanes) / CHUNK_THREADS;
  const chunk = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, 2 ** Math.ceil(Math.log2(Math.max(1, wanted)))));
  const chunks = Math.ceil(axis / chunk);
  if (chunks === 1) return null;
  return { chunk, chunks, entry, threads: lanes * chunks };
}

/**
 * out[outer, inner] = scale * sum over the middle axis, in chunk passes (reduce.wgsl's sum_chunks entries) while
 * the axis is long and the outputs few, then one pass of sumAxisLaunch; partial sums live in scratch buffers.
 */
export function chunkedSumLaunches(
  x: GPUBuffer, out: GPUBuffer, outer: number, axis: number, inner: number, scale: number, scratch: Scratch,
): KernelLaunch[] {
  const plan = sumChunking(outer, axis, inner);
  if (!plan) return [sumAxisLaunch(x, out, outer, axis, inner, scale)];
  const { chunk, chunks, entry, threads } = plan;
  const partial = scratch.acquire(4 * outer * chunks * inner, 'sum.partial');
  const pass: KernelLaunch = {
    kernel: reduceKernel, entry,
    params: { outer: u32(outer), axis: u32(axis), inner: u32(inner), chunk: u32(chunk), chunks: u32(chunks) }, buffers: [x, partial],
    workgroups: gridForItems(threads, 256),
    flops: outer * axis * inner, bytes: 4 * (outer * axis * inner + outer * chunks * inner),
    shapes: `[${outer},${axis},${inner}] in ${chunks} chunks`,
  };
  return [pass, ...chunkedSumLaunches(partial, out, outer, chunks, inner, scale, scratch)];
}
