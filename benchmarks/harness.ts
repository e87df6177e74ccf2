// Timing helpers shared by every benchmark: run a batch of work, wait for the device, take the median of N
// repeats after warm-up. Nothing here knows about posedyn's ops; a measurement is "enqueue this, then wait".
//
// Why the wait sleeps first: while a promise such as onSubmittedWorkDone is pending, dawn.node polls on the
// main thread and takes 33-50% of a core away from lavapipe's two worker threads (measured on these machines). So each
// repeat sleeps on a timer for most of the time the previous repeats took before it starts awaiting.
import type { Engine, DispatchObserver } from '../core/engine.ts';
import type { KernelLaunch } from '../core/kernels/launch.ts';

export interface TimingOptions {
  /** Untimed runs first (pipeline compiles, buffer pool warm-up). */
  readonly warmup: number;
  /** Timed repeats; the median is reported. */
  readonly repeats: number;
  /**
   * Runs enqueued per repeat before one wait, or 'auto': enough to last about `targetMs` (at most 64), so
   * short kernels are not drowned in the submit-and-wait overhead (~0.1 ms a submit on lavapipe).
   */
  readonly batch: number | 'auto';
  /** For batch 'auto': how long one repeat should last. */
  readonly targetMs?: number;
  /** Fraction of the expected time to sleep before awaiting the device (0 disables the sleep). */
  readonly sleepFraction?: number;
}

export const FULL_TIMING: TimingOptions = { warmup: 2, repeats: 7, batch: 'auto', targetMs: 150, sleepFraction: 0.8 };
/** --quick: prove it runs, claim nothing about speed. */
export const QUICK_TIMING: TimingOptions = { warmup: 1, repeats: 1, batch: 1, sleepFraction: 0 };

export interface Timing {
  /** Median over repeats of the time one run took (a repeat's time divided by its batch). */
  readonly medianMs: number;
  readonly minMs: number;
  readonly samplesMs: readonly number[];
  readonly batch: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Times `enqueue` (records or starts one run; must not wait) followed by `wait` (returns once every enqueued
 * run has finished). `submit`, when given, starts the recorded runs on the device (posedyn: engine.flush();
 * TF.js WebGPU: its queue submit). Works for any engine: posedyn, TF.js WebGPU, or a synchronous CPU backend
 * (no submit, wait does nothing).
 *
 * The sleep is what is left of `sleepFraction` of the expected time once the runs are enqueued and submitted:
 * the device works while the main thread sleeps, and a synchronous backend, already done, does not sleep at
 * all. (Sleeping before the submit, as this harness once did, measured the sleep plus the run: medians
 * converged to about 2.4x the run, and the run itself then ran under dawn.node's polling.)
 */
export async function timeRuns(enqueue: () => void, wait: () => Promise<void>, options: TimingOptions, submit?: () => void): Promise<Timing> {
  const sleepFraction = options.sleepFraction ?? 0;
  let estimateMs = 0;
  const once = async (runs: number): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < runs; i++) enqueue();
    submit?.();
    const sleepMs = sleepFraction * estimateMs * runs - (performance.now() - start);
    if (sleepFraction > 0 && sleepMs > 2) await sleep(sleepMs);
    await wait();
    return (performance.now() - start) / runs;
  };
  for (let i = 0; i < options.warmup; i++) {
    const ms = await once(1);
    estimateMs = i === 0 ? ms : Math.min(estimateMs, ms);
  }
  const batch =
    options.batch === 'auto'
      ? Math.max(1, Math.min(64, Math.round((options.targetMs ?? 100) / Math.max(estimateMs, 0.01))))
      : options.batch;
  // One untimed batch at the timed size. The pool hands a buffer out again only after the submit that used it, so a
  // batch of B runs holds B outputs where a single warm-up run held one: their first use (allocation, page faults,
  // Dawn's lazy zeroing) made the first timed batch of a short memory-bound row up to 15x the others. And since the
  // sleep below is 0.8 of the best sample so far, that one slow sample held the next ones up, falling by 0.8 a
  // repeat (concat.skip's samples 8.6, 7.0, 5.6, 4.5, 3.5 ... ms for a 0.6 ms run; core/kernels/PERFORMANCE.md).
  if (batch > 1) estimateMs = Math.min(estimateMs, await once(batch));
  const samples: number[] = [];
  for (let i = 0; i < options.repeats; i++) {
    const ms = await once(batch);
    samples.push(ms);
    // The expected time only falls: one sample slowed by other load must not make the next ones sleep longer.
    estimateMs = Math.min(estimateMs, ms);
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), samplesMs: samples, batch };
}

/** Times `record` (which records dispatches into the engine): submitted by engine.flush(), waited by engine.sync(). */
export function timeEngine(engine: Engine, record: () => void, options: TimingOptions): Promise<Timing> {
  return timeRuns(record, () => engine.sync(), options, () => engine.flush());
}

/** The work a run declares: the sum of its launches' flops and bytes, and their shapes. */
export interface DeclaredWork {
  readonly flops: number;
  readonly bytes: number;
  readonly dispatches: number;
  readonly shapes: readonly string[];
}

/**
 * Records one run with an observer that sums the declared flops and bytes of every launch (see
 * core/kernels/launch.ts), then waits for it. Any observer already installed (a profiler) is put back after.
 */
export async function declaredWork(engine: Engine, record: () => void): Promise<DeclaredWork> {
  let flops = 0;
  let bytes = 0;
  let dispatches = 0;
  const shapes: string[] = [];
  const counter: DispatchObserver = {
    timestampWritesFor(launch: KernelLaunch) {
      flops += launch.flops;
      bytes += launch.bytes;
      dispatches++;
      shapes.push(launch.shapes);
      return undefined;
    },
    beforeSubmit() {},
    afterSubmit() {},
  };
  const previous = engine.observer;
  engine.flush();
  engine.observer = counter;
  try {
    record();
    engine.flush();
  } finally {
    engine.observer = previous;
  }
  await engine.sync();
  return { flops, bytes, dispatches, shapes };
}

/** The adapter's measured peaks, from benchmarks/peak.ts. */
export interface Peaks {
  /** FP32 FMA throughput, in GFLOP/s (2 flops an FMA). */
  readonly fmaGflops: number;
  /** Bytes read plus written a second by a copy kernel, in GB/s. */
  readonly copyGBps: number;
}

/** One row of the results table (and of the JSON). */
export interface BenchmarkResult {
  /** Stable name, the same in --quick and full runs: "matmul.square", "conv1d.forward.level1". */
  readonly name: string;
  readonly shapes: string;
  readonly medianMs: number;
  readonly gflops?: number;
  readonly gbps?: number;
  /** Achieved over measured peak (compute peak for compute-bound rows, copy bandwidth for memory-bound); null without peaks. */
  readonly fractionOfPeak: number | null;
  readonly bound: 'compute' | 'memory';
  readonly batch: number;
  readonly repeats: number;
  /**
   * The peaks this row's fraction divides by, sampled beside the row (benchmarks/peak.ts PeakProbe: just
   * before and after a kernel row, between the repeats of an end-to-end row), not only at the run's start.
   */
  readonly peaks?: Peaks;
  /** Generation rows: compute seconds over audio seconds (below 1: faster than real time). */
  readonly realTimeFactor?: number;
  /** End-to-end rows: every timed round's ms, in order (the spread says how much the load moved). */
  readonly samplesMs?: readonly number[];
}

/** A result row from a timing and the run's declared work. */
export function benchmarkResult(
  name: string, shapes: string, bound: 'compute' | 'memory', timing: Timing, work: { flops: number; bytes: number },
  peaks: Peaks | null, repeats: number,
): BenchmarkResult {
  const seconds = timing.medianMs / 1e3;
  const gflops = work.flops > 0 ? work.flops / seconds / 1e9 : undefined;
  const gbps = work.bytes > 0 ? work.bytes / seconds / 1e9 : undefined;
  let fractionOfPeak: number | null = null;
  if (peaks) {
    if (bound === 'compute' && gflops !== undefined) fractionOfPeak = gflops / peaks.fmaGflops;
    if (bound === 'memory' && gbps !== undefined) fractionOfPeak = gbps / peaks.copyGBps;
  }
  return {
    name, shapes, medianMs: timing.medianMs, bound, batch: timing.batch, repeats,
    ...(gflops !== undefined ? { gflops } : {}), ...(gbps !== undefined ? { gbps } : {}), fractionOfPeak,
    ...(peaks ? { peaks } : {}),
  };
}

/** A peer engine's time for one of posedyn's rows (matched by name), or why it has none. */
export interface PeerResult {
  /** "tfjs-webgpu", "tfjs-wasm", "torch-cpu". */
  readonly peer: string;
  /** The posedyn row it compares with. */
  readonly name: string;
  readonly shapes: string;
  readonly medianMs?: number;
  /** End-to-end rows: the peer's time in each round, interleaved with posedyn's samplesMs. */
  readonly samplesMs?: readonly number[];
  /** Set instead of medianMs when the peer cannot run this case. */
  readonly skipped?: string;
}

/** What a suite hands back: rows of posedyn measurements, peer times, and printed notes (skips, thread counts). */
export interface SuiteReport {
  readonly results: readonly BenchmarkResult[];
  readonly peers: readonly PeerResult[];
  readonly notes: readonly string[];
}

export interface SuiteContext {
  readonly engine: Engine;
  readonly quick: boolean;
  /** Whether peer engines run (false with --no-peers). */
  readonly peers: boolean;
  readonly timing: TimingOptions;
  /** Measured at the start of the run (benchmarks/run.ts), or null where the peak kernels failed. */
  readonly peaks: Peaks | null;
  /** Samples the peaks again, under the load of the moment; null where the peak kernels failed. */
  samplePeaks(): Promise<Peaks | null>;
  /** Progress lines (stderr), so stdout keeps only the table. */
  log(line: string): void;
}

/** Per figure, the larger of two peak samples (each is one batch, so a low one is foreign load, not the adapter). */
export function bestOfPeaks(a: Peaks | null, b: Peaks | null): Peaks | null {
  if (!a || !b) return a ?? b;
  return { fmaGflops: Math.max(a.fmaGflops, b.fmaGflops), copyGBps: Math.max(a.copyGBps, b.copyGBps) };
}

/** Per figure, the median of peak samples taken between the repeats of a row. */
export function medianOfPeaks(samples: readonly Peaks[]): Peaks | null {
  if (samples.length === 0) return null;
  return { fmaGflops: median(samples.map((p) => p.fmaGflops)), copyGBps: median(samples.map((p) => p.copyGBps)) };
}

/**
 * A group of benchmarks. benchmarks/suites.ts lists them; run.ts runs them in order and prints one table.
 * The end-to-end rows (training steps, generation) are one more suite there (benchmarks/end-to-end.ts).
 */
export interface BenchmarkSuite {
  readonly name: string;
  run(context: SuiteContext): Promise<SuiteReport>;
}
