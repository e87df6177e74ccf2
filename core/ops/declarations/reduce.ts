// Declarations of sum and mean (core/ops/reduce.ts), and of reshape and detach (core/ops/reshape.ts).
import { mean, sum } from '../reduce.ts';
import { detach, reshape } from '../reshape.ts';
import type { OpBenchmark, OpCase, OpDeclaration, SizePicker, Tolerance } from '../declaration.ts';
import { sumAxisBackwardReference, sumAxisReference } from '../../reference/elementwise.ts';
import type { Shape } from '../../shape.ts';
import { EXACT, formatShape, input, output, sizeOf } from './common.ts';

/** Over one axis, or everything when `axis` is undefined. */
interface ReduceArgs {
  readonly axis?: number;
  readonly keepDims?: boolean;
}

/** Sums of n float32 terms: the rounding error grows with n. */
const sumTolerance = (n: number): Tolerance => ({ atol: 1e-6 * n, rtol: 1e-5 });

const SHAPES: readonly Shape[] = [[1], [7], [257], [3, 255], [2, 1, 5], [4, 257, 3], [1, 300, 1], [2, 3, 4, 5]];
/** Sums over everything, 1e6 values included: a workgroup a row, then a tree; or chunk passes (262148: vec4 row chunks). */
const TOTALS = [1, 255, 257, 262_148, 1_000_003];
/**
 * Long axes with few outputs, where the chunked variant cuts the axis (core/kernels/reduce.ts): vec4 columns
 * (inner 12), vec4 row chunks of several rows (inner 1, axis a multiple of 4), one float a load (inner 3); every
 * axis ends in a short chunk.
 */
const LONG_AXES: readonly [Shape, number][] = [[[2, 5000, 12], 1], [[3, 40_004, 1], 1], [[5, 30_001, 3], 1]];

function reduced(x: Float64Array, { axis, keepDims = false }: ReduceArgs, shape: Shape, isMean: boolean) {
  const a = axis === undefined ? undefined : axis < 0 ? axis + shape.length : axis;
  const data = a === undefined ? sumAxisReference(x, [x.length], 0, isMean) : sumAxisReference(x, shape, a, isMean);
  const kept = shape.map((d, k) => (a === undefined || k === a ? 1 : d));
  const outShape = keepDims ? kept : a === undefined ? [] : shape.filter((_, k) => k !== a);
  return output(data, outShape);
}

function reducedBackward(dy: Float64Array, { axis }: ReduceArgs, shape: Shape, isMean: boolean) {
  const a = axis === undefined ? undefined : axis < 0 ? axis + shape.length : axis;
  return [a === undefined ? sumAxisBackwardReference(dy, [sizeOf(shape)], 0, isMean) : sumAxisBackwardReference(dy, shape, a, isMean)];
}

function reduceCases(isMean: boolean): OpCase<ReduceArgs>[] {
  const everyAxis = SHAPES.flatMap((shape, s) =>
    shape.map((length, axis) => ({
      name: `${formatShape(shape)} over axis ${axis}`, inputs: [input('x', shape)], args: { axis }, seed: shape.length + s,
      forward: sumTolerance(length), backward: sumTolerance(1),
    })));
  const longAxes = LONG_AXES.map(([shape, axis]) => ({
    name: `${formatShape(shape)} over axis ${axis} (a long axis, few outputs)`, inputs: [input('x', shape)], args: { axis }, seed: 7,
    forward: sumTolerance(shape[axis]!), backward: sumTolerance(1),
  }));
  const everything = TOTALS.map((n) => ({
    name: `all ${n} values`, inputs: [input('x', [n])], args: {}, seed: n,
    forward: sumTolerance(isMean ? 1 : Math.sqrt(n)), backward: sumTolerance(1),
  }));
  const keepDims = [
    { name: '[2,3,4] over axis 1 keeping it', inputs: [input('x', [2, 3, 4])], args: { axis: 1, keepDims: true }, forward: sumTolerance(3) },
    { name: '[2,3,4] over everything keeping every axis', inputs: [input('x', [2, 3, 4])], args: { keepDims: true }, forward: sumTolerance(24) },
    { name: '[2,3,4] over axis -1', inputs: [input('x', [2, 3, 4])], args: { axis: -1 }, forward: sumTolerance(4) },
  ];
  const gradients = [0, 1, 2, undefined].map((axis) => ({
    name: `[3,5,2] ${axis === undefined ? 'over everything' : `over axis ${axis}`}, broadcast back`,
    inputs: [input('x', [3, 5, 2])], args: { axis }, seed: 3, finiteDifferences: {},
  }));
  return [...everyAxis, ...longAxes, ...everything, ...keepDims, ...gradients];
}

// The model's reductions (benchmarks/kernels.ts): the bias gradient of matmul.linear, dy [64*256, 128] summed over
// its rows (few outputs, a long axis), and everything to one value (a loss).
function sumBenchmarks(q: SizePicker): OpBenchmark<ReduceArgs>[] {
  const rows = [1, q(64, 2) * q(256, 16), q(128, 16)];
  const all = [q(1 << 24, 4096)];
  return [
    { name: 'reduce.rows', bound: 'memory', inputs: [rows], args: { axis: 1 }, shapes: `sum ${formatShape(rows)} over axis 1` },
    { name: 'reduce.all', bound: 'memory', inputs: [all], args: {}, shapes: `sum ${formatShape(all)} over everything` },
  ];
}

export const sumDeclaration = {
  op: sum,
  run: ([x], { axis, keepDims }) => sum(x!, axis, keepDims),
  reference: ([x], args, { shapes }) => reduced(x!, args, shapes[0]!, false),
  backwardReference: (_, dy, args, { shapes }) => reducedBackward(dy, args, shapes[0]!, false),
  cases: () => reduceCases(false),
  benchmarks: sumBenchmarks,
} satisfies OpDeclaration<ReduceArgs>;

export const meanDeclaration = {
  op: mean,
  run: ([x], { axis, keepDims }) => mean(x!, axis, keepDims),
  reference: ([x], args, { shapes }) => reduced(x!, args, shapes[0]!, true),
  backwardReference: (_, dy, args, { shapes }) => reducedBackward(dy, args, shapes[0]!, true),
  cases: () => reduceCases(true),
} satisfies OpDeclaration<ReduceArgs>;

/** A view: values move nowhere, so forward and backward are exact. */
export const reshapeDeclaration = {
  op: reshape,
  run: ([x], { shape }) => reshape(x!, shape),
  reference: ([x], { shape }, { shapes }) => {
    const known = sizeOf(shape.filter((d) => d !== -1));
    return output(x!, shape.map((d) => (d === -1 ? sizeOf(shapes[0]!) / known : d)));
  },
  backwardReference: (_, dy) => [dy],
  cases: () => [
    { name: '[3,5,2] to [6,5]', inputs: [input('x', [3, 5, 2])], args: { shape: [6, 5] }, forward: EXACT, backward: EXACT, finiteDifferences: {} },
    { name: '[3,4] to [2,-1] (inferred 6)', inputs: [input('x', [3, 4])], args: { shape: [2, -1] }, forward: EXACT, backward: EXACT },
    { name: '[257] to [1,257,1]', inputs: [input('x', [257])], args: { shape: [1, 257, 1] }, forward: EXACT, backward: EXACT },
  ],
} satisfies OpDeclaration<{ shape: Shape }>;

/** The same values with no gradient link. */
export const detachDeclaration = {
  op: detach,
  run: ([x]) => detach(x!),
  reference: ([x], _, { shapes }) => output(x!, shapes[0]!),
  cases: () => [{ name: '[2,3,5]', inputs: [input('x', [2, 3, 5])], args: {}, forward: EXACT }],
  differentiable: false,
} satisfies OpDeclaration<Record<string, never>>;
