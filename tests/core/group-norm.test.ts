// groupNorm against its reference and finite differences (with and without gamma and beta, InstanceNorm,
// LayerNorm, odd and long rows): declared in core/ops/declarations/group-norm.ts, checked by
// tests/core/op-registry.test.ts. Here: batch independence and error messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { groupNorm } from '../../core/ops/group-norm.ts';
import { slice } from '../../core/ops/layout.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

test('groupNorm of one sample equals that sample inside a batch (no batch dependence: streaming at batch 1 is exact)', async () => {
  const shape: [number, number, number] = [4, 16, 64];
  const x = tensor(engine, uniform(4 * 16 * 64, 9, -3, 3), shape);
  const gamma = tensor(engine, uniform(16, 10, 0.5, 1.5), [16]);
  const beta = tensor(engine, uniform(16, 11), [16]);
  const batched = await groupNorm(x, { groups: 4, gamma, beta }).read();
  const alone = await groupNorm(slice(x, [2, 0, 0], [1, 16, 64]), { groups: 4, gamma, beta }).read();
  assert.equal([...alone], [...batched.subarray(2 * 16 * 64, 3 * 16 * 64)]);
});

test('groupNorm rejects groups that do not divide the channels and a gamma of the wrong shape, naming both shapes', () => {
  const x = tensor(engine, uniform(2 * 6 * 4, 1), [2, 6, 4]);
  assert.throws(() => groupNorm(x, { groups: 4 }), (e: Error) => /groupNorm/.test(e.message) && e.message.includes('[2,6,4]'));
  const gamma = tensor(engine, uniform(4, 2), [4]);
  const beta = tensor(engine, uniform(6, 3), [6]);
  assert.throws(() => groupNorm(x, { groups: 3, gamma, beta }), (e: Error) => /groupNorm/.test(e.message) && e.message.includes('[4]') && e.message.includes('[6]'));
});

test.run();
