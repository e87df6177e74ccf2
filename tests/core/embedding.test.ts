// The engine inside someone else's application: handed the application's GPUDevice it adds no listener to it
// (no 'uncapturederror', no onuncapturederror, no device.lost), still reports its own errors (error scopes),
// prints nothing unless given a log, and dispose() destroys every buffer it made while the device lives on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../../core/autograd.ts';
import { tensor } from '../../core/creation.ts';
import { requestEngineDevice } from '../../core/device-request.ts';
import { Engine } from '../../core/engine.ts';
import { KernelError } from '../../core/kernel-errors.ts';
import { type KernelLaunch, u32 } from '../../core/kernels/launch.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { Linear } from '../../core/nn/layers.ts';
import { mseLoss } from '../../core/ops/loss.ts';
import { Adam } from '../../core/optim/adam.ts';
import { createNodeEngine, dawnGpu } from '../../runtime-node/device.ts';
import { uniform } from '../helpers/random.ts';

/** An application's device, watched: which listeners are added and which buffers are made and destroyed. */
async function watchedDevice() {
  const adapter = (await dawnGpu().requestAdapter({ forceFallbackAdapter: true })) ?? (await dawnGpu().requestAdapter());
  if (!adapter) throw new Error('no WebGPU adapter (run ./setup.sh)');
  const device = await requestEngineDevice(adapter);
  const listeners: string[] = [];
  const created = new Set<GPUBuffer>();
  const destroyed = new Set<GPUBuffer>();
  const addEventListener = device.addEventListener.bind(device);
  device.addEventListener = ((type: string, ...rest: [never, never]) => {
    listeners.push(`addEventListener('${type}')`);
    addEventListener(type as 'uncapturederror', ...rest);
  }) as GPUDevice['addEventListener'];
  const lost = device.lost;
  Object.defineProperty(device, 'lost', { get: () => (listeners.push('device.lost'), lost) });
  Object.defineProperty(device, 'onuncapturederror', { get: () => null, set: () => listeners.push('onuncapturederror') });
  const createBuffer = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = createBuffer(descriptor);
    created.add(buffer);
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      destroyed.add(buffer);
      destroy();
    };
    return buffer;
  };
  return { device, listeners, created, destroyed };
}

/** One Adam step of a linear regression: returns the loss before and after. */
async function tinyTrainingStep(engine: Engine): Promise<[number, number]> {
  const layer = new Linear(engine, 'layer', 8, 2, new InitRandom(3));
  const optimizer = new Adam(layer.parameters(), { lr: 0.05 });
  const x = engine.keep(tensor(engine, uniform(16 * 8, 1), [16, 8], 'x'));
  const y = engine.keep(tensor(engine, uniform(16 * 2, 2), [16, 2], 'y'));
  const losses: number[] = [];
  for (let step = 0; step < 2; step++) {
    const loss = engine.tidy(() => {
      const l = mseLoss(layer.forward(x), y);
      backward(l);
      optimizer.step();
      optimizer.zeroGrad();
      return l;
    });
    losses.push(await loss.item());
    loss.dispose();
  }
  return [losses[0]!, losses[1]!];
}

/** Everything written to the console, stdout and stderr while fn runs. */
async function consoleOutput(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  const [out, err] = [process.stdout.write, process.stderr.write];
  for (const m of methods) console[m] = (...args: unknown[]) => void seen.push(`console.${m}: ${args.join(' ')}`);
  process.stdout.write = ((chunk: string | Uint8Array) => (seen.push(`stdout: ${String(chunk)}`), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (seen.push(`stderr: ${String(chunk)}`), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    methods.forEach((m, i) => (console[m] = saved[i]!));
    [process.stdout.write, process.stderr.write] = [out, err];
  }
  return seen;
}

test('handed a device, the engine adds no listener to it, trains, and dispose() destroys every buffer it made', async () => {
  const app = await watchedDevice();
  const appBuffer = app.device.createBuffer({ size: 64, usage: GPUBufferUsage.STORAGE, label: "the app's own buffer" });
  const engine = await createNodeEngine({ device: app.device });
  assert.is(engine.ownsDevice, false);
  assert.ok(engine.info.adapter.length > 0, 'no adapter description from device.adapterInfo');
  const [before, after] = await tinyTrainingStep(engine);
  assert.ok(after < before, `the loss did not fall in one Adam step: ${before} -> ${after}`);
  assert.equal(app.listeners, [], `the engine touched the device's events: ${app.listeners.join(', ')}`);

  const made = [...app.created].filter((b) => b !== appBuffer);
  assert.ok(made.length >= 5, `expected the engine to have made buffers, saw ${made.length}`);
  engine.dispose();
  const left = made.filter((b) => !app.destroyed.has(b)).map((b) => b.label);
  assert.equal(left, [], `buffers the engine made and did not destroy: ${left.join(', ')}`);
  assert.not.ok(app.destroyed.has(appBuffer), "dispose() destroyed the application's own buffer");
  assert.equal(engine.memory(), { inUseBytes: 0, pooledBytes: 0, inUseBuffers: 0, pooledBuffers: 0 });
  assert.equal(app.listeners, [], `dispose touched the device's events: ${app.listeners.join(', ')}`);

  // The device is the application's: still alive, and a new engine on it works.
  const again = await createNodeEngine({ device: app.device });
  const sum = await again.tidy(() => tensor(again, [1, 2, 3], [3])).read();
  assert.equal(Array.from(sum), [1, 2, 3]);
  again.dispose();
  app.device.destroy();
});

test('on a handed device an invalid dispatch is still an error at the next sync, naming the kernel, with no listener', async () => {
  const app = await watchedDevice();
  const engine = new Engine(app.device);
  const kernel = {
    name: 'needs_512_bytes', file: 'tests/core/needs-512-bytes.wgsl',
    code: [
      'struct Params { n: u32 }',
      '@group(0) @binding(0) var<uniform> params: Params;',
      '@group(0) @binding(1) var<storage, read_write> out: array<vec4f, 32>;',
      '@compute @workgroup_size(1) fn main() { out[params.n] = vec4f(1.0); }',
    ].join('\n'),
  };
  const small = engine.keep(tensor(engine, [1, 2, 3, 4], [4], 'small'));
  const launch: KernelLaunch = { kernel, entry: 'main', params: { n: u32(0) }, buffers: [small.buffer], workgroups: [1, 1, 1], flops: 0, bytes: 0, shapes: '[4]' };
  let caught: unknown = null;
  try {
    engine.dispatch(launch);
    await engine.sync();
  } catch (error) {
    caught = error;
  }
  assert.instance(caught, KernelError, `expected a KernelError, got ${String(caught)}`);
  assert.match((caught as Error).message, 'needs_512_bytes.main', 'the error does not name the kernel entry');
  assert.equal(app.listeners, []);
  // The error was reported once; the engine goes on working.
  assert.equal(Array.from(await small.read()), [1, 2, 3, 4]);
  engine.dispose();
  app.device.destroy();
});

test('the engine prints nothing unless given a log; with one it says which adapter it took', async () => {
  const seen = await consoleOutput(async () => {
    const engine = await createNodeEngine();
    await tinyTrainingStep(engine);
    engine.dispose();
  });
  assert.equal(seen, [], `unasked output:\n${seen.join('\n')}`);
  const lines: string[] = [];
  const engine = await createNodeEngine({ log: (line) => lines.push(line) });
  assert.is(lines.length, 1);
  assert.match(lines[0]!, /^posedyn: using (software|hardware) adapter /);
  engine.dispose();
});

test('dispose() of an engine that made its device destroys the device; using the engine after throws plainly', async () => {
  const engine = await createNodeEngine();
  assert.is(engine.ownsDevice, true);
  const x = tensor(engine, [1, 2], [2], 'x');
  engine.dispose();
  engine.dispose();
  const lost = await engine.device.lost;
  assert.is(lost.reason, 'destroyed');
  assert.throws(() => tensor(engine, [1], [1], 'late'), /disposed/);
  await engine.sync().then(() => assert.unreachable('sync after dispose resolved'), (error: Error) => assert.match(error.message, 'engine was disposed'));
  x.dispose();
});

test.run();
