import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { linear, matmul, matmulPlan } from '../../core/ops/matmul.ts';
import { linearReference, matmulReference } from '../../core/reference/matmul.ts';
import { type Shape, sizeOf } from '../../core/shape.ts';
import { matmulUsesVec4 } from '../../core/kernels/matmul.ts';
import { type Tolerance, assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

/**
 * Float32 sums of K products of values in [-1, 1] against float64: relative 1e-4, and an absolute 1e-6 per
 * accumulated term for outputs near zero (cancellation).
 */
const toleranceFor = (k: number): Tolerance => ({ atol: 1e-6 * (k + 1), rtol: 1e-4 });

const COMBOS = [
  { transposeA: false, transposeB: false, label: 'without transposes' },
  { transposeA: false, transposeB: true, label: 'with transposeB' },
  { transposeA: true, transposeB: false, label: 'with transposeA' },
  { transposeA: true, transposeB: true, label: 'with transposeA and transposeB' },
] as const;

/** Stored shape of an operand: [..., rows, cols], swapped when transposed. */
const stored = (batch: Shape, rows: number, cols: number, transposed: boolean): Shape => [...batch, ...(transposed ? [cols, rows] : [rows, cols])];

async function checkAgainstReference(
  [m, k, n]: readonly [number, number, number], aBatch: Shape, bBatch: Shape,
  combo: { transposeA: boolean; transposeB: boolean },
): Promise<void> {
  const aShape = stored(aBatch, m, k, combo.transposeA);
  const bShape = stored(bBatch, k, n, combo.transposeB);
  const aData = uniform(sizeOf(aShape), m * 131 + k, -1, 1);
  const bData = uniform(sizeOf(bShape), n * 17 + k, -1, 1);
  const a = tensor(engine, aData, aShape);
  const b = tensor(engine, bData, bShape);
  const c = matmul(a, b, combo);
  const expected = matmulReference(aData, aShape, bData, bShape, combo.transposeA, combo.transposeB);
  const what = `matmul a [${aShape}] b [${bShape}] ${JSON.stringify(combo)}`;
  assert.equal([...c.shape], expected.shape, `${what}: shape`);
  assertClose(await c.read(), expected.data, toleranceFor(k), what);
  for (const t of [a, b, c]) t.dispose();
}

// M x K x N: degenerate, ragged (not multiples of 4, so the scalar kernel), aligned (the vec4 kernel, with a
// ragged M when A is not transposed), a ragged K that only transposeA without transposeB runs as vec4, and
// K = 0 (an empty sum: zeros).
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 17, 1], [3, 5, 7], [257, 3, 255], [5, 1, 6], [4, 4, 4], [8, 16, 12], [34, 64, 20], [16, 7, 8], [64, 33, 4], [3, 0, 5],
];
const shapeList = SHAPES.map((s) => s.join('x')).join(', ');

for (const combo of COMBOS) {
  test(`matmul ${combo.label} matches the float64 reference for MxKxN = ${shapeList}`, async () => {
    for (const shape of SHAPES) await checkAgainstReference(shape, [], [], combo);
  });

  test(`batched matmul ${combo.label} matches the float64 reference for batch [2,3]`, async () => {
    for (const shape of [[3, 5, 7], [8, 12, 16], [5, 8, 4]] as [number, number, number][]) {
      await checkAgainstReference(shape, [2, 3], [2, 3], combo);
    }
  });

  test(`matmul ${combo.label} shares a matrix without batch dimensions across the other's batch of 5`, async () => {
    for (const shape of [[3, 5, 7], [8, 12, 16], [9, 4, 8]] as [number, number, number][]) {
      await checkAgainstReference(shape, [5], [], combo);
      await checkAgainstReference(shape, [], [5], combo);
    }
  });
}

test('matmul picks the vec4 kernel exactly when every vec4 it loads and stores is aligned', () => {
  const dims = (m: number, k: number, n: number, transposeA: boolean, transposeB: boolean) =>
    matmulPlan('matmul', stored([], m, k, transposeA), stored([], k, n, transposeB), transposeA, transposeB).dims;
  assert.ok(matmulUsesVec4(dims(34, 64, 20, false, false)), 'ragged M is fine without transposeA');
  assert.ok(!matmulUsesVec4(dims(34, 64, 20, true, false)), 'ragged M is not with transposeA');
  assert.ok(matmulUsesVec4(dims(16, 7, 8, true, false)), 'ragged K is fine with transposeA alone');
  assert.ok(!matmulUsesVec4(dims(16, 7, 8, false, false)), 'ragged K is not without transposeA');
  assert.ok(!matmulUsesVec4(dims(16, 8, 6, false, false)), 'ragged N is never');
});

test('matmul covers more than 65535 workgroups: a batch of 4194307 1x1 products', async () => {
  const batch = 65536 * 64 + 3;
  const aData = uniform(batch, 1, -1, 1);
  const bData = uniform(batch, 2, -1, 1);
  const a = tensor(engine, aData, [batch, 1, 1]);
  const b = tensor(engine, bData, [batch, 1, 1]);
  const c = matmul(a, b);
  const out = await c.read();
  const expected = Float64Array.from(aData, (v, i) => v * bData[i]!);
  assertClose(out, expected, toleranceFor(1), 'matmul [4194307,1,1] x [4194307,1,1]');
  for (const t of [a, b, c]) t.dispose();
});

for (const combo of COMBOS) {
  test(`matmul backward ${combo.label} matches finite differences (single, batched, and each side shared)`, async () => {
    const [m, k, n] = [3, 5, 4];
    const cases: [Shape, Shape][] = [[[], []], [[2], [2]], [[], [3]], [[3], []]];
    for (const [aBatch, bBatch] of cases) {
      const aShape = stored(aBatch, m, k, combo.transposeA);
      const bShape = stored(bBatch, k, n, combo.transposeB);
      await gradCheck(engine, {
        name: `matmul a [${aShape}] b [${bShape}] ${combo.label}`,
        inputs: [
          { shape: aShape, data: uniform(sizeOf(aShape), 21, -1, 1) },
          { shape: bShape, data: uniform(sizeOf(bShape), 22, -1, 1) },
        ],
        gpu: ([a, b]) => matmul(a!, b!, combo),
        reference: ([a, b]) => matmulReference(a!, aShape, b!, bShape, combo.transposeA, combo.transposeB).data,
      });
    }
  });
}

test('matmul backward with vec4-aligned shapes (8x12x16, batch 2, each side shared) matches finite differences', async () => {
  for (const combo of COMBOS) {
    for (const [aBatch, bBatch] of [[[2], [2]], [[], [2]], [[2], []]] as [Shape, Shape][]) {
      const aShape = stored(aBatch, 8, 12, combo.transposeA);
      const bShape = stored(bBatch, 12, 16, combo.transposeB);
      await gradCheck(engine, {
        name: `matmul a [${aShape}] b [${bShape}] ${combo.label}`,
        inputs: [
          { shape: aShape, data: uniform(sizeOf(aShape), 31, -1, 1) },
          { shape: bShape, data: uniform(sizeOf(bShape), 32, -1, 1) },
        ],
        gpu: ([a, b]) => matmul(a!, b!, combo),
        reference: ([a, b]) => matmulReference(a!, aShape, b!, bShape, combo.transposeA, combo.transposeB).data,
      });
    }
  }
});

test('linear matches the float64 reference with and without bias for inputs [7], [5,7], [2,5,7] and [10,16]', async () => {
  for (const [xShape, outFeatures] of [[[7], 3], [[5, 7], 3], [[2, 5, 7], 3], [[10, 16], 8]] as [Shape, number][]) {
    const inFeatures = xShape.at(-1)!;
    const xData = uniform(sizeOf(xShape), 41, -1, 1);
    const wData = uniform(outFeatures * inFeatures, 42, -1, 1);
    const bData = uniform(outFeatures, 43, -1, 1);
    const x = tensor(engine, xData, xShape);
    const w = tensor(engine, wData, [outFeatures, inFeatures]);
    const b = tensor(engine, bData, [outFeatures]);
    for (const bias of [b, null]) {
      const y = linear(x, w, bias);
      const expected = linearReference(xData, xShape, wData, [outFeatures, inFeatures], bias ? bData : undefined);
      assert.equal([...y.shape], expected.shape, 'linear shape');
      assertClose(await y.read(), expected.data, toleranceFor(inFeatures), `linear x [${xShape}] weight [${outFeatures},${inFeatures}] ${bias ? 'with' : 'without'} bias`);
      y.dispose();
    }
    for (const t of [x, w, b]) t.dispose();
  }
});

test('linear backward matches finite differences for x, weight and bias, and without bias', async () => {
  for (const [xShape, outFeatures] of [[[2, 5, 7], 3], [[6, 8], 4]] as [Shape, number][]) {
    const inFeatures = xShape.at(-1)!;
    const wShape = [outFeatures, inFeatures];
    const x = { shape: xShape, data: uniform(sizeOf(xShape), 51, -1, 1) };
    const w = { shape: wShape, data: uniform(outFeatures * inFeatures, 52, -1, 1) };
    const b = { shape: [outFeatures], data: uniform(outFeatures, 53, -1, 1) };
    await gradCheck(engine, {
      name: `linear x [${xShape}] weight [${wShape}] with bias`, inputs: [x, w, b],
      gpu: ([xt, wt, bt]) => linear(xt!, wt!, bt!),
      reference: ([xd, wd, bd]) => linearReference(xd!, xShape, wd!, wShape, bd!).data,
    });
    await gradCheck(engine, {
      name: `linear x [${xShape}] weight [${wShape}] without bias`, inputs: [x, w],
      gpu: ([xt, wt]) => linear(xt!, wt!),
      reference: ([xd, wd]) => linearReference(xd!, xShape, wd!, wShape).data,
    });
  }
});

test('matmul of [2,3] and [4,5] throws an error naming matmul and both shapes', () => {
  const a = tensor(engine, uniform(6, 1), [2, 3]);
  const b = tensor(engine, uniform(20, 2), [4, 5]);
  const namesBoth = (e: Error) => /matmul/.test(e.message) && /\[2,3\]/.test(e.message) && /\[4,5\]/.test(e.message);
  assert.throws(() => matmul(a, b), namesBoth);
  assert.throws(() => matmul(a, b, { transposeA: true }), namesBoth);
  for (const t of [a, b]) t.dispose();
});

test('matmul with batch dimensions [2] and [3] throws an error naming matmul and both shapes', () => {
  const a = tensor(engine, uniform(12, 1), [2, 2, 3]);
  const b = tensor(engine, uniform(27, 2), [3, 3, 3]);
  assert.throws(() => matmul(a, b), (e: Error) => /matmul/.test(e.message) && /\[2,2,3\]/.test(e.message) && /\[3,3,3\]/.test(e.message));
  for (const t of [a, b]) t.dispose();
});

test('linear with input [4,6] and weight [3,5] throws an error naming linear and both shapes', () => {
  const x = tensor(engine, uniform(24, 1), [4, 6]);
  const w = tensor(engine, uniform(15, 2), [3, 5]);
  assert.throws(() => linear(x, w), (e: Error) => /linear/.test(e.message) && /\[4,6\]/.test(e.message) && /\[3,5\]/.test(e.message));
  for (const t of [x, w]) t.dispose();
});

test.run();
