// Declarations of the layout ops (core/ops/layout.ts). They move values without arithmetic, so the GPU must equal
// the reference exactly, forward and backward; shapes include 1s, 255/257, ranks up to 6, zero-size parts and
// boxes that simplify to contiguous runs (plain buffer copies) and to vec4 copies.
import { concat, pad, permute, slice, split, transpose } from '../layout.ts';
import type { OpBenchmark, OpCase, OpDeclaration, SizePicker } from '../declaration.ts';
import { concatReference, padReference, permuteReference, sliceReference, splitReference } from '../../reference/layout.ts';
import type { Shape } from '../../shape.ts';
import { EXACT, formatShape, input, output, sizeOf } from './common.ts';

const normalized = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const shapesText = (shapes: readonly Shape[]) => shapes.map(formatShape).join(' ');

// ------------------------------------------------------------------------------------------------ concat

function concatCases(): OpCase<{ axis: number }>[] {
  const exact = ([
    [[[2, 3, 7], [2, 5, 7]], 1],
    [[[1, 1, 1], [1, 2, 1], [1, 1, 1]], 1],
    [[[3, 16, 255], [3, 8, 255]], 1],
    [[[2, 4, 257], [2, 4, 3]], 2],
    [[[2, 4, 8], [3, 4, 8]], 0],
    [[[4, 8, 16], [4, 4, 16]], -2],
    [[[3, 3, 257], [3, 0, 257], [3, 7, 257]], 1],
  ] as const).map(([shapes, axis], n) => ({
    name: `${shapesText(shapes)} along axis ${axis}`, inputs: shapes.map((s, i) => input(`part${i}`, s)), args: { axis }, seed: 10 + n,
    forward: EXACT, backward: EXACT,
  }));
  return [...exact, { name: '[2,3,5] [2,4,5] along channels, small', inputs: [input('a', [2, 3, 5]), input('b', [2, 4, 5])], args: { axis: 1 }, seed: 21, finiteDifferences: {} }];
}

// The U-Net skip connection at the model's shape (benchmarks/kernels.ts): decoder and skip [64, 64, 256] along channels.
function concatBenchmarks(q: SizePicker): OpBenchmark<{ axis: number }>[] {
  const shape = [q(64, 2), q(64, 8), q(256, 16)];
  return [{
    name: 'concat.skip', bound: 'memory', inputs: [shape, shape], args: { axis: 1 },
    // Read and written once: where the copy is one plain buffer copy, no launch declares it.
    work: { flops: 0, bytes: 2 * 2 * 4 * sizeOf(shape) }, shapes: `concat(${formatShape(shape)}, ${formatShape(shape)}, axis 1)`,
  }];
}

export const concatDeclaration = {
  op: concat,
  run: (parts, { axis }) => concat(parts, axis),
  reference: (parts, { axis }, { shapes }) => {
    const r = concatReference(parts.map((data, i) => ({ data, shape: shapes[i]! })), normalized(axis, shapes[0]!.length));
    return output(r.data, r.shape);
  },
  backwardReference: (_, dy, { axis }, { shapes }) => {
    const a = normalized(axis, shapes[0]!.length);
    const outShape = shapes[0]!.map((d, k) => (k === a ? shapes.reduce((p, s) => p + s[a]!, 0) : d));
    let start = 0;
    return shapes.map((s) => {
      const starts = s.map((_, k) => (k === a ? start : 0));
      start += s[a]!;
      return sliceReference(dy, outShape, starts, s).data;
    });
  },
  cases: concatCases,
  benchmarks: concatBenchmarks,
} satisfies OpDeclaration<{ axis: number }>;

// ------------------------------------------------------------------------------------------------ split

interface SplitArgs {
  readonly sizes: readonly number[];
  readonly axis: number;
  /** The parts returned, in this order (default all): parts left unused get no gradient. */
  readonly use?: readonly number[];
}

const chosen = <T>(parts: readonly T[], use?: readonly number[]) => (use ? use.map((i) => parts[i]!) : parts);

export const splitDeclaration = {
  op: split,
  run: ([x], { sizes, axis, use }) => chosen(split(x!, sizes, axis), use),
  reference: ([x], { sizes, axis, use }, { shapes }) =>
    chosen(splitReference(x!, shapes[0]!, sizes, normalized(axis, shapes[0]!.length)), use).map((p) => output(p.data, p.shape)),
  cases: () => [
    ...([[0, [1, 2]], [1, [3, 0, 7]], [2, [1, 255, 1]]] as const).map(([axis, sizes]) => ({
      name: `[3,10,257] along axis ${axis} into [${sizes}]`, inputs: [input('x', [3, 10, 257])], args: { sizes, axis }, seed: 4, forward: EXACT,
    })),
    { name: '[2,3,5] along axis 2 into [2,1,2]', inputs: [input('x', [2, 3, 5])], args: { sizes: [2, 1, 2], axis: 2 }, seed: 21, finiteDifferences: {} },
    { name: '[2,3,5] along axis 2 into [2,1,2], parts 2 and 0 used in that order', inputs: [input('x', [2, 3, 5])], args: { sizes: [2, 1, 2], axis: 2, use: [2, 0] }, seed: 21, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<SplitArgs>;

// ------------------------------------------------------------------------------------------------ slice, pad

interface SliceArgs {
  readonly starts: readonly number[];
  readonly sizes: readonly number[];
}

export const sliceDeclaration = {
  op: slice,
  run: ([x], { starts, sizes }) => slice(x!, starts, sizes),
  reference: ([x], { starts, sizes }, { shapes }) => output(sliceReference(x!, shapes[0]!, starts, sizes).data, sizes),
  backwardReference: (_, dy, { starts, sizes }, { shapes }) => [padReference(dy, sizes, starts, shapes[0]!.map((d, k) => d - starts[k]! - sizes[k]!)).data],
  cases: () => [
    ...([
      [[1], [0], [1]], [[257], [1], [255]], [[4, 5, 255], [1, 2, 3], [2, 3, 250]], [[4, 5, 256], [0, 1, 4], [4, 4, 8]],
      [[2, 3, 4, 5, 6, 7], [1, 0, 1, 2, 0, 3], [1, 3, 2, 3, 6, 4]],
    ] as const).map(([shape, starts, sizes]) => ({
      name: `${formatShape(shape)} at [${starts}] of size [${sizes}]`, inputs: [input('x', shape)], args: { starts, sizes }, seed: shape.length,
      forward: EXACT, backward: EXACT,
    })),
    { name: '[2,3,5] at [1,0,1] of size [1,2,3]', inputs: [input('x', [2, 3, 5])], args: { starts: [1, 0, 1], sizes: [1, 2, 3] }, seed: 21, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<SliceArgs>;

interface PadArgs {
  readonly before: readonly number[];
  readonly after: readonly number[];
  readonly value: number;
}

export const padDeclaration = {
  op: pad,
  run: ([x], { before, after, value }) => pad(x!, before, after, value),
  reference: ([x], { before, after, value }, { shapes }) => {
    const r = padReference(x!, shapes[0]!, before, after, value);
    return output(r.data, r.shape);
  },
  backwardReference: (_, dy, { before, after }, { shapes }) => {
    const shape = shapes[0]!;
    return [sliceReference(dy, shape.map((d, k) => d + before[k]! + after[k]!), before, shape).data];
  },
  cases: () => [
    ...([
      [[1], [2], [0], 0], [[2, 3, 7], [0, 0, 2], [0, 0, 3], 0], [[2, 3, 255], [0, 1, 1], [1, 0, 1], -1.5], [[3, 257], [1, 0], [0, 0], 7],
      [[2, 1, 3, 1, 2, 2], [0, 1, 0, 2, 0, 1], [1, 0, 0, 0, 1, 0], 0.25],
      // only the innermost axis padded to whole vec4s (the pad_rows_vec4 entry): a matmul's K padded, a vector
      [[5, 134], [0, 0], [0, 2], 0], [[6], [1], [1], -2], [[3, 2, 9], [0, 0, 3], [0, 0, 0], 1],
    ] as const).map(([shape, before, after, value]) => ({
      name: `${formatShape(shape)} by [${before}] before and [${after}] after with ${value}`, inputs: [input('x', shape)], args: { before, after, value },
      seed: 3, forward: EXACT, backward: EXACT,
    })),
    { name: '[2,3,5] by [0,1,2] and [1,0,3] with 0.5', inputs: [input('x', [2, 3, 5])], args: { before: [0, 1, 2], after: [1, 0, 3], value: 0.5 }, seed: 21, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<PadArgs>;

// ------------------------------------------------------------------------------------------------ permute, transpose

const inverseOf = (order: readonly number[]) => {
  const inverse = new Array<number>(order.length);
  order.forEach((k, i) => (inverse[k] = i));
  return inverse;
};

export const permuteDeclaration = {
  op: permute,
  run: ([x], { order }) => permute(x!, order),
  reference: ([x], { order }, { shapes }) => {
    const r = permuteReference(x!, shapes[0]!, order);
    return output(r.data, r.shape);
  },
  backwardReference: (_, dy, { order }, { shapes }) => [permuteReference(dy, order.map((k) => shapes[0]![k]!), inverseOf(order)).data],
  cases: () => [
    ...([
      [[1, 7], [1, 0]], [[255, 257], [1, 0]], [[2, 3, 257], [0, 2, 1]], [[4, 8, 16], [2, 0, 1]], [[2, 3, 4, 5], [3, 1, 0, 2]],
      [[2, 3, 1, 4, 5, 3], [5, 4, 3, 2, 1, 0]], [[2, 3, 4], [0, 1, 2]],
    ] as const).map(([shape, order]) => ({
      name: `${formatShape(shape)} by [${order}]`, inputs: [input('x', shape)], args: { order }, seed: 5, forward: EXACT, backward: EXACT,
    })),
    { name: '[2,3,5] by [2,0,1]', inputs: [input('x', [2, 3, 5])], args: { order: [2, 0, 1] }, seed: 21, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<{ order: readonly number[] }>;

const swapped = (rank: number, a: number, b: number) => {
  const order = Array.from({ length: rank }, (_, k) => k);
  const [i, j] = [normalized(a, rank), normalized(b, rank)];
  [order[i], order[j]] = [order[j]!, order[i]!];
  return order;
};

export const transposeDeclaration = {
  op: transpose,
  run: ([x], { a, b }) => transpose(x!, a, b),
  reference: ([x], { a, b }, { shapes }) => {
    const r = permuteReference(x!, shapes[0]!, swapped(shapes[0]!.length, a, b));
    return output(r.data, r.shape);
  },
  backwardReference: (_, dy, { a, b }, { shapes }) => {
    const order = swapped(shapes[0]!.length, a, b);
    return [permuteReference(dy, order.map((k) => shapes[0]![k]!), order).data];
  },
  cases: () => [
    { name: '[2,3,5] axes 1 and -1', inputs: [input('x', [2, 3, 5])], args: { a: 1, b: -1 }, seed: 6, forward: EXACT, backward: EXACT },
    // More than 65535 workgroups of 256 threads.
    { name: '[4097,4097] (more than 65535 workgroups)', inputs: [input('x', [4097, 4097])], args: { a: 0, b: 1 }, seed: 8, forward: EXACT, largeGrid: true },
    { name: '[2,3,5] axes 0 and 2', inputs: [input('x', [2, 3, 5])], args: { a: 0, b: 2 }, seed: 21, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<{ a: number; b: number }>;
