// Declarations of matmul and linear (core/ops/matmul.ts). Shapes are M x K x N: degenerate, ragged (not
// multiples of 4: the scalar kernel), aligned (the vec4 kernel, with a ragged M when A is not transposed), a
// ragged K that only transposeA without transposeB runs as vec4, and K = 0 (an empty sum: zeros).
import { linear, matmul } from '../matmul.ts';
import type { OpBenchmark, OpCase, OpDeclaration, SizePicker, Tolerance } from '../declaration.ts';
import { linearReference, matmulBackwardReference, matmulReference } from '../../reference/matmul.ts';
import type { Shape } from '../../shape.ts';
import { formatShape, input, output, sizeOf } from './common.ts';

interface MatmulArgs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/**
 * Float32 sums of `terms` products of values in [-1, 1] against float64: relative 1e-4, and an absolute 1e-6 per
 * accumulated term for outputs near zero (cancellation).
 */
const toleranceFor = (terms: number): Tolerance => ({ atol: 1e-6 * (terms + 1), rtol: 1e-4 });

const COMBOS: readonly (MatmulArgs & { readonly label: string })[] = [
  { transposeA: false, transposeB: false, label: 'without transposes' },
  { transposeA: false, transposeB: true, label: 'with transposeB' },
  { transposeA: true, transposeB: false, label: 'with transposeA' },
  { transposeA: true, transposeB: true, label: 'with transposeA and transposeB' },
];

const SHAPES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1], [1, 17, 1], [3, 5, 7], [257, 3, 255], [5, 1, 6], [4, 4, 4], [8, 16, 12], [34, 64, 20], [16, 7, 8], [64, 33, 4], [3, 0, 5],
];
const BATCHED: readonly (readonly [number, number, number])[] = [[3, 5, 7], [8, 12, 16], [5, 8, 4]];
const SHARED: readonly (readonly [number, number, number])[] = [[3, 5, 7], [8, 12, 16], [9, 4, 8]];

/** Stored shape of an operand: [..., rows, cols], swapped when transposed. */
const stored = (batch: Shape, rows: number, cols: number, transposed: boolean): Shape => [...batch, ...(transposed ? [cols, rows] : [rows, cols])];

function product([m, k, n]: readonly [number, number, number], aBatch: Shape, bBatch: Shape, combo: MatmulArgs & { label: string }, checks: Partial<OpCase<MatmulArgs>>): OpCase<MatmulArgs> {
  const a = stored(aBatch, m, k, combo.transposeA);
  const b = stored(bBatch, k, n, combo.transposeB);
  const batch = sizeOf(aBatch.length > 0 ? aBatch : bBatch);
  const shared = aBatch.length === 0 || bBatch.length === 0 ? batch : 1;
  return {
    name: `${m}x${k}x${n}, a ${formatShape(a)} b ${formatShape(b)} ${combo.label}`,
    inputs: [input('a', a), input('b', b)], args: { transposeA: combo.transposeA, transposeB: combo.transposeB },
    seed: m * 131 + k + n * 17, ...checks,
    // The gradients sum over N (for a) or M (for b), and over the batch for a shared operand.
    ...(checks.forward ? { backward: toleranceFor(Math.max(m, n) * shared) } : {}),
  };
}

function matmulCases(): OpCase<MatmulArgs>[] {
  return COMBOS.flatMap((combo) => [
    ...SHAPES.map((s) => product(s, [], [], combo, { forward: toleranceFor(s[1]) })),
    ...BATCHED.map((s) => product(s, [2, 3], [2, 3], combo, { forward: toleranceFor(s[1]) })),
    ...SHARED.flatMap((s) => [product(s, [5], [], combo, { forward: toleranceFor(s[1]) }), product(s, [], [5], combo, { forward: toleranceFor(s[1]) })]),
    ...([[[], []], [[2], [2]], [[], [3]], [[3], []]] as const).map(([ab, bb]) => product([3, 5, 4], ab, bb, combo, { finiteDifferences: {} })),
    // Aligned to 4 everywhere: the vec4 kernel's gradients, single, batched and each side shared.
    ...([[[2], [2]], [[], [2]], [[2], []]] as const).map(([ab, bb]) => product([8, 12, 16], ab, bb, combo, { finiteDifferences: {} })),
  ]).concat([
    // More than 65535 workgroups: a batch of 4194307 1x1 products.
    { ...product([1, 1, 1], [65536 * 64 + 3], [65536 * 64 + 3], { ...COMBOS[0]!, label: '(a batch of 4194307)' }, { forward: toleranceFor(1) }), largeGrid: true },
  ]);
}

function matmulBenchmarks(q: SizePicker): OpBenchmark<MatmulArgs>[] {
  const square = q(1024, 32);
  const plain = { transposeA: false, transposeB: false };
  return [
    { name: 'matmul.square', bound: 'compute', inputs: [[square, square], [square, square]], args: plain },
    // Face decoding: 144 coefficients a frame times the [144, 1404] basis (468 vertices x 3).
    { name: 'matmul.face-decode', bound: 'compute', inputs: [[q(256, 8), 144], [144, q(1404, 36)]], args: plain },
  ];
}

export const matmulDeclaration = {
  op: matmul,
  run: ([a, b], args) => matmul(a!, b!, args),
  reference: ([a, b], { transposeA, transposeB }, { shapes: [sa, sb] }) => {
    const r = matmulReference(a!, sa!, b!, sb!, transposeA, transposeB);
    return output(r.data, r.shape);
  },
  backwardReference: ([a, b], dy, { transposeA, transposeB }, { shapes: [sa, sb] }) => matmulBackwardReference(a!, sa!, b!, sb!, dy, transposeA, transposeB),
  cases: matmulCases,
  benchmarks: matmulBenchmarks,
} satisfies OpDeclaration<MatmulArgs>;

interface LinearArgs {
  /** Whether the third input, bias [out], is given. */
  readonly bias: boolean;
}

function linearCases(): OpCase<LinearArgs>[] {
  const layer = (x: Shape, out: number, bias: boolean) => [
    input('x', x), input('weight', [out, x.at(-1)!]), ...(bias ? [input('bias', [out])] : []),
  ];
  const name = (x: Shape, out: number, bias: boolean) => `x ${formatShape(x)} weight [${out},${x.at(-1)}] ${bias ? 'with' : 'without'} bias`;
  const rows = (x: Shape) => sizeOf(x.slice(0, -1));
  return [
    ...([[[7], 3], [[5, 7], 3], [[2, 5, 7], 3], [[10, 16], 8]] as const).flatMap(([x, out]) => [true, false].map((bias) => ({
      name: name(x, out, bias), inputs: layer(x, out, bias), args: { bias }, seed: 41,
      forward: toleranceFor(x.at(-1)!), backward: toleranceFor(Math.max(out, rows(x))),
    }))),
    ...([[[2, 5, 7], 3], [[6, 8], 4]] as const).flatMap(([x, out]) => [true, false].map((bias) => ({
      name: `${name(x, out, bias)}, small`, inputs: layer(x, out, bias), args: { bias }, seed: 51, finiteDifferences: {},
    }))),
  ];
}

export const linearDeclaration = {
  op: linear,
  run: ([x, weight, bias], { bias: hasBias }) => linear(x!, weight!, hasBias ? bias! : null),
  reference: ([x, w, b], { bias }, { shapes: [xs, ws] }) => {
    const r = linearReference(x!, xs!, w!, ws!, bias ? b : undefined);
    return output(r.data, r.shape);
  },
  backwardReference: ([x, w], dy, { bias }, { shapes: [xs, ws] }) => {
    const [outFeatures, inFeatures] = ws as [number, number];
    const rows = sizeOf(xs!.slice(0, -1));
    const [dx, dw] = matmulBackwardReference(x!, [rows, inFeatures], w!, ws!, dy, false, true);
    const db = new Float64Array(outFeatures);
    for (let i = 0; i < dy.length; i++) db[i % outFeatures]! += dy[i]!;
    return bias ? [dx, dw, db] : [dx, dw];
  },
  cases: linearCases,
  // A linear layer on every frame of a batch: x [64*256, 128] times W [128, 128]ᵀ + bias.
  benchmarks: (q) => [{
    name: 'matmul.linear', bound: 'compute', inputs: [[q(64, 2) * q(256, 16), q(128, 16)], [q(128, 16), q(128, 16)], [q(128, 16)]], args: { bias: true },
  }],
} satisfies OpDeclaration<LinearArgs>;
