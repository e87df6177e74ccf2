import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import * as ops from '../../core/ops/elementwise.ts';
import { binaryReference, mapReference, unaryReference } from '../../core/reference/elementwise.ts';
import type { Shape } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';
import { F32_TOLERANCE, assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { uniform, uniformAvoiding } from '../helpers/random.ts';

const engine = await testEngine();
const SIZES = [1, 7, 255, 257, 4099];

// Inputs per op: inside each function's domain and away from kinks, so finite differences are meaningful.
const UNARY_CASES: { name: keyof typeof unaryReference; gpu: (x: Tensor) => Tensor; low: number; high: number; kinks?: number[] }[] = [
  { name: 'neg', gpu: ops.neg, low: -3, high: 3 },
  { name: 'exp', gpu: ops.exp, low: -3, high: 3 },
  { name: 'log', gpu: ops.log, low: 0.1, high: 5 },
  { name: 'sqrt', gpu: ops.sqrt, low: 0.1, high: 5 },
  { name: 'square', gpu: ops.square, low: -3, high: 3 },
  { name: 'abs', gpu: ops.abs, low: -3, high: 3, kinks: [0] },
  { name: 'relu', gpu: ops.relu, low: -3, high: 3, kinks: [0] },
  { name: 'leakyRelu', gpu: (x) => ops.leakyRelu(x, 0.2), low: -3, high: 3, kinks: [0] },
  { name: 'tanh', gpu: ops.tanh, low: -4, high: 4 },
  { name: 'sigmoid', gpu: ops.sigmoid, low: -6, high: 6 },
];

for (const c of UNARY_CASES) {
  test(`${c.name} matches the float64 reference for lengths ${SIZES.join(', ')}`, async () => {
    for (const n of SIZES) {
      const data = uniformAvoiding(n, n + 11, c.low, c.high, c.kinks ?? [], 1e-2);
      const x = tensor(engine, data, [n]);
      const y = c.gpu(x);
      assertClose(await y.read(), mapReference(data, (v) => unaryReference[c.name](v)), { atol: 2e-6, rtol: 2e-6 }, `${c.name}[${n}]`);
      x.dispose();
      y.dispose();
    }
  });

  test(`${c.name} backward matches finite differences`, async () => {
    const data = uniformAvoiding(33, 5, c.low, c.high, c.kinks ?? [], 5e-2);
    await gradCheck(engine, {
      name: c.name,
      inputs: [{ shape: [3, 11], data }],
      gpu: ([x]) => c.gpu(x!),
      reference: ([x]) => mapReference(x!, (v) => unaryReference[c.name](v)),
    });
  });
}

test('tanh and sigmoid stay finite and saturate at |x| = 100', async () => {
  const x = tensor(engine, [-100, 100], [2]);
  assertClose(await ops.tanh(x).read(), [-1, 1], F32_TOLERANCE, 'tanh');
  assertClose(await ops.sigmoid(x).read(), [0, 1], F32_TOLERANCE, 'sigmoid');
  x.dispose();
});

test('scalar ops: add, sub, mul, div by a scalar, scalar / x, and affine', async () => {
  const data = uniform(257, 3, 0.5, 2);
  const x = tensor(engine, data, [257]);
  const cases: [Tensor, (v: number) => number][] = [
    [ops.addScalar(x, 2.5), (v) => v + 2.5],
    [ops.subScalar(x, 1.5), (v) => v - 1.5],
    [ops.mulScalar(x, -3), (v) => v * -3],
    [ops.divScalar(x, 4), (v) => v / 4],
    [ops.scalarDiv(2, x), (v) => 2 / v],
    [ops.affine(x, 0.5, -1), (v) => 0.5 * v - 1],
  ];
  for (const [y, f] of cases) assertClose(await y.read(), mapReference(data, f), F32_TOLERANCE, 'scalar op');
  await gradCheck(engine, {
    name: 'scalarDiv', inputs: [{ shape: [9], data: uniform(9, 4, 0.5, 2) }],
    gpu: ([t]) => ops.scalarDiv(2, t!), reference: ([t]) => mapReference(t!, (v) => 2 / v),
  });
});

const BROADCAST_CASES: [Shape, Shape][] = [
  [[1], [1]],
  [[257], [257]],
  [[3, 5], [5]],
  [[3, 1], [1, 4]],
  [[2, 3, 7], [3, 1]],
  [[4, 1, 6], [1, 5, 1]],
  [[2, 1, 3, 1, 2], [5, 1, 4, 1]],
];
const BINARY = [
  { name: 'add', gpu: ops.add, f: (a: number, b: number) => a + b },
  { name: 'sub', gpu: ops.sub, f: (a: number, b: number) => a - b },
  { name: 'mul', gpu: ops.mul, f: (a: number, b: number) => a * b },
  { name: 'div', gpu: ops.div, f: (a: number, b: number) => a / b },
] as const;

for (const op of BINARY) {
  test(`${op.name} broadcasts like NumPy over ${BROADCAST_CASES.length} shape pairs`, async () => {
    for (const [sa, sb] of BROADCAST_CASES) {
      const da = uniform(sa.reduce((p, d) => p * d, 1), 1, 0.5, 2);
      const db = uniform(sb.reduce((p, d) => p * d, 1), 2, 0.5, 2);
      const a = tensor(engine, da, sa);
      const b = tensor(engine, db, sb);
      const out = op.gpu(a, b);
      const expected = binaryReference(da, sa, db, sb, op.f);
      assert.equal([...out.shape], expected.shape, `${op.name} shape`);
      assertClose(await out.read(), expected.data, F32_TOLERANCE, `${op.name} [${sa}] with [${sb}]`);
      for (const t of [a, b, out]) t.dispose();
    }
  });

  test(`${op.name} backward sums gradients over broadcast axes (finite differences)`, async () => {
    for (const [sa, sb] of [[[3, 1], [1, 4]], [[2, 3, 7], [3, 1]], [[5], [5]]] as [Shape, Shape][]) {
      await gradCheck(engine, {
        name: `${op.name} [${sa}] [${sb}]`,
        inputs: [
          { shape: sa, data: uniform(sa.reduce((p, d) => p * d, 1), 8, 0.5, 2) },
          { shape: sb, data: uniform(sb.reduce((p, d) => p * d, 1), 9, 0.5, 2) },
        ],
        gpu: ([a, b]) => op.gpu(a!, b!),
        reference: ([a, b]) => binaryReference(a!, sa, b!, sb, op.f).data,
      });
    }
  });
}

test('expand broadcasts to a larger shape and its gradient sums back', async () => {
  const data = uniform(3, 4);
  const x = tensor(engine, data, [3, 1]);
  const y = ops.expand(x, [2, 3, 4]);
  assertClose(await y.read(), binaryReference(data, [3, 1], [0], [2, 3, 4], (a) => a).data, F32_TOLERANCE, 'expand');
  await gradCheck(engine, {
    name: 'expand', inputs: [{ shape: [3, 1], data }],
    gpu: ([t]) => ops.expand(t!, [2, 3, 4]),
    reference: ([t]) => binaryReference(t!, [3, 1], [0], [2, 3, 4], (a) => a).data,
  });
});

test('add of [2,3] and [4] throws an error naming add and both shapes', () => {
  const a = tensor(engine, uniform(6, 1), [2, 3]);
  const b = tensor(engine, uniform(4, 2), [4]);
  assert.throws(() => ops.add(a, b), (e: Error) => /add/.test(e.message) && /\[2,3\]/.test(e.message) && /\[4\]/.test(e.message));
});

test('elementwise ops handle more elements than one dispatch of 65535 workgroups covers', async () => {
  const n = 65535 * 256 + 1001;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (i % 1000) * 0.001;
  const x = tensor(engine, data, [n]);
  const y = ops.affine(x, 2, 1);
  const out = await y.read();
  for (const i of [0, 1, 65535 * 256 - 1, 65535 * 256, n - 1]) assert.ok(Math.abs(out[i]! - (2 * data[i]! + 1)) < 1e-5, `element ${i}: ${out[i]}`);
  x.dispose();
  y.dispose();
});

test.run();
