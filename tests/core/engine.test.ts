// Engine-level specifications: memory stays flat over a long loop, the pool never races the command buffer being
// recorded, work is batched into few submits, seeded runs repeat bit for bit, and errors name what is wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type KernelLaunch, type KernelSource, u32 } from '../../core/kernels/launch.ts';
import { backward } from '../../core/autograd.ts';
import { zeroGrad } from '../../core/record-grad.ts';
import { BufferPool } from '../../core/buffer-pool.ts';
import { parameter, tensor } from '../../core/creation.ts';
import { KernelError } from '../../core/kernel-errors.ts';
import { dropout, randomNormal } from '../../core/ops/dropout.ts';
import { add, mul, mulScalar, sigmoid, sub, tanh } from '../../core/ops/elementwise.ts';
import { mean, sum } from '../../core/ops/reduce.ts';
import { F32_TOLERANCE, assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

test('a 1,000-step training loop keeps memory in use flat and the pool bounded', async () => {
  const weight = parameter(engine, uniform(64 * 32, 1), [64, 32], 'weight');
  const bias = parameter(engine, uniform(32, 2), [32], 'bias');
  const inputs = uniform(64 * 32, 3);
  let afterStep10 = engine.memory();
  for (let step = 1; step <= 1000; step++) {
    engine.tidy(() => {
      const x = tensor(engine, inputs, [64, 32], 'x');
      const hidden = tanh(add(mul(x, weight), bias));
      const loss = add(mean(mul(hidden, hidden)), sum(sigmoid(bias)));
      backward(loss);
    });
    zeroGrad([weight, bias]);
    if (step === 10) afterStep10 = engine.memory();
  }
  await engine.sync();
  const afterStep1000 = engine.memory();
  assert.is(afterStep1000.inUseBytes, afterStep10.inUseBytes, 'bytes in use grew between step 10 and step 1000');
  assert.is(afterStep1000.inUseBuffers, afterStep10.inUseBuffers, 'buffers in use grew between step 10 and step 1000');
  assert.ok(afterStep1000.pooledBytes <= afterStep10.pooledBytes, `pooled bytes grew from ${afterStep10.pooledBytes} at step 10 to ${afterStep1000.pooledBytes} at step 1000`);
  weight.dispose();
  bias.dispose();
});

test('the buffer pool does not hand out a buffer freed since the last submit, and does after it', () => {
  const pool = new BufferPool(engine.device, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
  const first = pool.acquire(1000, 'first');
  pool.release(first);
  const second = pool.acquire(1000, 'second');
  assert.not.ok(first === second, 'a buffer freed in the batch being recorded was handed out again');
  assert.equal(pool.report(), { inUseBytes: 1024, pooledBytes: 1024, inUseBuffers: 1, pooledBuffers: 1 });
  pool.markSubmitted();
  const third = pool.acquire(1000, 'third');
  assert.ok(third === first, 'a buffer freed before the submit was not reused');
  assert.equal(pool.report(), { inUseBytes: 2048, pooledBytes: 0, inUseBuffers: 2, pooledBuffers: 0 });
  for (const b of [second, third]) pool.release(b);
  pool.markSubmitted();
  pool.trim();
  assert.equal(pool.report(), { inUseBytes: 0, pooledBytes: 0, inUseBuffers: 0, pooledBuffers: 0 });
});

test('many ops between two reads are one submit', async () => {
  const data = uniform(1000, 4);
  const x = tensor(engine, data, [1000]);
  await x.read();
  const before = { ...engine.counters };
  const y = engine.tidy(() => {
    let t = x;
    for (let i = 0; i < 50; i++) t = sub(mulScalar(t, 0.5), tanh(t));
    return t;
  });
  const expected = Float64Array.from(data);
  for (let i = 0; i < 50; i++) {
    for (let k = 0; k < expected.length; k++) expected[k] = 0.5 * expected[k]! - Math.tanh(expected[k]!);
  }
  assertClose(await y.read(), expected, F32_TOLERANCE, '50 chained ops');
  assert.is(engine.counters.dispatches - before.dispatches, 150);
  assert.is(engine.counters.submits - before.submits, 1, 'submits between the two reads');
  x.dispose();
  y.dispose();
});

test('the same seed gives bit-identical results twice (noise, dropout forward and backward, reductions)', async () => {
  const run = async (seed: number): Promise<Uint32Array> => {
    engine.seed(seed);
    const x = parameter(engine, uniform(10_000, 5), [10_000], 'x');
    const values = await engine.tidy(() => {
      const noisy = add(x, randomNormal(engine, [10_000], 0, 0.1));
      const dropped = dropout(noisy, 0.3, true);
      backward(sum(mul(dropped, dropped)));
      return [mean(dropped), x.grad!];
    });
    const out = new Float32Array([...(await values[0]!.read()), ...(await values[1]!.read())]);
    x.grad?.dispose();
    x.dispose();
    return new Uint32Array(out.buffer);
  };
  const first = await run(1234);
  const second = await run(1234);
  const other = await run(4321);
  assert.ok(first.every((bits, i) => bits === second[i]), 'two runs with seed 1234 differ');
  assert.not.ok(first.every((bits, i) => bits === other[i]), 'seeds 1234 and 4321 gave the same result');
});

test('a WGSL compile error is a KernelError naming the kernel and pointing at the line; the engine keeps working', async () => {
  const broken: KernelSource = {
    name: 'broken_on_purpose',
    file: 'tests/engine/broken-on-purpose.wgsl',
    code: [
      'struct Params { n: u32 }',
      '@group(0) @binding(0) var<uniform> params: Params;',
      '@group(0) @binding(1) var<storage, read_write> out: array<f32>;',
      '@compute @workgroup_size(64)',
      'fn main(@builtin(global_invocation_id) id: vec3u) {',
      '  out[id.x] = undefined_value * f32(params.n);',
      '}',
    ].join('\n'),
  };
  const out = engine.tidy(() => engine.keep(tensor(engine, new Float32Array(64), [64])));
  const launch: KernelLaunch = {
    kernel: broken, entry: 'main', params: { n: u32(64) }, buffers: [out.buffer], workgroups: [1, 1, 1],
    flops: 0, bytes: 0, shapes: '[64]',
  };
  let caught: unknown = null;
  try {
    engine.dispatch(launch);
    await engine.sync();
  } catch (error) {
    caught = error;
  }
  assert.instance(caught, KernelError, `expected a KernelError, got ${String(caught)}`);
  const message = (caught as KernelError).message;
  assert.match(message, 'broken_on_purpose');
  assert.match(message, 'tests/engine/broken-on-purpose.wgsl:6');
  assert.match(message, '  out[id.x] = undefined_value * f32(params.n);');
  assert.match(message, /\n\s+\|\s+\^/, 'no caret under the offending line');
  out.dispose();

  // Errors the broken dispatch left behind (its bind group, its command buffer) must not leak into later work.
  await engine.sync().catch(() => undefined);
  const sumOfSquares = await engine.tidy(() => {
    const x = tensor(engine, [1, 2, 3], [3]);
    return sum(mul(x, x));
  }).item();
  assert.is(sumOfSquares, 14);
  await engine.sync();
});

test('a shape mismatch in add names the op and both shapes', () => {
  engine.tidy(() => {
    const a = tensor(engine, uniform(6, 1), [2, 3]);
    const b = tensor(engine, uniform(4, 2), [4]);
    assert.throws(() => add(a, b), (e: Error) => /add/.test(e.message) && e.message.includes('[2,3]') && e.message.includes('[4]'));
  });
});

test('using a disposed tensor throws naming it', () => {
  engine.tidy(() => {
    const a = tensor(engine, uniform(6, 1), [2, 3], 'encoder.activations');
    const b = tensor(engine, uniform(6, 2), [2, 3]);
    a.dispose();
    assert.throws(() => add(a, b), (e: Error) => e.message.includes('encoder.activations') && /disposed/.test(e.message));
  });
});

test.run();
