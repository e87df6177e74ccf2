import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { mean, sum } from '../../core/ops/reduce.ts';
import { reshape } from '../../core/ops/reshape.ts';
import { sumAxisReference } from '../../core/reference/elementwise.ts';
import type { Shape } from '../../core/shape.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();
const size = (s: Shape) => s.reduce((p, d) => p * d, 1);
// Sums of n terms in f32: tolerance grows with the number of terms.
const sumTolerance = (n: number) => ({ atol: 1e-6 * n, rtol: 1e-5 });

const SHAPES: Shape[] = [[1], [7], [257], [3, 255], [2, 1, 5], [4, 257, 3], [1, 300, 1], [2, 3, 4, 5]];

test('sum and mean over every axis match the float64 reference', async () => {
  for (const shape of SHAPES) {
    const data = uniform(size(shape), shape.length);
    const x = tensor(engine, data, shape);
    for (let axis = 0; axis < shape.length; axis++) {
      for (const isMean of [false, true]) {
        const out = isMean ? mean(x, axis) : sum(x, axis);
        assert.equal([...out.shape], shape.filter((_, i) => i !== axis));
        assertClose(await out.read(), sumAxisReference(data, shape, axis, isMean), sumTolerance(shape[axis]!), `${isMean ? 'mean' : 'sum'} of [${shape}] over axis ${axis}`);
        out.dispose();
      }
    }
    x.dispose();
  }
});

test('sum and mean over everything, including a workgroup-per-row reduction of 1e6 values', async () => {
  for (const n of [1, 255, 257, 1_000_003]) {
    const data = uniform(n, n);
    const x = tensor(engine, data, [n]);
    const expected = data.reduce((a, b) => a + b, 0);
    assertClose(await sum(x).read(), [expected], sumTolerance(Math.sqrt(n)), `sum of ${n}`);
    assertClose(await mean(x).read(), [expected / n], sumTolerance(1), `mean of ${n}`);
    x.dispose();
  }
});

test('keepDims keeps reduced axes as 1', () => {
  const x = tensor(engine, uniform(24, 1), [2, 3, 4]);
  assert.equal([...sum(x, 1, true).shape], [2, 1, 4]);
  assert.equal([...sum(x, undefined, true).shape], [1, 1, 1]);
  assert.equal([...sum(x).shape], []);
});

test('sum, mean and reshape backward match finite differences', async () => {
  const shape = [3, 5, 2];
  const data = uniform(30, 3);
  for (const axis of [0, 1, 2]) {
    await gradCheck(engine, { name: `sum axis ${axis}`, inputs: [{ shape, data }], gpu: ([x]) => sum(x!, axis), reference: ([x]) => sumAxisReference(x!, shape, axis) });
    await gradCheck(engine, { name: `mean axis ${axis}`, inputs: [{ shape, data }], gpu: ([x]) => mean(x!, axis), reference: ([x]) => sumAxisReference(x!, shape, axis, true) });
  }
  await gradCheck(engine, { name: 'sum all', inputs: [{ shape, data }], gpu: ([x]) => sum(x!), reference: ([x]) => [x!.reduce((a, b) => a + b, 0)] });
  await gradCheck(engine, { name: 'mean all', inputs: [{ shape, data }], gpu: ([x]) => mean(x!), reference: ([x]) => [x!.reduce((a, b) => a + b, 0) / 30] });
  await gradCheck(engine, { name: 'reshape', inputs: [{ shape, data }], gpu: ([x]) => sum(reshape(x!, [6, 5]), 1), reference: ([x]) => sumAxisReference(x!, [6, 5], 1) });
});

test('reshape infers one -1 dimension and rejects a size mismatch naming both shapes', () => {
  const x = tensor(engine, uniform(12, 1), [3, 4]);
  assert.equal([...reshape(x, [2, -1]).shape], [2, 6]);
  assert.throws(() => reshape(x, [5, 2]), (e: Error) => /reshape/.test(e.message) && /\[3,4\]/.test(e.message) && /\[5,2\]/.test(e.message));
});

test.run();
