// Declarations of the elementwise ops (core/ops/elementwise.ts): unary functions, scalar arithmetic, broadcasting
// binary ops and expand. Unary inputs stay inside each function's domain and away from its kinks, so finite
// differences are meaningful; binary inputs lie in [0.5, 2) so that division is well conditioned.
import {
  abs, add, addScalar, affine, div, divScalar, exp, expand, leakyRelu, log, mul, mulScalar, neg, relu, scalarDiv, sigmoid,
  sqrt, square, sub, subScalar, tanh,
} from '../elementwise.ts';
import type { CaseInput, OpCase, OpDeclaration, Tolerance } from '../declaration.ts';
import {
  binaryBackwardReference, binaryReference, expandBackwardReference, expandReference, unaryDerivativeReference, unaryReference,
} from '../../reference/elementwise.ts';
import type { Shape } from '../../shape.ts';
import { F32, formatShape, input, output } from './common.ts';

type NoArgs = Record<string, never>;
const NONE: NoArgs = {};

const map = (x: Float64Array, f: (v: number) => number) => output(Float64Array.from(x, f), [x.length]);
/** dx = dy f'(x). */
const chain = (x: Float64Array, dy: Float64Array, derivative: (v: number) => number) => [Float64Array.from(x, (v, i) => dy[i]! * derivative(v))];

// ------------------------------------------------------------------------------------------------ unary

const UNARY_LENGTHS = [1, 7, 255, 257, 4099];
/** Forward: a few ulps of the f32 function; backward: dy f'(x) in f32 (tanh's 1 - y^2 cancels near saturation). */
const UNARY_FORWARD: Tolerance = { atol: 2e-6, rtol: 2e-6 };
const UNARY_BACKWARD: Tolerance = { atol: 1e-6, rtol: 1e-5 };

/** Lengths 1 to 4099 forward and backward, and finite differences on [3, 11], with x in [low, high) away from `kinks`. */
function unaryCases<A>(args: A, low: number, high: number, kinks: readonly number[] = []): OpCase<A>[] {
  const x = (shape: Shape, gap: number): CaseInput[] => [input('x', shape, low, high, { avoid: kinks, gap })];
  const range = `x in [${low}, ${high})${kinks.length ? ` away from ${kinks.join(', ')}` : ''}`;
  return [
    ...UNARY_LENGTHS.map((n) => ({ name: `length ${n}, ${range}`, inputs: x([n], 1e-2), args, seed: n + 11, forward: UNARY_FORWARD, backward: UNARY_BACKWARD })),
    { name: `[3,11], ${range}`, inputs: x([3, 11], 5e-2), args, seed: 5, finiteDifferences: {} },
  ];
}

/** |x| = 100: stable forms stay finite and saturate, and their derivatives vanish. */
const saturating = (): OpCase<NoArgs> => ({
  name: 'saturating inputs -100 and 100', inputs: [{ name: 'x', shape: [2], values: [-100, 100] }], args: NONE, forward: F32, backward: UNARY_BACKWARD,
});

export const negDeclaration = {
  op: neg, run: ([x]) => neg(x!), reference: ([x]) => map(x!, unaryReference.neg),
  backwardReference: ([x], dy) => chain(x!, dy, unaryDerivativeReference.neg), cases: () => unaryCases(NONE, -3, 3),
} satisfies OpDeclaration<NoArgs>;

export const expDeclaration = {
  op: exp, run: ([x]) => exp(x!), reference: ([x]) => map(x!, unaryReference.exp),
  backwardReference: ([x], dy) => chain(x!, dy, unaryDerivativeReference.exp), cases: () => unaryCases(NONE, -3, 3),
} satisfies OpDeclaration<NoArgs>;

export const logDeclaration = {
  op: log, run: ([x]) => log(x!), reference: ([x]) => map(x!, unaryReference.log),
  backwardReference: ([x], dy) => chain(x!, dy, unaryDerivativeReference.log), cases: () => unaryCases(NONE, 0.1, 5),
} satisfies OpDeclaration<NoArgs>;

export const sqrtDeclaration = {
  op: sqrt, run: ([x]) => sqrt(x!), reference: ([x]) => map(x!, unaryReference.sqrt),
  backwardReference: ([x], dy) => chain(x!, dy, unaryDerivativeReference.sqrt), cases: () => unaryCases(NONE, 0.1, 5),
} satisfies OpDeclaration<NoArgs>;

export const squareDeclaration = {
  op: square, run: ([x]) => square(x!), reference: ([x]) => map(x!, unaryReference.square),
  backwardReference: ([x], dy) => chain(x!, dy, unaryDerivativeReference.square), cases: () => unaryCases(NONE, -3, 3),
} satisfies OpDeclaration<NoArgs>;

export const absDeclaration = {
  op: abs, run: ([x]) => abs(x!), reference: ([x]) => map(x!, unaryReference.abs),
  backwardReference: ([x], dy) => chain(x!, dy, unaryDerivativeReference.abs), cases: () => unaryCases(NONE, -3, 3, [0]),
} satisfies OpDeclaration<NoArgs>;

export const reluDeclaration = {
  op: relu, run: ([x]) => relu(x!), reference: ([x]) => map(x!, unaryReference.relu),
  backwardReference: ([x], dy) => chain(x!, dy, unaryDerivativeReference.relu), cases: () => unaryCases(NONE, -3, 3, [0]),
} satisfies OpDeclaration<NoArgs>;

export const leakyReluDeclaration = {
  op: leakyRelu,
  run: ([x], { negativeSlope }) => leakyRelu(x!, negativeSlope),
  reference: ([x], { negativeSlope }) => map(x!, (v) => unaryReference.leakyRelu(v, negativeSlope)),
  backwardReference: ([x], dy, { negativeSlope }) => chain(x!, dy, (v) => unaryDerivativeReference.leakyRelu(v, negativeSlope)),
  cases: () => unaryCases({ negativeSlope: 0.2 }, -3, 3, [0]),
} satisfies OpDeclaration<{ negativeSlope: number }>;

export const tanhDeclaration = {
  op: tanh, run: ([x]) => tanh(x!), reference: ([x]) => map(x!, unaryReference.tanh),
  backwardReference: ([x], dy) => chain(x!, dy, unaryDerivativeReference.tanh), cases: () => [...unaryCases(NONE, -4, 4), saturating()],
} satisfies OpDeclaration<NoArgs>;

export const sigmoidDeclaration = {
  op: sigmoid, run: ([x]) => sigmoid(x!), reference: ([x]) => map(x!, unaryReference.sigmoid),
  backwardReference: ([x], dy) => chain(x!, dy, unaryDerivativeReference.sigmoid), cases: () => [...unaryCases(NONE, -6, 6), saturating()],
} satisfies OpDeclaration<NoArgs>;

// ------------------------------------------------------------------------------------------------ scalar arithmetic

/** x in [0.5, 2): [257] forward and backward, finite differences on [9]. */
function scalarCases<A>(args: A, what: string): OpCase<A>[] {
  return [
    { name: `${what}, length 257`, inputs: [input('x', [257], 0.5, 2)], args, seed: 3, forward: F32, backward: F32 },
    { name: `${what}, length 9`, inputs: [input('x', [9], 0.5, 2)], args, seed: 4, finiteDifferences: {} },
  ];
}

const constantSlope = (dy: Float64Array, slope: number) => [Float64Array.from(dy, (g) => g * slope)];

export const affineDeclaration = {
  op: affine,
  run: ([x], { alpha, beta }) => affine(x!, alpha, beta),
  reference: ([x], { alpha, beta }) => map(x!, (v) => alpha * v + beta),
  backwardReference: (_, dy, { alpha }) => constantSlope(dy, alpha),
  cases: () => [
    ...scalarCases({ alpha: 0.5, beta: -1 }, '0.5 x - 1'),
    // More elements than one dispatch of 65535 workgroups of 256 threads covers.
    { name: '2 x + 1 over 65535 * 256 + 1001 elements', inputs: [input('x', [65535 * 256 + 1001])], args: { alpha: 2, beta: 1 }, forward: F32, backward: F32, largeGrid: true },
  ],
} satisfies OpDeclaration<{ alpha: number; beta: number }>;

export const addScalarDeclaration = {
  op: addScalar, run: ([x], { s }) => addScalar(x!, s), reference: ([x], { s }) => map(x!, (v) => v + s),
  backwardReference: (_, dy) => constantSlope(dy, 1), cases: () => scalarCases({ s: 2.5 }, 'x + 2.5'),
} satisfies OpDeclaration<{ s: number }>;

export const subScalarDeclaration = {
  op: subScalar, run: ([x], { s }) => subScalar(x!, s), reference: ([x], { s }) => map(x!, (v) => v - s),
  backwardReference: (_, dy) => constantSlope(dy, 1), cases: () => scalarCases({ s: 1.5 }, 'x - 1.5'),
} satisfies OpDeclaration<{ s: number }>;

export const mulScalarDeclaration = {
  op: mulScalar, run: ([x], { s }) => mulScalar(x!, s), reference: ([x], { s }) => map(x!, (v) => v * s),
  backwardReference: (_, dy, { s }) => constantSlope(dy, s), cases: () => scalarCases({ s: -3 }, 'x * -3'),
} satisfies OpDeclaration<{ s: number }>;

export const divScalarDeclaration = {
  op: divScalar, run: ([x], { s }) => divScalar(x!, s), reference: ([x], { s }) => map(x!, (v) => v / s),
  backwardReference: (_, dy, { s }) => constantSlope(dy, 1 / s), cases: () => scalarCases({ s: 4 }, 'x / 4'),
} satisfies OpDeclaration<{ s: number }>;

export const scalarDivDeclaration = {
  op: scalarDiv, run: ([x], { s }) => scalarDiv(s, x!), reference: ([x], { s }) => map(x!, (v) => s / v),
  backwardReference: ([x], dy, { s }) => chain(x!, dy, (v) => -s / (v * v)), cases: () => scalarCases({ s: 2 }, '2 / x'),
} satisfies OpDeclaration<{ s: number }>;

// ------------------------------------------------------------------------------------------------ binary

const BROADCAST_PAIRS: readonly (readonly [Shape, Shape])[] = [
  [[1], [1]], [[257], [257]], [[3, 5], [5]], [[3, 1], [1, 4]], [[2, 3, 7], [3, 1]], [[4, 1, 6], [1, 5, 1]], [[2, 1, 3, 1, 2], [5, 1, 4, 1]],
  // Innermost extent a multiple of 4 (the vec4 kernel), with axes the launcher merges ([3, 4, 8] + [8] is [12, 8] +
  // [8]) or cannot ([2, 3, 8] + [3, 1]), and extent-1 axes it drops.
  [[3, 4, 8], [8]], [[2, 3, 8], [3, 1]], [[1, 6, 4], [1, 6, 1]],
];
const GRADIENT_PAIRS: readonly (readonly [Shape, Shape])[] = [[[3, 1], [1, 4]], [[2, 3, 7], [3, 1]], [[5], [5]]];

/** NumPy broadcasting over 10 shape pairs forward and backward, finite differences on 3; values in [0.5, 2). */
function binaryCases(): OpCase<NoArgs>[] {
  const operands = (a: Shape, b: Shape) => [input('a', a, 0.5, 2), input('b', b, 0.5, 2)];
  return [
    ...BROADCAST_PAIRS.map(([a, b]) => ({ name: `${formatShape(a)} with ${formatShape(b)}`, inputs: operands(a, b), args: NONE, forward: F32, backward: F32 })),
    ...GRADIENT_PAIRS.map(([a, b]) => ({ name: `${formatShape(a)} with ${formatShape(b)}, summed over broadcast axes`, inputs: operands(a, b), args: NONE, finiteDifferences: {} })),
  ];
}

type Partials = (a: number, b: number) => readonly [number, number];

const broadcast = (f: (a: number, b: number) => number, [a, b]: readonly Float64Array[], [sa, sb]: readonly Shape[]) => {
  const r = binaryReference(a!, sa!, b!, sb!, f);
  return output(r.data, r.shape);
};
const broadcastBackward = (partials: Partials, [a, b]: readonly Float64Array[], dy: Float64Array, [sa, sb]: readonly Shape[]) =>
  binaryBackwardReference(a!, sa!, b!, sb!, dy, partials);

export const addDeclaration = {
  op: add, run: ([a, b]) => add(a!, b!), cases: binaryCases,
  reference: (v, _, { shapes }) => broadcast((a, b) => a + b, v, shapes),
  backwardReference: (v, dy, _, { shapes }) => broadcastBackward(() => [1, 1], v, dy, shapes),
  // Memory bandwidth of the plainest kernel (benchmarks/kernels.ts): two 16M-element tensors of one shape.
  benchmarks: (q) => [{ name: 'elementwise.add', bound: 'memory', inputs: [[q(1 << 24, 4096)], [q(1 << 24, 4096)]], args: NONE }],
} satisfies OpDeclaration<NoArgs>;

export const subDeclaration = {
  op: sub, run: ([a, b]) => sub(a!, b!), cases: binaryCases,
  reference: (v, _, { shapes }) => broadcast((a, b) => a - b, v, shapes),
  backwardReference: (v, dy, _, { shapes }) => broadcastBackward(() => [1, -1], v, dy, shapes),
} satisfies OpDeclaration<NoArgs>;

export const mulDeclaration = {
  op: mul, run: ([a, b]) => mul(a!, b!), cases: binaryCases,
  reference: (v, _, { shapes }) => broadcast((a, b) => a * b, v, shapes),
  backwardReference: (v, dy, _, { shapes }) => broadcastBackward((a, b) => [b, a], v, dy, shapes),
} satisfies OpDeclaration<NoArgs>;

export const divDeclaration = {
  op: div, run: ([a, b]) => div(a!, b!), cases: binaryCases,
  reference: (v, _, { shapes }) => broadcast((a, b) => a / b, v, shapes),
  backwardReference: (v, dy, _, { shapes }) => broadcastBackward((a, b) => [1 / b, -a / (b * b)], v, dy, shapes),
} satisfies OpDeclaration<NoArgs>;

// ------------------------------------------------------------------------------------------------ expand

export const expandDeclaration = {
  op: expand,
  run: ([x], { shape }) => expand(x!, shape),
  reference: ([x], { shape }, { shapes }) => output(expandReference(x!, shapes[0]!, shape), shape),
  backwardReference: (_, dy, { shape }, { shapes }) => [expandBackwardReference(dy, shapes[0]!, shape)],
  cases: () => ([
    [[3, 1], [2, 3, 4]], [[1], [7]], [[2, 1, 3], [2, 4, 3]],
  ] as const).flatMap(([from, to]) => [
    { name: `${formatShape(from)} to ${formatShape(to)}`, inputs: [input('x', from)], args: { shape: to }, forward: F32, backward: F32 },
    { name: `${formatShape(from)} to ${formatShape(to)}, summed back`, inputs: [input('x', from)], args: { shape: to }, finiteDifferences: {} },
  ]),
} satisfies OpDeclaration<{ shape: Shape }>;
