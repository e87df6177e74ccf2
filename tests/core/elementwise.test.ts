// The elementwise ops against their references and finite differences (unary functions, scalar arithmetic,
// broadcasting, expand, saturation at |x| = 100, a grid of more than 65535 workgroups): declared in
// core/ops/declarations/elementwise.ts, checked by tests/core/op-registry.test.ts. Here: error messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import * as ops from '../../core/ops/elementwise.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

test('add of [2,3] and [4] throws an error naming add and both shapes', () => {
  const a = tensor(engine, uniform(6, 1), [2, 3]);
  const b = tensor(engine, uniform(4, 2), [4]);
  assert.throws(() => ops.add(a, b), (e: Error) => /add/.test(e.message) && /\[2,3\]/.test(e.message) && /\[4\]/.test(e.message));
});

test('expand to a shape x does not broadcast to throws naming both shapes', () => {
  const x = tensor(engine, uniform(6, 1), [2, 3]);
  assert.throws(() => ops.expand(x, [4, 3]), (e: Error) => /expand/.test(e.message) && e.message.includes('[2,3]') && e.message.includes('[4,3]'));
  x.dispose();
});

test.run();
