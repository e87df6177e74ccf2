// The sum kernel family (core/kernels/variants.ts): "one-pass" (reduce.wgsl's sum_strided and sum_rows: a thread
// an output, or a workgroup an output row with a tree in workgroup memory) and "chunked" (the axis cut into chunks
// summed by many threads with vec4 loads, then the partial sums summed the same way: core/kernels/reduce.ts).
// One pass is enough when there are many outputs; with few outputs and a long axis (a bias gradient [1, 16384,
// 128] over its rows, a loss over everything) it runs one or a few workgroups, which a CPU adapter runs on one
// core (core/kernels/PERFORMANCE.md).
import { chunkedSumLaunches, sumAxisLaunch } from './reduce.ts';
import { type KernelFamily, type KernelVariant, sizeClass } from './variants.ts';

/** out[outer, inner] = scale * sum over the middle axis of x viewed as [outer, axis, inner]. */
export interface SumProblem {
  readonly x: GPUBuffer;
  readonly out: GPUBuffer;
  readonly outer: number;
  readonly axis: number;
  readonly inner: number;
  readonly scale: number;
}

const onePass: KernelVariant<SumProblem> = {
  name: 'one-pass',
  supports: () => true,
  launches: ({ x, out, outer, axis, inner, scale }) => [sumAxisLaunch(x, out, outer, axis, inner, scale)],
};

const chunked: KernelVariant<SumProblem> = {
  name: 'chunked',
  supports: () => true,
  launches: ({ x, out, outer, axis, inner, scale }, _device, scratch) => chunkedSumLaunches(x, out, outer, axis, inner, scale, scratch),
};

/**
 * Tuning problems stay under this many values (64 MiB; 10-100 ms a run on a CPU adapter). Cut to 4M values, a sum
 * over everything fitted the cache and one pass ran 10 ms against the chunks' 7 (measured), where at 16M values it
 * is 2-6x slower: the gap that decides only shows at the real size.
 */
const TUNING_VALUES = 1 << 24;

export const sumFamily: KernelFamily<SumProblem> = {
  name: 'reduce.sum',
  variants: [onePass, chunked],
  shapeClass: ({ outer, axis, inner }) =>
    `outputs~2^${sizeClass(outer * inner)} axis~2^${sizeClass(axis)} inner ${inner === 1 ? '1' : inner % 4 === 0 ? '4k' : 'other'}${axis % 4 === 0 ? '' : ' axis odd'}`,
  tuningProblem: (p, buffer) => {
    // Fewer outer rows first, then a shorter axis (its remainder by 4 kept: it decides the vec4 entries).
    const outer = Math.max(1, Math.min(p.outer, Math.floor(TUNING_VALUES / (p.axis * p.inner))));
    const fit = Math.max(1, Math.floor(TUNING_VALUES / (outer * p.inner)));
    const axis = p.axis <= fit ? p.axis : Math.max(4, fit - (fit % 4)) + (p.axis % 4);
    return { x: buffer(4 * outer * axis * p.inner), out: buffer(4 * outer * p.inner), outer, axis, inner: p.inner, scale: p.scale };
  },
  preference: () => ['chunked', 'one-pass'],
};
