import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../../core/autograd.ts';
import { parameter, tensor } from '../../core/creation.ts';
import { bceWithLogits, mseLoss } from '../../core/ops/loss.ts';
import { bceWithLogitsReference, mseLossReference } from '../../core/reference/loss.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { rng, uniform } from '../helpers/random.ts';

const engine = await testEngine();
const SIZES = [1, 7, 255, 257, 100_003];
const meanTolerance = (n: number) => ({ atol: 1e-6, rtol: 1e-5 * Math.max(1, Math.log2(n)) });

/** n labels, each 0 or 1. */
function labels(n: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => (next() < 0.5 ? 0 : 1));
}

test(`mseLoss matches the float64 reference for ${SIZES.join(', ')} elements and has shape []`, async () => {
  for (const n of SIZES) {
    const p = uniform(n, n, -3, 3);
    const y = uniform(n, n + 1, -3, 3);
    const loss = mseLoss(tensor(engine, p, [n]), tensor(engine, y, [n]));
    assert.equal([...loss.shape], []);
    assertClose(await loss.read(), [mseLossReference(p, y)], meanTolerance(n), `mseLoss of ${n}`);
  }
});

test(`bceWithLogits matches the float64 reference for ${SIZES.join(', ')} elements, with tensor and constant 0/1 targets`, async () => {
  for (const n of SIZES) {
    const z = uniform(n, n, -8, 8);
    const y = labels(n, n);
    const soft = uniform(n, n + 2, 0, 1);
    const x = tensor(engine, z, [n]);
    assertClose(await bceWithLogits(x, tensor(engine, y, [n])).read(), [bceWithLogitsReference(z, y)], meanTolerance(n), `bce of ${n}, 0/1 targets`);
    assertClose(await bceWithLogits(x, tensor(engine, soft, [n])).read(), [bceWithLogitsReference(z, soft)], meanTolerance(n), `bce of ${n}, soft targets`);
    for (const label of [0, 1]) {
      assertClose(await bceWithLogits(x, label).read(), [bceWithLogitsReference(z, label)], meanTolerance(n), `bce of ${n}, constant target ${label}`);
    }
  }
});

test('bceWithLogits stays finite and exact at |z| = 100 and 1e4, and its gradient saturates at sigmoid(z) - y', async () => {
  const z = [100, -100, 1e4, -1e4, 100, -100, 1e4, -1e4];
  const y = [1, 0, 1, 0, 0, 1, 0, 1];
  for (let i = 0; i < z.length; i++) {
    const logit = parameter(engine, [z[i]!], [1], 'z');
    const loss = bceWithLogits(logit, tensor(engine, [y[i]!], [1]));
    const value = await loss.item();
    const expected = bceWithLogitsReference([z[i]!], [y[i]!]);
    assert.ok(Number.isFinite(value), `bce(z=${z[i]}, y=${y[i]}) is ${value}`);
    assertClose([value], [expected], { atol: 1e-6, rtol: 1e-6 }, `bce(z=${z[i]}, y=${y[i]})`);
    backward(loss);
    assert.equal([...(await logit.grad!.read())], [(z[i]! > 0 ? 1 : 0) - y[i]!], `d bce / dz at z=${z[i]}, y=${y[i]}`);
    logit.grad!.dispose();
    logit.dispose();
  }
  const confident = await bceWithLogits(tensor(engine, [1e4, -1e4], [2]), tensor(engine, [1, 0], [2])).item();
  assert.is(confident, 0, 'confident correct logits give a loss of exactly 0');
});

test('mseLoss and bceWithLogits backward match finite differences for both inputs, and for a constant target', async () => {
  const shape = [3, 5, 7];
  const n = 105;
  const a = { shape, data: uniform(n, 1, -2, 2) };
  const b = { shape, data: uniform(n, 2, -2, 2) };
  const soft = { shape, data: uniform(n, 3, 0.1, 0.9) };
  await gradCheck(engine, { name: 'mseLoss', inputs: [a, b], gpu: ([p, y]) => mseLoss(p!, y!), reference: ([p, y]) => [mseLossReference(p!, y!)] });
  await gradCheck(engine, {
    name: 'bceWithLogits', inputs: [{ ...a, data: uniform(n, 4, -6, 6) }, soft],
    gpu: ([z, y]) => bceWithLogits(z!, y!), reference: ([z, y]) => [bceWithLogitsReference(z!, y!)],
  });
  for (const label of [0, 1]) {
    await gradCheck(engine, {
      name: `bceWithLogits against constant ${label}`, inputs: [{ ...a, data: uniform(n, 5, -6, 6) }],
      gpu: ([z]) => bceWithLogits(z!, label), reference: ([z]) => [bceWithLogitsReference(z!, label)],
    });
  }
});

test('losses reject targets of another shape, naming the op and both shapes', () => {
  const p = tensor(engine, uniform(6, 1), [2, 3]);
  const y = tensor(engine, uniform(6, 2), [3, 2]);
  for (const [op, f] of [['mseLoss', mseLoss], ['bceWithLogits', bceWithLogits]] as const) {
    assert.throws(() => f(p, y), (e: Error) => e.message.includes(op) && e.message.includes('[2,3]') && e.message.includes('[3,2]'));
  }
});

test.run();
