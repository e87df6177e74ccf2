import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../../core/autograd.ts';
import { parameter, tensor } from '../../core/creation.ts';
import { square, sub } from '../../core/ops/elementwise.ts';
import { sum } from '../../core/ops/reduce.ts';
import { Adam, type AdamOptions } from '../../core/optim/adam.ts';
import { clipGradNorm } from '../../core/optim/clip-grad-norm.ts';
import { adamReferenceState, adamReferenceStep, clipGradNormReference } from '../../core/reference/optim.ts';
import type { Tensor } from '../../core/tensor.ts';
import { F32_TOLERANCE, assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();
const SIZES = [1, 7, 257, 100_003];

/** Gives p a fresh gradient (owned by p, as backward would leave it). */
function setGrad(p: Tensor, data: Float32Array): void {
  p.grad?.dispose();
  p.grad = engine.keep(tensor(engine, data, p.shape, `${p.name}.grad`));
}

function disposeAll(params: Tensor[]): void {
  for (const p of params) {
    p.grad?.dispose();
    p.dispose();
  }
}

const CONFIGS: { name: string; options: Required<Pick<AdamOptions, 'lr'>> & AdamOptions }[] = [
  { name: 'PyTorch defaults', options: { lr: 1e-2 } },
  { name: 'beta1 0.8, beta2 0.99, eps 1e-6, weight decay 0.05', options: { lr: 0.1, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05 } },
];

for (const { name, options } of CONFIGS) {
  test(`Adam (${name}) matches the float64 reference after each of its first 6 steps, sizes ${SIZES.join(', ')}`, async () => {
    const initial = SIZES.map((n, i) => uniform(n, 100 + i));
    const params = SIZES.map((n, i) => parameter(engine, initial[i]!, [n], `p${n}`));
    const references = initial.map((data) => adamReferenceState(data));
    const adam = new Adam(params, options);
    for (let step = 1; step <= 6; step++) {
      params.forEach((p, i) => {
        const grad = uniform(p.size, 1000 * step + i, -2, 2);
        setGrad(p, grad);
        adamReferenceStep(references[i]!, grad, options);
      });
      adam.step();
      const state = adam.getState();
      assert.is(state.step, step);
      for (let i = 0; i < params.length; i++) {
        const what = `step ${step}, size ${SIZES[i]}`;
        assertClose(await params[i]!.read(), references[i]!.param, F32_TOLERANCE, `${what}: param`);
        assertClose(await state.m[i]!.read(), references[i]!.m, F32_TOLERANCE, `${what}: m`);
        assertClose(await state.v[i]!.read(), references[i]!.v, F32_TOLERANCE, `${what}: v`);
      }
    }
    adam.dispose();
    disposeAll(params);
  });
}

// Sizes around a workgroup's 4096 values and a vec4, so slots start and end inside and on the edges of workgroups.
const GROUP_SIZES = [1, 4097, 3, 4096, 5, 4095, 17, 8193, 2, 100_003, 4];
const WITHOUT_GRAD = new Set([2, 7]);

for (const perDispatch of [1, 2, 3, 4]) {
  test(`Adam with ${perDispatch} tensor(s) a dispatch: ${GROUP_SIZES.length} tensors (two without gradients) match the float64 reference for 3 steps, in ${Math.ceil((GROUP_SIZES.length - WITHOUT_GRAD.size) / perDispatch)} dispatches a step`, async () => {
    const options = { lr: 0.1, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05, tensorsPerDispatch: perDispatch };
    const initial = GROUP_SIZES.map((n, i) => uniform(n, 300 + i));
    const params = GROUP_SIZES.map((n, i) => parameter(engine, initial[i]!, [n], `p${i}`));
    const references = initial.map((data) => adamReferenceState(data));
    const adam = new Adam(params, options);
    for (let step = 1; step <= 3; step++) {
      params.forEach((p, i) => {
        if (WITHOUT_GRAD.has(i)) return;
        const grad = uniform(p.size, 2000 * step + i, -2, 2);
        setGrad(p, grad);
        adamReferenceStep(references[i]!, grad, options);
      });
      engine.flush();
      const before = engine.counters.dispatches;
      adam.step();
      assert.is(engine.counters.dispatches - before, Math.ceil((GROUP_SIZES.length - WITHOUT_GRAD.size) / perDispatch), 'dispatches a step');
      const state = adam.getState();
      for (let i = 0; i < params.length; i++) {
        const what = `step ${step}, tensor ${i} of ${GROUP_SIZES[i]}`;
        assertClose(await params[i]!.read(), WITHOUT_GRAD.has(i) ? initial[i]! : references[i]!.param, F32_TOLERANCE, `${what}: param`);
        assertClose(await state.m[i]!.read(), WITHOUT_GRAD.has(i) ? new Float32Array(GROUP_SIZES[i]!) : references[i]!.m, F32_TOLERANCE, `${what}: m`);
        assertClose(await state.v[i]!.read(), WITHOUT_GRAD.has(i) ? new Float32Array(GROUP_SIZES[i]!) : references[i]!.v, F32_TOLERANCE, `${what}: v`);
      }
    }
    adam.dispose();
    disposeAll(params);
  });
}

test('Adam rejects a tensorsPerDispatch outside 1 to 4, and by default groups as many as the storage-buffer limit allows', () => {
  const p = parameter(engine, uniform(7, 1), [7], 'p');
  for (const bad of [0, 5, 1.5]) assert.throws(() => new Adam([p], { tensorsPerDispatch: bad }), /tensorsPerDispatch must be an integer from 1 to 4/);
  const params = Array.from({ length: 9 }, (_, i) => parameter(engine, uniform(7, i), [7], `q${i}`));
  params.forEach((q, i) => setGrad(q, uniform(7, 40 + i)));
  const adam = new Adam(params);
  engine.flush();
  const before = engine.counters.dispatches;
  adam.step();
  const perDispatch = Math.min(4, Math.floor(engine.device.limits.maxStorageBuffersPerShaderStage / 4));
  assert.is(engine.counters.dispatches - before, Math.ceil(9 / perDispatch));
  adam.dispose();
  disposeAll([p, ...params]);
});

test('the first Adam step moves every parameter by lr against its gradient (bias correction at work)', async () => {
  const lr = 0.01;
  const initial = uniform(257, 5);
  const grad = uniform(257, 6, -1, 1).map((g) => (Math.abs(g) < 1e-3 ? 0.5 : g));
  const p = parameter(engine, initial, [257], 'p');
  setGrad(p, grad);
  const adam = new Adam([p], { lr });
  adam.step();
  const expected = Float64Array.from(initial, (x, i) => x - lr * Math.sign(grad[i]!));
  // Without bias correction the step would be lr * 0.1 / sqrt(0.001), 3.2 times larger.
  assertClose(await p.read(), expected, { atol: 1e-6, rtol: 0 }, 'parameters after one step');
  adam.dispose();
  disposeAll([p]);
});

test('Adam skips parameters without a gradient: values and moments untouched', async () => {
  const withGrad = parameter(engine, uniform(7, 1), [7], 'withGrad');
  const initial = uniform(9, 2);
  const without = parameter(engine, initial, [9], 'without');
  setGrad(withGrad, uniform(7, 3));
  const adam = new Adam([withGrad, without], { lr: 0.1 });
  adam.step();
  adam.step();
  assert.equal([...(await without.read())], [...initial], 'the parameter without a gradient changed');
  const state = adam.getState();
  assert.ok((await state.m[1]!.read()).every((x) => x === 0), 'm of the skipped parameter changed');
  assert.ok((await state.v[1]!.read()).every((x) => x === 0), 'v of the skipped parameter changed');
  assert.ok((await state.m[0]!.read()).some((x) => x !== 0), 'm of the parameter with a gradient did not change');
  adam.dispose();
  disposeAll([withGrad, without]);
});

test('Adam minimises a quadratic: sum((x - target)^2) falls below 1e-4 of its start in 300 steps', async () => {
  const targetData = uniform(7, 11, -3, 3);
  const target = tensor(engine, targetData, [7], 'target');
  const x = parameter(engine, new Float32Array(7), [7], 'x');
  const adam = new Adam([x], { lr: 0.05 });
  const lossOf = () => sum(square(sub(x, target)));
  const start = await engine.tidy(lossOf).item();
  for (let step = 0; step < 300; step++) {
    engine.tidy(() => backward(lossOf()));
    adam.step();
    adam.zeroGrad();
  }
  const end = await engine.tidy(lossOf).item();
  assert.ok(end < 1e-4 * start, `loss went from ${start} to ${end}`);
  adam.dispose();
  target.dispose();
  disposeAll([x]);
});

test('Adam state saved with getState and loaded into a new optimizer continues identically', async () => {
  const initial = uniform(257, 21);
  const grads = [1, 2, 3, 4].map((s) => uniform(257, 30 + s));
  const run = async (split: boolean): Promise<Float32Array> => {
    const p = parameter(engine, initial, [257], 'p');
    let adam = new Adam([p], { lr: 0.05 });
    for (const [i, g] of grads.entries()) {
      if (split && i === 2) {
        const next = new Adam([p], { lr: 0.05 });
        next.loadState(adam.getState());
        adam.dispose();
        adam = next;
      }
      setGrad(p, g);
      adam.step();
    }
    const out = await p.read();
    adam.dispose();
    disposeAll([p]);
    return out;
  };
  assert.equal([...(await run(true))], [...(await run(false))]);
});

test('loadState rejects moments of the wrong shape, naming the parameter', () => {
  const p = parameter(engine, uniform(7, 1), [7], 'decoder.weight');
  const adam = new Adam([p]);
  const wrong = engine.tidy(() => engine.keep(tensor(engine, uniform(6, 1), [6])));
  assert.throws(() => adam.loadState({ step: 3, m: [wrong], v: [wrong] }), (e: Error) => /decoder\.weight/.test(e.message) && /\[6\]/.test(e.message) && /\[7\]/.test(e.message));
  wrong.dispose();
  adam.dispose();
  disposeAll([p]);
});

test('step() and clipGradNorm() record dispatches without submitting or reading back', () => {
  const params = SIZES.map((n, i) => parameter(engine, uniform(n, i), [n], `p${n}`));
  params.forEach((p, i) => setGrad(p, uniform(p.size, 50 + i)));
  const adam = new Adam(params);
  engine.flush();
  const before = { ...engine.counters };
  engine.tidy(() => clipGradNorm(params, 1));
  adam.step();
  assert.is(engine.counters.submits, before.submits, 'a submit happened inside step() or clipGradNorm()');
  assert.ok(engine.counters.dispatches > before.dispatches);
  adam.dispose();
  disposeAll(params);
});

for (const { maxNorm, clipped } of [{ maxNorm: 1, clipped: true }, { maxNorm: 1e4, clipped: false }]) {
  test(`clipGradNorm returns the global norm and ${clipped ? 'scales gradients above' : 'leaves gradients below'} maxNorm ${maxNorm}`, async () => {
    const sizes = [...SIZES, 1_000_000];
    const grads = sizes.map((n, i) => uniform(n, 70 + i));
    const params = sizes.map((n) => parameter(engine, new Float32Array(n), [n], `p${n}`));
    params.forEach((p, i) => setGrad(p, grads[i]!));
    const noGrad = parameter(engine, new Float32Array(5), [5], 'noGrad');
    const expected = clipGradNormReference(grads, maxNorm);
    assert.is(expected.norm > maxNorm, clipped);

    const submits = engine.counters.submits;
    const norm = clipGradNorm([...params, noGrad], maxNorm);
    assert.is(engine.counters.submits, submits, 'clipGradNorm submitted work');
    assert.equal([...norm.shape], []);
    assertClose([await norm.item()], [expected.norm], { atol: 0, rtol: 1e-5 }, 'global norm');
    for (const [i, p] of params.entries()) {
      const actual = await p.grad!.read();
      if (clipped) assertClose(actual, expected.clipped[i]!, F32_TOLERANCE, `clipped gradient of size ${sizes[i]}`);
      else assert.ok(actual.every((g, k) => g === grads[i]![k]), `gradient of size ${sizes[i]} changed below maxNorm`);
    }
    assert.is(noGrad.grad, null);
    norm.dispose();
    disposeAll([...params, noGrad]);
  });
}

test('clipGradNorm of parameters none of which has a gradient is 0', async () => {
  const p = parameter(engine, uniform(3, 1), [3], 'p');
  const norm = clipGradNorm([p], 1);
  assert.is(await norm.item(), 0);
  norm.dispose();
  disposeAll([p]);
});

test.run();
