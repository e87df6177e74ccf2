// conv1d, convTranspose1d and upsampleNearest1d against their references and finite differences: declared in
// core/ops/declarations/conv1d.ts, checked by tests/core/op-registry.test.ts. Here: what a reference cannot say.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { conv1d, convTranspose1d } from '../../core/ops/conv1d.ts';
import type { Tensor } from '../../core/tensor.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

const throwsNaming = (fn: () => unknown, ...parts: RegExp[]) =>
  assert.throws(fn, (e: Error) => parts.every((p) => p.test(e.message)), `expected an error naming ${parts.join(' and ')}`);

test('conv1d shape errors name the op and both shapes (weight Cin 3 vs x channels 4; bias; rank; too short)', () => {
  const own: Tensor[] = [];
  const make = (shape: number[]) => {
    const t = tensor(engine, uniform(shape.reduce((p, d) => p * d, 1), 1), shape);
    own.push(t);
    return t;
  };
  const x = make([2, 4, 10]);
  throwsNaming(() => conv1d(x, make([5, 3, 3]), null), /conv1d/, /\[5,3,3\]/, /\[2,4,10\]/, /3 input channels/);
  throwsNaming(() => conv1d(x, make([5, 4, 3]), make([4])), /conv1d/, /bias \[4\]/, /\[5,4,3\]/);
  throwsNaming(() => conv1d(make([4, 10]), make([5, 4, 3]), null), /conv1d/, /\[4,10\]/, /rank 3/);
  throwsNaming(() => conv1d(x, make([5, 4, 11]), null), /conv1d/, /\[2,4,10\]/, /\[5,4,11\]/);
  throwsNaming(() => conv1d(x, make([5, 4, 3]), null, { stride: 0 }), /conv1d/, /stride/);
  throwsNaming(() => convTranspose1d(x, make([3, 5, 3]), null), /convTranspose1d/, /\[3,5,3\]/, /\[2,4,10\]/);
  throwsNaming(() => convTranspose1d(x, make([4, 5, 3]), null, { stride: 2, outputPadding: 2 }), /convTranspose1d/, /outputPadding/);
  for (const t of own) t.dispose();
});

test.run();
