// The bind group cache (core/bind-group-cache.ts): the same pipeline, uniform slice and buffers give the same bind
// group back; anything else, or a buffer made later (even after the first was destroyed), makes a new one; and a
// repeated run through the engine computes what a fresh engine does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BindGroupCache } from '../../core/bind-group-cache.ts';
import { tensor } from '../../core/creation.ts';
import { add, mulScalar } from '../../core/ops/elementwise.ts';
import { testEngine } from '../helpers/engine.ts';

const engine = await testEngine();
const device = engine.device;
const module = device.createShaderModule({
  code: `@group(0) @binding(0) var<uniform> p: vec4u; @group(0) @binding(1) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { if (g.x < p.x) { x[g.x] = x[g.x] + 1.0; } }`,
});
const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
const uniforms = device.createBuffer({ size: 1024, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
const storage = () => device.createBuffer({ size: 256, usage: GPUBufferUsage.STORAGE });

test('the same pipeline, slice and buffers give the same group; another slice, buffer or pipeline a new one', () => {
  const cache = new BindGroupCache(device);
  const a = storage();
  const b = storage();
  const first = cache.get(pipeline, uniforms, 0, 16, [a], 'test');
  assert.is(cache.get(pipeline, uniforms, 0, 16, [a], 'test'), first);
  assert.is.not(cache.get(pipeline, uniforms, 256, 16, [a], 'test'), first, 'another uniform offset');
  assert.is.not(cache.get(pipeline, uniforms, 0, 16, [b], 'test'), first, 'another buffer');
  const other = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  assert.is.not(cache.get(other, uniforms, 0, 16, [a], 'test'), first, 'another pipeline');
  assert.equal([cache.hits, cache.misses], [1, 4]);
  a.destroy();
  const c = storage();
  assert.is.not(cache.get(pipeline, uniforms, 0, 16, [c], 'test'), first, 'a buffer made after one was destroyed');
});

test('runs repeated on pooled buffers compute the same values as the first', async () => {
  const x = tensor(engine, Float32Array.from({ length: 1000 }, (_, i) => i / 7), [1000]);
  const run = () => engine.tidy(() => add(mulScalar(x, 3), x));
  const first = await run().read();
  for (let i = 0; i < 5; i++) {
    const y = run();
    assert.equal(Array.from(await y.read()), Array.from(first), `run ${i + 2}`);
    y.dispose();
  }
  x.dispose();
});

test.run();
