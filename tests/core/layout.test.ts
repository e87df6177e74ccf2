// concat, split, slice, pad, permute and transpose against their references, exactly, and finite differences
// (ranks up to 6, zero-size parts, more than 65535 workgroups): declared in core/ops/declarations/layout.ts,
// checked by tests/core/op-registry.test.ts. Here: error messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { concat, pad, permute, slice, split } from '../../core/ops/layout.ts';
import { type Shape, sizeOf } from '../../core/shape.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

const random = (shape: Shape, seed: number) => tensor(engine, uniform(sizeOf(shape), seed), shape);

test('layout ops reject wrong shapes, naming the op and the shapes', () => {
  const a = random([2, 3, 4], 1);
  const b = random([2, 3, 5], 2);
  const names = (op: string, ...shapes: string[]) => (e: Error) => e.message.includes(op) && shapes.every((s) => e.message.includes(s));
  assert.throws(() => concat([a, b], 1), names('concat', '[2,3,4]', '[2,3,5]'));
  assert.throws(() => split(a, [1, 1], 1), names('split', '[1,1]', '[2,3,4]'));
  assert.throws(() => slice(a, [0, 0, 3], [2, 3, 2]), names('slice', '[2,3,4]', '[2,3,2]'));
  assert.throws(() => slice(a, [0, 0], [2, 3]), names('slice', '[2,3,4]'));
  assert.throws(() => pad(a, [0, 0, -1], [0, 0, 0]), names('pad', '[2,3,4]'));
  assert.throws(() => permute(a, [0, 0, 1]), names('permute', '[0,0,1]', '[2,3,4]'));
});

test.run();
