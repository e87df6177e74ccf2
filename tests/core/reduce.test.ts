// sum, mean, reshape and detach against their references and finite differences (every axis, 1e6 values, keepDims):
// declared in core/ops/declarations/reduce.ts, checked by tests/core/op-registry.test.ts. Here: shape semantics and
// error messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { sum } from '../../core/ops/reduce.ts';
import { reshape } from '../../core/ops/reshape.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

test('keepDims keeps reduced axes as 1', () => {
  const x = tensor(engine, uniform(24, 1), [2, 3, 4]);
  assert.equal([...sum(x, 1, true).shape], [2, 1, 4]);
  assert.equal([...sum(x, undefined, true).shape], [1, 1, 1]);
  assert.equal([...sum(x).shape], []);
});

test('reshape infers one -1 dimension and rejects a size mismatch naming both shapes', () => {
  const x = tensor(engine, uniform(12, 1), [3, 4]);
  assert.equal([...reshape(x, [2, -1]).shape], [2, 6]);
  assert.throws(() => reshape(x, [5, 2]), (e: Error) => /reshape/.test(e.message) && /\[3,4\]/.test(e.message) && /\[5,2\]/.test(e.message));
});

test.run();
