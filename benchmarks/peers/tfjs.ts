// TensorFlow.js as a peer: the matmul and conv1d rows of benchmarks/kernels.ts in its WebGPU backend (on the
// same Dawn and the same lavapipe adapter as posedyn) and in its WASM backend (SIMD, one thread).
//
// Each backend runs in its own Node process, so neither TF.js's global state nor dawn.node's polling overlaps
// posedyn's measurements: runTfjsPeer() spawns this file, which prints one JSON line (PeerOutput) last.
// TF.js 4.x finds WebGPU through navigator.gpu; in Node that is the `webgpu` package's GPU object, installed
// below before TF.js is imported.
//
// Convolutions use TF.js's conv2d kernels on [B, 1, L, C] with [1, K, Cin, Cout] filters and explicit
// padding: its conv1d is the same call. Gradients are its Conv2DBackpropInput / Conv2DBackpropFilter kernels.
//
// Run directly: node --import ./runtime-node/register.mjs benchmarks/peers/tfjs.ts webgpu|wasm CASES TIMING
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TimingOptions, timeRuns } from '../harness.ts';
import { type Conv1dCase, type MatmulCase, type PeerCase, type PeerOutput, convOutputLength } from './cases.ts';

export type TfjsBackend = 'webgpu' | 'wasm';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Runs the cases in a TF.js subprocess; resolves with its output, or with every case skipped and why. */
export function runTfjsPeer(backend: TfjsBackend, cases: readonly PeerCase[], timing: TimingOptions, timeoutMs: number): Promise<PeerOutput> {
  const peer = `tfjs-${backend}`;
  const args = ['--import', join(root, 'runtime-node/register.mjs'), fileURLToPath(import.meta.url), backend, JSON.stringify(cases), JSON.stringify(timing)];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as PeerOutput);
      } catch {
        const why = signal ? `killed by ${signal} (timeout ${timeoutMs} ms?)` : `exit ${code}`;
        const detail = (stderr.trim().split('\n').filter((l) => !l.startsWith('Warning:')).at(-1) ?? '').slice(0, 200);
        const skipped = `${peer} subprocess failed: ${why}${detail ? `: ${detail}` : ''}`;
        resolve({ peer, notes: [skipped], results: cases.map((c) => ({ name: c.name, skipped })) });
      }
    });
  });
}

// ------------------------------------------------------------------------------------------ the subprocess

export type Tf = typeof import('@tensorflow/tfjs');

/** The parts of TF.js's WebGPU backend (4.x, not public API) needed to submit its recorded work and wait. */
export interface WebGpuBackendInternals {
  readonly device: GPUDevice;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}
type TfTensor = import('@tensorflow/tfjs').Tensor;

/** Installs Dawn as navigator.gpu, the way a browser would expose WebGPU to TF.js. */
async function installWebGpu(): Promise<void> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  // Kept on globalThis for the life of the process: Dawn aborts if this object is collected.
  const gpu = create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true, writable: true });
}

/** Loads TF.js with the backend ready (WebGPU on Dawn, or WASM with SIMD and one thread); notes its version. */
export async function loadTf(backend: TfjsBackend, notes: string[]): Promise<Tf> {
  if (backend === 'webgpu') await installWebGpu();
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries ship in the package; the path must end with a slash.
    wasm.setWasmPaths(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
    wasm.setThreadsCount(1);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend '${backend}' failed to initialise`);
  await tf.ready();
  notes.push(`TF.js ${tf.version.tfjs} backend ${tf.getBackend()}`);
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    notes.push(`tfjs-wasm threads: ${wasm.getThreadsCount()}, SIMD: ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}`);
  }
  return tf;
}

/** Values in [-1, 1): tf.randomUniform runs on the backend, so no upload is timed. */
const random = (tf: Tf, shape: number[]) => tf.randomUniform(shape, -1, 1, 'float32');

/** A run of the case, returning the output tensor (disposed by the caller once the run has finished). */
function caseRunner(tf: Tf, c: PeerCase): { run: () => TfTensor; inputs: TfTensor[] } {
  switch (c.kind) {
    case 'matmul':
      return matmulRunner(tf, c);
    case 'conv1d':
      return convRunner(tf, c);
    default:
      return c satisfies never;
  }
}

function matmulRunner(tf: Tf, c: MatmulCase): { run: () => TfTensor; inputs: TfTensor[] } {
  const a = random(tf, [c.m, c.k]);
  const b = random(tf, c.transposeB ? [c.n, c.k] : [c.k, c.n]);
  const bias = c.bias ? random(tf, [c.n]) : undefined;
  const run = bias
    ? () => tf.fused.matMul({ a, b, transposeB: c.transposeB, bias })
    : () => tf.matMul(a, b, false, c.transposeB);
  return { run, inputs: [a, b, ...(bias ? [bias] : [])] };
}

function convRunner(tf: Tf, c: Conv1dCase): { run: () => TfTensor; inputs: TfTensor[] } {
  const outLength = convOutputLength(c);
  const x = random(tf, [c.batch, 1, c.length, c.inChannels]) as import('@tensorflow/tfjs').Tensor4D;
  const filter = random(tf, [1, c.kernelSize, c.inChannels, c.outChannels]) as import('@tensorflow/tfjs').Tensor4D;
  const dy = random(tf, [c.batch, 1, outLength, c.outChannels]) as import('@tensorflow/tfjs').Tensor4D;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [0, 0], [c.padding, c.padding], [0, 0]];
  const strides: [number, number] = [1, c.stride];
  const inputs = [x, filter, dy];
  switch (c.direction) {
    case 'forward':
      return { run: () => tf.conv2d(x, filter, strides, pad, 'NHWC'), inputs };
    case 'grad_input':
      return {
        run: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides, pad, dataFormat: 'NHWC', inputShape: x.shape }) as TfTensor,
        inputs,
      };
    case 'grad_weight':
      return {
        run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat: 'NHWC', filterShape: filter.shape }) as TfTensor,
        inputs,
      };
    default:
      return c.direction satisfies never;
  }
}

async function main(backend: TfjsBackend, cases: readonly PeerCase[], timing: TimingOptions): Promise<PeerOutput> {
  const notes: string[] = [];
  const tf = await loadTf(backend, notes);
  // The WebGPU backend records into its own command encoder and compute pass. The flush below is the one its
  // own readbacks do (end the pass, then submit); onSubmittedWorkDone is the wait posedyn's engine.sync() uses.
  const gpuBackend = backend === 'webgpu' ? (tf.backend() as unknown as WebGpuBackendInternals) : null;
  let deviceError: string | null = null;
  gpuBackend?.device.addEventListener('uncapturederror', (event) => {
    deviceError ??= (event as GPUUncapturedErrorEvent).error.message.split('\n')[0]!;
  });
  const results: PeerOutput['results'][number][] = [];
  for (const c of cases) {
    let pending: TfTensor[] = [];
    const { run, inputs } = caseRunner(tf, c);
    try {
      const submit = () => {
        gpuBackend!.ensureCommandEncoderReady();
        gpuBackend!.endComputePassEncoder();
        gpuBackend!.submitQueue();
      };
      const timed = await timeRuns(
        () => void pending.push(run()),
        async () => {
          if (gpuBackend) await gpuBackend.device.queue.onSubmittedWorkDone();
          for (const t of pending) t.dispose();
          pending = [];
        },
        timing,
        gpuBackend ? submit : undefined,
      );
      // A WebGPU validation error means nothing ran and the time is meaningless; a readback proves the
      // output exists.
      const check = run();
      await check.data();
      check.dispose();
      if (deviceError) throw new Error(`WebGPU error during the run: ${deviceError}`);
      results.push({ name: c.name, medianMs: timed.medianMs });
      process.stderr.write(`${backend} ${c.name}: ${timed.medianMs.toFixed(3)} ms\n`);
    } catch (error) {
      results.push({ name: c.name, skipped: (error instanceof Error ? error.message : String(error)).split('\n')[0]! });
    } finally {
      for (const t of [...pending, ...inputs]) t.dispose();
    }
  }
  return { peer: `tfjs-${backend}`, notes, results };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [backend, cases, timing] = process.argv.slice(2);
  if (backend !== 'webgpu' && backend !== 'wasm') throw new Error(`benchmarks/peers/tfjs.ts: backend must be webgpu or wasm, got '${backend}'`);
  const output = await main(backend, JSON.parse(cases ?? '[]') as PeerCase[], JSON.parse(timing ?? '{}') as TimingOptions);
  process.stdout.write(`${JSON.stringify(output)}\n`);
  // dawn.node keeps the process alive while its device lives.
  process.exit(0);
}
