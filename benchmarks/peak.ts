// The adapter's peaks, measured: FP32 FMA throughput and storage-buffer copy bandwidth. Other benchmarks and the
// profiler report their kernels as fractions of these, so results from different machines compare.
//
// Each figure is the best of a few timed batches: sync, record a batch of dispatches, submit, sleep on a timer
// for most of the expected time (while a GPU promise is pending, dawn.node polls on the main thread and takes
// CPU from lavapipe's workers, see benchmarks/harness.ts), then await the sync.
//
// Run: node --import ./runtime-node/register.mjs benchmarks/peak.ts
import type { Engine } from '../core/engine.ts';
import type { KernelLaunch } from '../core/kernels/launch.ts';
import { copyVec4Launch, fmaChainsLaunch, fmaSinkBytes } from '../core/kernels/peak.ts';

export interface Peaks {
  /** FP32 fused multiply-adds, counted as 2 flops each, in GFLOP/s. */
  readonly fmaGflops: number;
  /** Copy kernel bandwidth, bytes read plus bytes written, in GB/s (1e9 bytes). */
  readonly copyGBps: number;
}

export interface PeakOptions {
  /** Timed batches a figure at least; the best counts (default 5). */
  readonly runs?: number;
}

/** FMA kernel: 64-thread workgroups, enough of them to keep every core of a CPU adapter or SM of a GPU busy. */
const FMA_WORKGROUPS = 1024;
const FMA_ITERATIONS = 256;
const FMA_DISPATCHES = 4;
/** Copy kernel: 64 MiB each way, well past any CPU cache. */
const COPY_BYTES = 64 << 20;
const COPY_DISPATCHES = 3;
/** Fraction of the expected time slept before awaiting the GPU. */
const SLEEP_FRACTION = 0.8;
const MAX_RUNS_FACTOR = 4;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wall time in ms of one batch of `launches`, from recording to the GPU being done, sleeping `sleepMs` first. */
async function timeBatch(engine: Engine, launches: readonly KernelLaunch[], sleepMs: number): Promise<number> {
  await engine.sync();
  const start = performance.now();
  for (const launch of launches) engine.dispatch(launch);
  engine.flush();
  if (sleepMs > 0) await sleep(sleepMs);
  await engine.sync();
  return performance.now() - start;
}

/**
 * Best time in ms of at least `runs` timed batches. A first, untimed batch compiles the pipeline and touches the
 * memory. The second is waited for without sleeping, so polling slows it (by up to 2x on a loaded 2-core
 * machine); each next batch sleeps SLEEP_FRACTION of the best so far, which walks the sleep down towards the
 * real time. Batches go on while they still improve the best by 1%, up to MAX_RUNS_FACTOR * runs.
 */
async function bestBatchMs(engine: Engine, launches: readonly KernelLaunch[], runs: number): Promise<number> {
  await timeBatch(engine, launches, 0);
  let best = await timeBatch(engine, launches, 0);
  let runsWithoutImprovement = 0;
  for (let run = 1; run < MAX_RUNS_FACTOR * runs && (run < runs || runsWithoutImprovement < 2); run++) {
    const ms = await timeBatch(engine, launches, best * SLEEP_FRACTION);
    runsWithoutImprovement = ms < 0.99 * best ? 0 : runsWithoutImprovement + 1;
    best = Math.min(best, ms);
  }
  return best;
}

export async function measurePeaks(engine: Engine, options: PeakOptions = {}): Promise<Peaks> {
  const runs = options.runs ?? 5;

  // Buffers of its own, destroyed at the end, so the engine's pool is left as it was.
  const buffer = (size: number, label: string) =>
    engine.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE, label });

  const sink = buffer(fmaSinkBytes(FMA_WORKGROUPS), 'peak.fma.sink');
  const fma = fmaChainsLaunch(sink, FMA_WORKGROUPS, FMA_ITERATIONS);
  const fmaMs = await bestBatchMs(engine, new Array<KernelLaunch>(FMA_DISPATCHES).fill(fma), runs);

  const src = buffer(COPY_BYTES, 'peak.copy.src');
  const dst = buffer(COPY_BYTES, 'peak.copy.dst');
  const copy = copyVec4Launch(src, dst, COPY_BYTES / 16);
  const copyMs = await bestBatchMs(engine, new Array<KernelLaunch>(COPY_DISPATCHES).fill(copy), runs);
  // bestBatchMs ends on a sync: no recorded or running work uses them any more.
  for (const b of [sink, src, dst]) b.destroy();

  return {
    fmaGflops: (FMA_DISPATCHES * fma.flops) / (fmaMs * 1e6),
    copyGBps: (COPY_DISPATCHES * copy.bytes) / (copyMs * 1e6),
  };
}

/**
 * One sample of both peaks, cheap enough to take between the repeats of another benchmark (about a second on
 * lavapipe): one FMA batch and one copy batch on buffers kept for the probe's life, pipelines already compiled.
 * Interleaved with the runs it divides, it sees the same foreign load they do; `measurePeaks` at the start of
 * a run does not (the load on these shared machines drifts by 2-4x within minutes).
 */
export interface PeakProbe {
  sample(): Promise<Peaks>;
  destroy(): void;
}

export async function createPeakProbe(engine: Engine): Promise<PeakProbe> {
  const buffer = (size: number, label: string) =>
    engine.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE, label });
  const sink = buffer(fmaSinkBytes(FMA_WORKGROUPS), 'peak.probe.sink');
  const src = buffer(COPY_BYTES, 'peak.probe.src');
  const dst = buffer(COPY_BYTES, 'peak.probe.dst');
  const fma = new Array<KernelLaunch>(FMA_DISPATCHES).fill(fmaChainsLaunch(sink, FMA_WORKGROUPS, FMA_ITERATIONS));
  const copy = new Array<KernelLaunch>(COPY_DISPATCHES).fill(copyVec4Launch(src, dst, COPY_BYTES / 16));
  // Compiles both pipelines and gives the first sleep estimates.
  let fmaMs = await timeBatch(engine, fma, 0);
  let copyMs = await timeBatch(engine, copy, 0);
  return {
    async sample() {
      const fmaNow = await timeBatch(engine, fma, fmaMs * SLEEP_FRACTION);
      const copyNow = await timeBatch(engine, copy, copyMs * SLEEP_FRACTION);
      fmaMs = Math.min(fmaMs, fmaNow);
      copyMs = Math.min(copyMs, copyNow);
      return {
        fmaGflops: (FMA_DISPATCHES * fma[0]!.flops) / (fmaNow * 1e6),
        copyGBps: (COPY_DISPATCHES * copy[0]!.bytes) / (copyNow * 1e6),
      };
    },
    destroy() {
      for (const b of [sink, src, dst]) b.destroy();
    },
  };
}

async function main(): Promise<void> {
  const { createNodeEngine } = await import('../runtime-node/device.ts');
  const engine = await createNodeEngine({ log: (message) => process.stderr.write(`${message}\n`) });
  const peaks = await measurePeaks(engine);
  console.log(`adapter: ${engine.info.adapter}`);
  console.log(`FP32 FMA peak: ${peaks.fmaGflops.toFixed(1)} GFLOP/s`);
  console.log(`copy bandwidth: ${peaks.copyGBps.toFixed(2)} GB/s (read + write)`);
}

if (globalThis.process?.argv[1] === decodeURIComponent(new URL(import.meta.url).pathname)) await main();
