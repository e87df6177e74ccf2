import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { trainSequenceTask } from '../../core/selfcheck/sequence-task.ts';
import { testEngine } from '../helpers/engine.ts';

const engine = await testEngine();

test('a small conv1d network learns a synthetic sequence task: the loss falls by at least 10x', async () => {
  const losses = await trainSequenceTask(engine, { steps: 200, seed: 3, reportEvery: 199 });
  const first = losses[0]!.loss;
  const last = losses.at(-1)!.loss;
  assert.ok(last < first / 10, `loss went from ${first} to ${last}`);
});

test('training is bit-identical for the same seed and differs for another seed', async () => {
  const run = (seed: number) => trainSequenceTask(engine, { steps: 20, seed, reportEvery: 5 });
  const a = await run(7);
  const b = await run(7);
  const c = await run(8);
  assert.equal(a, b);
  assert.not.equal(a, c);
});

test('a training loop gives every buffer back: memory in use returns to where it started', async () => {
  const before = engine.memory().inUseBytes;
  await trainSequenceTask(engine, { steps: 30, seed: 1, reportEvery: 10 });
  assert.is(engine.memory().inUseBytes, before);
});

test.run();
