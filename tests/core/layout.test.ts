import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { mulScalar } from '../../core/ops/elementwise.ts';
import { concat, pad, permute, slice, split, transpose } from '../../core/ops/layout.ts';
import { concatReference, padReference, permuteReference, sliceReference, splitReference } from '../../core/reference/layout.ts';
import { type Shape, sizeOf } from '../../core/shape.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();
// Layout ops move values without arithmetic: the GPU result must equal the reference exactly.
const EXACT = { atol: 0, rtol: 0 };
/** More elements than one dispatch of 65535 workgroups of 256 threads covers. */
const ABOVE_DISPATCH_LIMIT = 65535 * 256 + 1;

const random = (shape: Shape, seed: number) => tensor(engine, uniform(sizeOf(shape), seed), shape);

test('concat along channels of [B, C, L] (the U-Net skip connection) matches the reference for odd, 1 and 255/257 sizes', async () => {
  const cases: { shapes: Shape[]; axis: number }[] = [
    { shapes: [[2, 3, 7], [2, 5, 7]], axis: 1 },
    { shapes: [[1, 1, 1], [1, 2, 1], [1, 1, 1]], axis: 1 },
    { shapes: [[3, 16, 255], [3, 8, 255]], axis: 1 },
    { shapes: [[2, 4, 257], [2, 4, 3]], axis: 2 },
    { shapes: [[2, 4, 8], [3, 4, 8]], axis: 0 },
    { shapes: [[4, 8, 16], [4, 4, 16]], axis: -2 },
  ];
  for (const { shapes, axis } of cases) {
    const data = shapes.map((s, i) => uniform(sizeOf(s), 10 + i));
    const out = concat(shapes.map((s, i) => tensor(engine, data[i]!, s)), axis);
    const a = axis < 0 ? axis + shapes[0]!.length : axis;
    const expected = concatReference(shapes.map((shape, i) => ({ shape, data: data[i]! })), a);
    assert.equal([...out.shape], expected.shape);
    assertClose(await out.read(), expected.data, EXACT, `concat of ${shapes.map((s) => `[${s}]`).join(' ')} along ${axis}`);
  }
});

test('split along each axis gives the reference parts, and concat of the parts gives the input back', async () => {
  const shape = [3, 10, 257];
  const data = uniform(sizeOf(shape), 4);
  const x = tensor(engine, data, shape);
  for (const [axis, sizes] of [[0, [1, 2]], [1, [3, 0, 7]], [2, [1, 255, 1]]] as const) {
    const parts = split(x, sizes, axis);
    const expected = splitReference(data, shape, sizes, axis);
    for (let i = 0; i < parts.length; i++) {
      assert.equal([...parts[i]!.shape], expected[i]!.shape);
      assertClose(await parts[i]!.read(), expected[i]!.data, EXACT, `split [${shape}] axis ${axis} part ${i}`);
    }
    assertClose(await concat(parts, axis).read(), data, EXACT, `concat(split(x)) along ${axis}`);
  }
});

test('slice of any box matches the reference', async () => {
  const cases: { shape: Shape; starts: number[]; sizes: number[] }[] = [
    { shape: [1], starts: [0], sizes: [1] },
    { shape: [257], starts: [1], sizes: [255] },
    { shape: [4, 5, 255], starts: [1, 2, 3], sizes: [2, 3, 250] },
    { shape: [4, 5, 256], starts: [0, 1, 4], sizes: [4, 4, 8] },
    { shape: [2, 3, 4, 5, 6, 7], starts: [1, 0, 1, 2, 0, 3], sizes: [1, 3, 2, 3, 6, 4] },
  ];
  for (const { shape, starts, sizes } of cases) {
    const data = uniform(sizeOf(shape), shape.length);
    const out = slice(tensor(engine, data, shape), starts, sizes);
    assertClose(await out.read(), sliceReference(data, shape, starts, sizes).data, EXACT, `slice of [${shape}] at [${starts}] size [${sizes}]`);
  }
});

test('pad with zeros or a value on any axis matches the reference', async () => {
  const cases: { shape: Shape; before: number[]; after: number[]; value: number }[] = [
    { shape: [1], before: [2], after: [0], value: 0 },
    { shape: [2, 3, 7], before: [0, 0, 2], after: [0, 0, 3], value: 0 },
    { shape: [2, 3, 255], before: [0, 1, 1], after: [1, 0, 1], value: -1.5 },
    { shape: [3, 257], before: [1, 0], after: [0, 0], value: 7 },
    { shape: [2, 1, 3, 1, 2, 2], before: [0, 1, 0, 2, 0, 1], after: [1, 0, 0, 0, 1, 0], value: 0.25 },
  ];
  for (const { shape, before, after, value } of cases) {
    const data = uniform(sizeOf(shape), 3);
    const out = pad(tensor(engine, data, shape), before, after, value);
    const expected = padReference(data, shape, before, after, value);
    assert.equal([...out.shape], expected.shape);
    assertClose(await out.read(), expected.data, EXACT, `pad of [${shape}] by [${before}] / [${after}] with ${value}`);
  }
});

test('permute and transpose of rank 2 to 6 match the reference', async () => {
  const cases: { shape: Shape; order: number[] }[] = [
    { shape: [1, 7], order: [1, 0] },
    { shape: [255, 257], order: [1, 0] },
    { shape: [2, 3, 257], order: [0, 2, 1] },
    { shape: [4, 8, 16], order: [2, 0, 1] },
    { shape: [2, 3, 4, 5], order: [3, 1, 0, 2] },
    { shape: [2, 3, 1, 4, 5, 3], order: [5, 4, 3, 2, 1, 0] },
    { shape: [2, 3, 4], order: [0, 1, 2] },
  ];
  for (const { shape, order } of cases) {
    const data = uniform(sizeOf(shape), 5);
    const out = permute(tensor(engine, data, shape), order);
    const expected = permuteReference(data, shape, order);
    assert.equal([...out.shape], expected.shape);
    assertClose(await out.read(), expected.data, EXACT, `permute [${shape}] by [${order}]`);
  }
  const x = random([2, 3, 5], 6);
  assertClose(await transpose(x, 1, -1).read(), permuteReference(await x.read(), [2, 3, 5], [0, 2, 1]).data, EXACT, 'transpose(x, 1, -1)');
});

test(`transpose of more than 65535 workgroups (${ABOVE_DISPATCH_LIMIT} elements) reaches every element`, async () => {
  const n = 4097;
  assert.ok(n * n >= ABOVE_DISPATCH_LIMIT);
  const data = uniform(n * n, 8);
  const y = engine.tidy(() => transpose(tensor(engine, data, [n, n]), 0, 1));
  const transposed = await y.read();
  y.dispose();
  let wrong = -1;
  for (let i = 0; i < n && wrong < 0; i++) {
    for (let j = 0; j < n; j++) {
      if (transposed[i * n + j] !== data[j * n + i]) {
        wrong = i * n + j;
        break;
      }
    }
  }
  assert.is(wrong, -1, `transpose [${n},${n}]: first wrong element at ${wrong}`);
});

test('concat, split, slice, pad, permute backward match finite differences', async () => {
  const shape = [2, 3, 5];
  const data = uniform(30, 21);
  const other = uniform(2 * 4 * 5, 22);
  await gradCheck(engine, {
    name: 'concat along channels', inputs: [{ shape, data }, { shape: [2, 4, 5], data: other }],
    gpu: ([a, b]) => concat([a!, b!], 1),
    reference: ([a, b]) => concatReference([{ data: a!, shape }, { data: b!, shape: [2, 4, 5] }], 1).data,
  });
  await gradCheck(engine, {
    name: 'split into three, two parts used in reverse order', inputs: [{ shape, data }],
    gpu: ([x]) => {
      const [p0, , p2] = split(x!, [2, 1, 2], 2);
      return concat([mulScalar(p2!, 3), p0!], 2);
    },
    reference: ([x]) => {
      const [p0, , p2] = splitReference(x!, shape, [2, 1, 2], 2);
      return concatReference([{ data: p2!.data.map((v) => 3 * v), shape: p2!.shape }, p0!], 2).data;
    },
  });
  await gradCheck(engine, {
    name: 'slice', inputs: [{ shape, data }],
    gpu: ([x]) => slice(x!, [1, 0, 1], [1, 2, 3]),
    reference: ([x]) => sliceReference(x!, shape, [1, 0, 1], [1, 2, 3]).data,
  });
  await gradCheck(engine, {
    name: 'pad', inputs: [{ shape, data }],
    gpu: ([x]) => pad(x!, [0, 1, 2], [1, 0, 3], 0.5),
    reference: ([x]) => padReference(x!, shape, [0, 1, 2], [1, 0, 3], 0.5).data,
  });
  await gradCheck(engine, {
    name: 'permute', inputs: [{ shape, data }],
    gpu: ([x]) => permute(x!, [2, 0, 1]),
    reference: ([x]) => permuteReference(x!, shape, [2, 0, 1]).data,
  });
});

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
