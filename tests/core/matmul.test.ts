// matmul and linear against their references, analytic gradients and finite differences (every transpose,
// ragged and vec4-aligned shapes, K = 0, batched and shared operands, more than 65535 workgroups): declared in
// core/ops/declarations/matmul.ts, checked by tests/core/op-registry.test.ts. Here: kernel choice and errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { linear, matmul, matmulPlan } from '../../core/ops/matmul.ts';
import type { Shape } from '../../core/shape.ts';
import { matmulUsesVec4 } from '../../core/kernels/matmul.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

/** Stored shape of an operand: [..., rows, cols], swapped when transposed. */
const stored = (batch: Shape, rows: number, cols: number, transposed: boolean): Shape => [...batch, ...(transposed ? [cols, rows] : [rows, cols])];

test('matmul picks the vec4 kernel exactly when every vec4 it loads and stores is aligned', () => {
  const dims = (m: number, k: number, n: number, transposeA: boolean, transposeB: boolean) =>
    matmulPlan('matmul', stored([], m, k, transposeA), stored([], k, n, transposeB), transposeA, transposeB).dims;
  assert.ok(matmulUsesVec4(dims(34, 64, 20, false, false)), 'ragged M is fine without transposeA');
  assert.ok(!matmulUsesVec4(dims(34, 64, 20, true, false)), 'ragged M is not with transposeA');
  assert.ok(matmulUsesVec4(dims(16, 7, 8, true, false)), 'ragged K is fine with transposeA alone');
  assert.ok(!matmulUsesVec4(dims(16, 7, 8, false, false)), 'ragged K is not without transposeA');
  assert.ok(!matmulUsesVec4(dims(16, 8, 6, false, false)), 'ragged N is never');
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
