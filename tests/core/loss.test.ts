// mseLoss and bceWithLogits against their references and finite differences (up to 100003 elements; 0/1, soft
// and constant targets): declared in core/ops/declarations/loss.ts, checked by tests/core/op-registry.test.ts.
// Here: saturation at |z| = 1e4 and error messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../../core/autograd.ts';
import { parameter, tensor } from '../../core/creation.ts';
import { bceWithLogits, mseLoss } from '../../core/ops/loss.ts';
import { bceWithLogitsReference } from '../../core/reference/loss.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

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

test('losses reject targets of another shape, naming the op and both shapes', () => {
  const p = tensor(engine, uniform(6, 1), [2, 3]);
  const y = tensor(engine, uniform(6, 2), [3, 2]);
  for (const [op, f] of [['mseLoss', mseLoss], ['bceWithLogits', bceWithLogits]] as const) {
    assert.throws(() => f(p, y), (e: Error) => e.message.includes(op) && e.message.includes('[2,3]') && e.message.includes('[3,2]'));
  }
});

test.run();
