// TF.js as the peer of the end-to-end rows: PoseGAN's training step and its generation over a long audio,
// with the port in posegan-tfjs.ts, and PGFace's training step with the port in pgface-tfjs.ts, in a subprocess that stays alive for the whole suite so that its runs
// can be interleaved with posedyn's (one posedyn run, one peer run, ...): load drift on this shared machine
// then hits both engines alike.
//
// Protocol (one JSON object a line): the parent starts this file with the backend and a PeerSetup; it prints
// {"ready": ...} (PeerReady) once its models exist, then answers every {"run": NAME} on stdin with one
// {"name", "ms"} or {"name", "error"} line, and exits on {"quit": true} or when stdin closes.
// A run is timed here, in the peer's own process, from recording the work to its result being ready.
//
// Run directly: node --import ./runtime-node/register.mjs benchmarks/peers/end-to-end-tfjs.ts webgpu|wasm SETUP
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgFaceConfig } from '../../talking-head/pgface/config.ts';
import type { PoseGanConfig } from '../../talking-head/posegan/config.ts';
import { disposePgFace, pgFaceTrainer, randomPgFace } from './pgface-tfjs.ts';
import {
  type PoseGanTfBatch, type TfPoseGan, disposePoseGan, discriminatorParameterSpecs, generatorParameterSpecs,
  parameterCount, poseGanTrainer, randomPoseGan,
} from './posegan-tfjs.ts';
import { FLOORED_WAIT_MS, type TimedRun, timeUnfloored } from '../floored-runs.ts';
import { generatePoseSequenceTf } from './pose-windows-tfjs.ts';
import { type Tf, type TfjsBackend, type WebGpuBackendInternals, loadTf } from './tfjs.ts';
import { syntheticValues as randomValues } from '../synthetic-values.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export type EndToEndPeerCase =
  | { readonly kind: 'train-step'; readonly name: string; readonly batch: number }
  /** The generator over `frames` frames, in the windows posedyn's inference runs (generatePoseSequence). */
  | { readonly kind: 'generate'; readonly name: string; readonly frames: number }
  /** PgFaceTrainer.step on `pairs` neighbouring frame pairs, the network of `config` (its own random weights). */
  | { readonly kind: 'pgface-train-step'; readonly name: string; readonly pairs: number; readonly config: PgFaceConfig };

export interface PeerSetup {
  readonly config: PoseGanConfig;
  readonly cases: readonly EndToEndPeerCase[];
  readonly seed: number;
  /** Fraction of the previous best time to sleep before awaiting the device (see benchmarks/harness.ts). */
  readonly sleepFraction: number;
}

export interface PeerReady {
  readonly ready: true;
  readonly peer: string;
  readonly notes: readonly string[];
  readonly parameters: { readonly generator: number; readonly discriminator: number };
}

/** A running peer process: run(name) times one run of a case (ms) or resolves with why it failed. */
export interface EndToEndPeer {
  readonly info: PeerReady;
  run(name: string): Promise<{ ms: number } | { error: string }>;
  close(): void;
}

/** Starts the peer subprocess; resolves once its models are built, or with the reason it could not start. */
export function startEndToEndPeer(backend: TfjsBackend, setup: PeerSetup, timeoutMs: number): Promise<EndToEndPeer | string> {
  const args = ['--import', join(root, 'runtime-node/register.mjs'), fileURLToPath(import.meta.url), backend, JSON.stringify(setup)];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string | null) => void)[] = [];
  const queued: string[] = [];
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    const next = waiting.shift();
    if (next) next(line);
    else queued.push(line);
  });
  const failure = () => {
    const detail = stderr.trim().split('\n').filter((l) => l && !l.startsWith('Warning:')).at(-1) ?? '';
    return `tfjs-${backend} end-to-end subprocess ended (exit ${child.exitCode ?? child.signalCode})${detail ? `: ${detail.slice(0, 200)}` : ''}`;
  };
  let closed = false;
  child.on('close', () => {
    closed = true;
    while (waiting.length) waiting.shift()!(null);
  });
  const nextLine = (ms: number) => new Promise<string | null>((resolve) => {
    if (queued.length) return resolve(queued.shift()!);
    if (closed) return resolve(null);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, ms);
    waiting.push((line) => {
      clearTimeout(timer);
      resolve(line);
    });
  });
  const close = () => {
    if (!closed) child.stdin.end(`${JSON.stringify({ quit: true })}\n`);
  };
  return nextLine(timeoutMs).then((line) => {
    if (line === null) return failure();
    const info = JSON.parse(line) as PeerReady;
    return {
      info,
      async run(name: string) {
        if (closed) return { error: failure() };
        child.stdin.write(`${JSON.stringify({ run: name })}\n`);
        const answer = await nextLine(timeoutMs);
        if (answer === null) return { error: `${failure()} (or no answer in ${timeoutMs} ms)` };
        const parsed = JSON.parse(answer) as { ms?: number; error?: string };
        return parsed.ms !== undefined ? { ms: parsed.ms } : { error: parsed.error ?? 'no time' };
      },
      close,
    };
  });
}

// ------------------------------------------------------------------------------------------ the subprocess

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


/** One run of a case: records or computes its work, and returns the promise of its result being ready. */
type Runner = { start(): () => Promise<void> };

function trainStepRunner(tf: Tf, model: TfPoseGan, batch: number, wait: () => Promise<void>): Runner & { dispose(): void } {
  const c = model.config;
  const t = c.frames;
  // Host arrays, uploaded inside every run as posedyn's PoseGanTrainer.batchTensors does.
  const arrays = {
    audio: randomValues(batch * t * c.featureCount * c.windowFrames, 1),
    audioFrames: randomValues(batch * t * c.featureCount, 2),
    pose: randomValues(batch * t * c.poseChannels, 3),
    initial: randomValues(batch * c.poseChannels, 4),
  };
  const trainer = poseGanTrainer(tf, model, 1e-4);
  return {
    start() {
      const losses = tf.tidy(() => {
        const tensors: PoseGanTfBatch = {
          audio: tf.tensor4d(arrays.audio, [batch, t, c.featureCount, c.windowFrames]),
          audioFrames: tf.tensor3d(arrays.audioFrames, [batch, t, c.featureCount]),
          pose: tf.tensor3d(arrays.pose, [batch, t, c.poseChannels]),
          initial: tf.tensor2d(arrays.initial, [batch, c.poseChannels]),
        };
        return trainer.step(tensors);
      });
      return async () => {
        await wait();
        tf.dispose(losses);
      };
    },
    dispose: () => trainer.dispose(),
  };
}

/** generatePoseSequence of talking-head/inference/pose-windows.ts, the same windows (pose-windows-tfjs.ts). */
function generateRunner(tf: Tf, model: TfPoseGan, frames: number): Runner & { dispose(): void } {
  const c = model.config;
  const windows = tf.tensor3d(randomValues(frames * c.featureCount * c.windowFrames, 5), [frames, c.featureCount, c.windowFrames]);
  return {
    start() {
      const poses = tf.tidy(() => generatePoseSequenceTf(tf, model, windows, tf.zeros([1, c.poseChannels])));
      return async () => {
        await poses.data();
        poses.dispose();
      };
    },
    dispose: () => windows.dispose(),
  };
}

/** PgFaceTrainer.step of the pgface.train-step row (benchmarks/end-to-end.ts): a random Q, a batch uploaded every run. */
function pgFaceStepRunner(tf: Tf, config: PgFaceConfig, pairs: number, seed: number, wait: () => Promise<void>): Runner & { dispose(): void } {
  const model = randomPgFace(tf, config, seed);
  const rows = 2 * pairs;
  const q = randomValues(config.coefficients * config.coefficients, 6).map((v) => 0.01 * v);
  for (let i = 0; i < config.coefficients; i++) for (let j = 0; j < i; j++) q[i * config.coefficients + j] = q[j * config.coefficients + i]!;
  const quadratic = tf.tensor2d(q, [config.coefficients, config.coefficients]);
  const arrays = {
    audio: randomValues(rows * config.featureCount * config.windowFrames, 7),
    pose: randomValues(rows * config.poseChannels, 8),
    face: randomValues(rows * config.coefficients, 9),
  };
  const trainer = pgFaceTrainer(tf, model, quadratic, 1e-4);
  return {
    start() {
      const loss = tf.tidy(() => trainer.step({
        audio: tf.tensor3d(arrays.audio, [rows, config.featureCount, config.windowFrames]),
        pose: tf.tensor2d(arrays.pose, [rows, config.poseChannels]),
        face: tf.tensor2d(arrays.face, [rows, config.coefficients]),
      }));
      return async () => {
        await wait();
        loss.dispose();
      };
    },
    dispose: () => {
      trainer.dispose();
      disposePgFace(model);
      quadratic.dispose();
    },
  };
}

async function serve(backend: TfjsBackend, setup: PeerSetup): Promise<void> {
  const notes: string[] = [];
  const tf = await loadTf(backend, notes);
  const gpu = backend === 'webgpu' ? (tf.backend() as unknown as WebGpuBackendInternals) : null;
  let deviceError: string | null = null;
  gpu?.device.addEventListener('uncapturederror', (event) => {
    deviceError ??= (event as GPUUncapturedErrorEvent).error.message.split('\n')[0]!;
  });
  // The flush TF.js's own readbacks do (end the pass, submit), then the wait posedyn's engine.sync() uses.
  const wait = async () => {
    if (!gpu) return;
    gpu.ensureCommandEncoderReady();
    gpu.endComputePassEncoder();
    gpu.submitQueue();
    await gpu.device.queue.onSubmittedWorkDone();
  };
  const model = randomPoseGan(tf, setup.config, setup.seed);
  const runners = new Map<string, Runner & { dispose(): void }>(setup.cases.map((c) => [
    c.name,
    c.kind === 'train-step' ? trainStepRunner(tf, model, c.batch, wait)
      : c.kind === 'generate' ? generateRunner(tf, model, c.frames)
        : pgFaceStepRunner(tf, c.config, c.pairs, setup.seed + 2000, wait),
  ]));
  // Best time of each case over its runs after the first (the first compiles TF.js's shaders).
  const best = new Map<string, number>();
  const runsSoFar = new Map<string, number>();
  const ready: PeerReady = {
    ready: true, peer: `tfjs-${backend}`, notes,
    parameters: { generator: parameterCount(generatorParameterSpecs(setup.config)), discriminator: parameterCount(discriminatorParameterSpecs(setup.config)) },
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  for await (const line of createInterface({ input: process.stdin })) {
    const request = JSON.parse(line) as { run?: string; quit?: boolean };
    if (request.quit) break;
    const name = request.run ?? '';
    const runner = runners.get(name);
    if (!runner) {
      process.stdout.write(`${JSON.stringify({ name, error: `no case ${name}` })}\n`);
      continue;
    }
    try {
      const timeOnce = async (estimate: number | undefined): Promise<TimedRun> => {
        const started = performance.now();
        const finish = runner.start();
        // While a GPU promise is pending dawn.node polls on the main thread and takes CPU from lavapipe: sleep
        // for most of the expected time first, as posedyn's timing does. (WASM computes inside start().)
        let slept = false;
        if (gpu && estimate !== undefined && setup.sleepFraction > 0) {
          gpu.ensureCommandEncoderReady();
          gpu.endComputePassEncoder();
          gpu.submitQueue();
          const sleepMs = setup.sleepFraction * (estimate - (performance.now() - started));
          slept = sleepMs > 0;
          await sleep(sleepMs);
        }
        const woke = performance.now();
        await finish();
        const ended = performance.now();
        return { ms: ended - started, floored: slept && ended - woke < FLOORED_WAIT_MS };
      };
      // A run done while it slept measured the sleep: it runs again, by posedyn's rule (benchmarks/floored-runs.ts).
      const { ms } = await timeUnfloored(timeOnce, best.get(name));
      if (deviceError) throw new Error(`WebGPU error during the run: ${deviceError}`);
      const runs = (runsSoFar.get(name) ?? 0) + 1;
      runsSoFar.set(name, runs);
      if (runs > 1) best.set(name, Math.min(ms, best.get(name) ?? Infinity));
      process.stdout.write(`${JSON.stringify({ name, ms })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ name, error: (error instanceof Error ? error.message : String(error)).split('\n')[0] })}\n`);
    }
  }
  for (const runner of runners.values()) runner.dispose();
  disposePoseGan(model);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [backend, setup] = process.argv.slice(2);
  if (backend !== 'webgpu' && backend !== 'wasm') throw new Error(`benchmarks/peers/end-to-end-tfjs.ts: backend must be webgpu or wasm, got '${backend}'`);
  await serve(backend, JSON.parse(setup ?? '{}') as PeerSetup);
  // dawn.node keeps the process alive while its device lives.
  process.exit(0);
}
