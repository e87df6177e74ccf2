import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../../core/autograd.ts';
import { parameter, tensor } from '../../core/creation.ts';
import { conv1d, convTranspose1d, upsampleNearest1d } from '../../core/ops/conv1d.ts';
import { conv1dForwardLaunch, conv1dGradInputLaunch } from '../../core/kernels/conv1d.ts';
import {
  type ConvReferenceShape, conv1dGradBiasReference, conv1dGradInputReference, conv1dGradWeightReference,
  conv1dOutputLengthReference, conv1dReference, convTranspose1dOutputLengthReference, convTranspose1dReference,
  upsampleNearest1dBackwardReference, upsampleNearest1dReference,
} from '../../core/reference/conv1d.ts';
import type { Tensor } from '../../core/tensor.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();
// Sums of n float32 products of values in [-1, 1]: the rounding error grows with n.
const sumTolerance = (n: number) => ({ atol: 2e-6 * Math.max(n, 4), rtol: 1e-4 });

interface ConvCase extends ConvReferenceShape {
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly bias: boolean;
}

const describe = (c: ConvCase) =>
  `x [${c.batch},${c.inChannels},${c.inLength}] w [${c.outChannels},${c.inChannels},${c.kernelSize}] stride ${c.stride} padding ${c.padding} dilation ${c.dilation}${c.bias ? '' : ' no bias'}`;

const CASES: ConvCase[] = [
  { batch: 1, inChannels: 1, outChannels: 1, inLength: 7, kernelSize: 1, stride: 1, padding: 0, dilation: 1, bias: true },
  { batch: 2, inChannels: 3, outChannels: 5, inLength: 255, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true },
  { batch: 1, inChannels: 4, outChannels: 6, inLength: 257, kernelSize: 5, stride: 2, padding: 2, dilation: 1, bias: false },
  { batch: 3, inChannels: 5, outChannels: 3, inLength: 31, kernelSize: 3, stride: 1, padding: 2, dilation: 2, bias: true },
  { batch: 2, inChannels: 6, outChannels: 7, inLength: 257, kernelSize: 4, stride: 2, padding: 1, dilation: 2, bias: true },
  { batch: 1, inChannels: 1, outChannels: 8, inLength: 64, kernelSize: 7, stride: 1, padding: 3, dilation: 1, bias: true },
  { batch: 2, inChannels: 9, outChannels: 1, inLength: 33, kernelSize: 2, stride: 3, padding: 0, dilation: 1, bias: true },
  { batch: 5, inChannels: 2, outChannels: 2, inLength: 1, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true },
  { batch: 1, inChannels: 16, outChannels: 16, inLength: 100, kernelSize: 5, stride: 1, padding: 2, dilation: 1, bias: true },
  // Few weights over a long sequence: the weight gradient's (batch, time) sum is split over many threads.
  { batch: 4, inChannels: 1, outChannels: 2, inLength: 2001, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true },
];

function makeInputs(c: ConvCase, seed: number) {
  return {
    x: uniform(c.batch * c.inChannels * c.inLength, seed),
    w: uniform(c.outChannels * c.inChannels * c.kernelSize, seed + 1),
    b: uniform(c.outChannels, seed + 2),
  };
}

test(`conv1d forward, grad-input, grad-weight and grad-bias match the float64 reference for ${CASES.length} shapes (B, Cin, Cout, K = 1; odd lengths, 255, 257; stride 2, dilation 2, padding 0/1/2)`, async () => {
  for (const [n, c] of CASES.entries()) {
    const { x: xData, w: wData, b: bData } = makeInputs(c, 10 * n);
    const options = { stride: c.stride, padding: c.padding, dilation: c.dilation };
    const lout = conv1dOutputLengthReference(c, options);
    const dyData = uniform(c.batch * c.outChannels * lout, 10 * n + 3);
    const x = parameter(engine, xData, [c.batch, c.inChannels, c.inLength], 'x');
    const w = parameter(engine, wData, [c.outChannels, c.inChannels, c.kernelSize], 'w');
    const b = c.bias ? parameter(engine, bData, [c.outChannels], 'b') : null;
    const dy = tensor(engine, dyData, [c.batch, c.outChannels, lout], 'dy');
    const y = conv1d(x, w, b, options);
    assert.equal([...y.shape], [c.batch, c.outChannels, lout], `shape for ${describe(c)}`);
    const terms = c.inChannels * c.kernelSize;
    assertClose(await y.read(), conv1dReference(xData, wData, c.bias ? bData : null, c, options), sumTolerance(terms), `forward, ${describe(c)}`);
    backward(y, dy);
    assertClose(await x.grad!.read(), conv1dGradInputReference(dyData, wData, c, options), sumTolerance(c.outChannels * c.kernelSize), `grad-input, ${describe(c)}`);
    assertClose(await w.grad!.read(), conv1dGradWeightReference(dyData, xData, c, options), sumTolerance(c.batch * lout), `grad-weight, ${describe(c)}`);
    if (b) assertClose(await b.grad!.read(), conv1dGradBiasReference(dyData, c.batch, c.outChannels, lout), sumTolerance(c.batch * lout), `grad-bias, ${describe(c)}`);
    for (const t of [x, w, b, dy, y, x.grad, w.grad, b?.grad]) t?.dispose();
  }
});

test('conv1d forward and backward cover more than 65535 workgroups (a 2-D dispatch grid)', async () => {
  // A thread a batch item (its 1 position and 1 channel fill one block), 64 threads a workgroup.
  const c: ConvCase = { batch: 65535 * 64 + 999, inChannels: 1, outChannels: 1, inLength: 1, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true };
  const options = { padding: 1 };
  const { x: xData, w: wData, b: bData } = makeInputs(c, 99);
  const x = parameter(engine, xData, [c.batch, 1, 1], 'x');
  const w = parameter(engine, wData, [1, 1, 3], 'w');
  const b = parameter(engine, bData, [1], 'b');
  const geometry = { ...c, outLength: 1 };
  assert.ok(conv1dForwardLaunch(geometry, x.buffer, w.buffer, null, x.buffer).workgroups[1] > 1, 'the forward grid should be 2-D');
  assert.ok(conv1dGradInputLaunch(geometry, x.buffer, w.buffer, null, x.buffer).workgroups[1] > 1, 'the grad_input grid should be 2-D');
  const y = conv1d(x, w, b, options);
  const yData = conv1dReference(xData, wData, bData, c, options);
  assertClose(await y.read(), yData, sumTolerance(3), 'forward');
  backward(y, y);
  assertClose(await x.grad!.read(), conv1dGradInputReference(yData, wData, c, options), sumTolerance(3), 'grad-input');
  assertClose(await w.grad!.read(), conv1dGradWeightReference(yData, xData, c, options), { atol: 1e-2, rtol: 1e-4 }, 'grad-weight');
  assertClose(await b.grad!.read(), conv1dGradBiasReference(yData, c.batch, 1, 1), { atol: 1e-2, rtol: 1e-4 }, 'grad-bias');
  for (const t of [x, w, b, y, x.grad, w.grad, b.grad]) t?.dispose();
});

const GRAD_CASES: ConvCase[] = [
  { batch: 2, inChannels: 3, outChannels: 2, inLength: 9, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true },
  { batch: 1, inChannels: 2, outChannels: 3, inLength: 11, kernelSize: 3, stride: 2, padding: 1, dilation: 1, bias: true },
  { batch: 2, inChannels: 1, outChannels: 5, inLength: 13, kernelSize: 2, stride: 1, padding: 2, dilation: 2, bias: true },
  { batch: 1, inChannels: 5, outChannels: 1, inLength: 17, kernelSize: 3, stride: 2, padding: 0, dilation: 2, bias: true },
  { batch: 3, inChannels: 2, outChannels: 2, inLength: 5, kernelSize: 1, stride: 1, padding: 0, dilation: 1, bias: true },
];

for (const c of GRAD_CASES) {
  test(`conv1d backward matches finite differences for x, weight and bias: ${describe(c)}`, async () => {
    const { x, w, b } = makeInputs(c, 7);
    const options = { stride: c.stride, padding: c.padding, dilation: c.dilation };
    await gradCheck(engine, {
      name: `conv1d ${describe(c)}`,
      inputs: [
        { shape: [c.batch, c.inChannels, c.inLength], data: x },
        { shape: [c.outChannels, c.inChannels, c.kernelSize], data: w },
        { shape: [c.outChannels], data: b },
      ],
      gpu: ([xt, wt, bt]) => conv1d(xt!, wt!, bt!, options),
      reference: ([xr, wr, br]) => conv1dReference(xr!, wr!, br!, c, options),
    });
  });
}

test('conv1d without a bias computes gradients for x and weight only', async () => {
  const c = GRAD_CASES[1]!;
  const { x, w } = makeInputs(c, 8);
  await gradCheck(engine, {
    name: 'conv1d no bias',
    inputs: [{ shape: [c.batch, c.inChannels, c.inLength], data: x }, { shape: [c.outChannels, c.inChannels, c.kernelSize], data: w }],
    gpu: ([xt, wt]) => conv1d(xt!, wt!, null, { stride: 2, padding: 1 }),
    reference: ([xr, wr]) => conv1dReference(xr!, wr!, null, c, { stride: 2, padding: 1 }),
  });
});

interface TransposeCase {
  readonly batch: number; readonly inChannels: number; readonly outChannels: number; readonly inLength: number; readonly kernelSize: number;
  readonly stride: number; readonly padding: number; readonly outputPadding: number; readonly dilation: number;
}

const describeTranspose = (c: TransposeCase) =>
  `x [${c.batch},${c.inChannels},${c.inLength}] w [${c.inChannels},${c.outChannels},${c.kernelSize}] stride ${c.stride} padding ${c.padding} outputPadding ${c.outputPadding} dilation ${c.dilation}`;

const TRANSPOSE_CASES: TransposeCase[] = [
  { batch: 2, inChannels: 3, outChannels: 5, inLength: 129, kernelSize: 4, stride: 2, padding: 1, outputPadding: 1, dilation: 1 },
  { batch: 1, inChannels: 6, outChannels: 2, inLength: 31, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, dilation: 1 },
  { batch: 3, inChannels: 1, outChannels: 1, inLength: 8, kernelSize: 1, stride: 1, padding: 0, outputPadding: 0, dilation: 1 },
  { batch: 1, inChannels: 4, outChannels: 3, inLength: 17, kernelSize: 3, stride: 3, padding: 2, outputPadding: 2, dilation: 2 },
  { batch: 2, inChannels: 2, outChannels: 3, inLength: 10, kernelSize: 3, stride: 1, padding: 1, outputPadding: 1, dilation: 2 },
];

test(`convTranspose1d forward and input gradient match the float64 reference for ${TRANSPOSE_CASES.length} shapes (stride 2 with outputPadding 1)`, async () => {
  for (const [n, c] of TRANSPOSE_CASES.entries()) {
    const lout = convTranspose1dOutputLengthReference(c.inLength, c.kernelSize, c);
    const xData = uniform(c.batch * c.inChannels * c.inLength, n);
    const wData = uniform(c.inChannels * c.outChannels * c.kernelSize, n + 1);
    const bData = uniform(c.outChannels, n + 2);
    const dyData = uniform(c.batch * c.outChannels * lout, n + 3);
    const x = parameter(engine, xData, [c.batch, c.inChannels, c.inLength], 'x');
    const w = parameter(engine, wData, [c.inChannels, c.outChannels, c.kernelSize], 'w');
    const b = parameter(engine, bData, [c.outChannels], 'b');
    const y = convTranspose1d(x, w, b, c);
    assert.equal([...y.shape], [c.batch, c.outChannels, lout], `shape, ${describeTranspose(c)}`);
    assertClose(await y.read(), convTranspose1dReference(xData, wData, bData, c, c), sumTolerance(c.inChannels * c.kernelSize), `forward, ${describeTranspose(c)}`);
    backward(y, tensor(engine, dyData, y.shape, 'dy'));
    // Its input gradient is conv1d of dy with the same weight read as [out = Cin, in = Cout, K], cut to length L.
    const asConv = { batch: c.batch, inChannels: c.outChannels, inLength: lout, outChannels: c.inChannels, kernelSize: c.kernelSize };
    const full = conv1dReference(dyData, wData, null, asConv, c);
    const convLength = conv1dOutputLengthReference(asConv, c);
    const expected = new Float64Array(c.batch * c.inChannels * c.inLength);
    for (let row = 0; row < c.batch * c.inChannels; row++) {
      for (let t = 0; t < c.inLength; t++) expected[row * c.inLength + t] = full[row * convLength + t]!;
    }
    assertClose(await x.grad!.read(), expected, sumTolerance(c.outChannels * c.kernelSize), `grad-input, ${describeTranspose(c)}`);
    assertClose(await b.grad!.read(), conv1dGradBiasReference(dyData, c.batch, c.outChannels, lout), sumTolerance(c.batch * lout), `grad-bias, ${describeTranspose(c)}`);
    for (const t of [x, w, b, y, x.grad, w.grad, b.grad]) t?.dispose();
  }
});

for (const c of TRANSPOSE_CASES.slice(1)) {
  test(`convTranspose1d backward matches finite differences for x, weight and bias: ${describeTranspose(c)}`, async () => {
    const inputs = [
      { shape: [c.batch, c.inChannels, c.inLength], data: uniform(c.batch * c.inChannels * c.inLength, 21) },
      { shape: [c.inChannels, c.outChannels, c.kernelSize], data: uniform(c.inChannels * c.outChannels * c.kernelSize, 22) },
      { shape: [c.outChannels], data: uniform(c.outChannels, 23) },
    ];
    await gradCheck(engine, {
      name: `convTranspose1d ${describeTranspose(c)}`,
      inputs,
      gpu: ([xt, wt, bt]) => convTranspose1d(xt!, wt!, bt!, c),
      reference: ([xr, wr, br]) => convTranspose1dReference(xr!, wr!, br!, c, c),
    });
  });
}

test('upsampleNearest1d repeats each position factor times and its gradient sums them, for factors 1, 2, 3', async () => {
  for (const factor of [1, 2, 3]) {
    const shape = [2, 3, 17];
    const data = uniform(2 * 3 * 17, factor);
    const x = parameter(engine, data, shape, 'x');
    const y = upsampleNearest1d(x, factor);
    assert.equal([...y.shape], [2, 3, 17 * factor]);
    assertClose(await y.read(), upsampleNearest1dReference(data, 6, 17, factor), { atol: 0, rtol: 0 }, `upsample x${factor}`);
    const dyData = uniform(y.size, 40 + factor);
    backward(y, tensor(engine, dyData, y.shape, 'dy'));
    assertClose(await x.grad!.read(), upsampleNearest1dBackwardReference(dyData, 6, 17, factor), sumTolerance(factor), `upsample x${factor} backward`);
    for (const t of [x, y, x.grad]) t?.dispose();
  }
  await gradCheck(engine, {
    name: 'upsampleNearest1d x2', inputs: [{ shape: [1, 2, 5], data: uniform(10, 5) }],
    gpu: ([t]) => upsampleNearest1d(t!, 2), reference: ([t]) => upsampleNearest1dReference(t!, 2, 5, 2),
  });
});

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
