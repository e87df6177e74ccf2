// The kernel profiler: GPU time of every dispatch from timestamp queries, read back without blocking the engine
// and without submits of its own, plus the CPU time spent encoding each dispatch. How to use it, what the
// table's columns mean and how the timing works: core/PROFILER.md.
//
// Timestamp mode: each dispatch gets its own compute pass whose beginning and end write into a GPUQuerySet.
// Just before the engine submits, the batch's queries are resolved and copied into a readback buffer of that
// batch; the buffer is mapped only in collect(), because on dawn.node a pending mapAsync keeps the main thread
// polling (a third of a core on lavapipe, taken from the driver's threads, as measured on these machines).
// Every batch starts again at query 0 of the first query set: the queue runs submits in order, so a batch's
// resolve cannot overwrite the previous batch's results before they were copied. A batch with more
// dispatches than one set holds rolls over to a second set, a third, ...
//
// CPU fallback (no `timestamp-query`, or forceFallback): per submit, the wall time from submit to
// onSubmittedWorkDone, split among the batch's kernels by an estimate of their cost from declared flops and
// bytes. An estimate, said so in the report's mode and warnings.
import type { KernelLaunch } from './kernels/launch.ts';
import type { DispatchObserver, Engine } from './engine.ts';

export type ProfileMode = 'timestamp-query' | 'cpu-fallback';

/** Measured peaks of the adapter (benchmarks/peak.ts measures them), for the table's fraction-of-peak columns. */
export interface Peaks {
  /** FP32 fused multiply-add throughput, GFLOP/s. */
  readonly fmaGflops: number;
  /** Bandwidth of a copy kernel, bytes read plus written, GB/s. */
  readonly copyGBps: number;
}

export interface ProfilerOptions {
  /** Queries a GPUQuerySet holds (two a dispatch): even, 2..4096 (WebGPU's maximum). Default 4096. */
  readonly queriesPerSet?: number;
  /** Use the CPU fallback even where timestamp queries exist (tests, comparisons). */
  readonly forceFallback?: boolean;
  /** CPU fallback only: the rates that turn declared flops and bytes into cost weights. Default: lavapipe's. */
  readonly fallbackRates?: Peaks;
}

/** One dispatch. Times are relative: GPU to the first kernel's start, CPU to the first dispatch's encoding. */
export interface KernelRecord {
  /** Dispatch order since the profiler was created. */
  readonly index: number;
  /** Which of the profiler's submits carried it. */
  readonly batch: number;
  /** `name.entry`, e.g. "elementwise.unary". */
  readonly kernel: string;
  readonly name: string;
  readonly entry: string;
  readonly shapes: string;
  readonly workgroups: readonly [number, number, number];
  readonly flops: number;
  readonly bytes: number;
  readonly gpuStartNs: number;
  readonly gpuEndNs: number;
  /** From entering Engine.dispatch() to the dispatch being encoded (pipeline lookup, bind group, pass). */
  readonly cpuStartMs: number;
  readonly cpuEndMs: number;
}

export interface SubmitRecord {
  readonly batch: number;
  /** When the command buffer was submitted, on the CPU clock of the records' cpuStartMs. */
  readonly cpuMs: number;
  readonly dispatches: number;
}

export interface ProfileReport {
  readonly mode: ProfileMode;
  readonly adapter: string;
  /** Why the numbers may mislead: fallback estimates, quantised or unusable timestamps. */
  readonly warnings: readonly string[];
  readonly records: readonly KernelRecord[];
  readonly submits: readonly SubmitRecord[];
  /** Sum of the kernels' GPU durations. */
  readonly gpuBusyMs: number;
  /** From the first kernel's start to the last one's end (includes gaps between kernels and submits). */
  readonly gpuSpanMs: number;
  /** The step timestamps were rounded to when they look quantised (Dawn's default), else null. */
  readonly timestampResolutionNs: number | null;
}

/** Default fallback weights: Dawn on lavapipe, as measured on these machines. Only the ratios matter. */
const LAVAPIPE_RATES: Peaks = { fmaGflops: 33, copyGBps: 2.5 };
/** Fallback: the fixed cost of a dispatch in a pass on lavapipe, so tiny kernels are not estimated at zero. */
const DISPATCH_OVERHEAD_NS = 25_000;
/** Timestamps whose 2^12 ns and below are all zero are taken as quantised. */
const QUANTISED_BELOW_BITS = 12n;
const BYTES_PER_QUERY = 8;

interface Dispatch {
  readonly index: number;
  readonly batch: number;
  readonly launch: Pick<KernelLaunch, 'entry' | 'shapes' | 'flops' | 'bytes'> & {
    readonly name: string;
    readonly workgroups: readonly [number, number, number];
  };
  readonly cpuStartMs: number;
  cpuEndMs: number;
  /** Absolute nanoseconds: the GPU's clock in timestamp mode, performance.now()'s in the fallback. */
  gpuBegin: bigint;
  gpuEnd: bigint;
}

interface Batch {
  readonly index: number;
  readonly dispatches: Dispatch[];
  /** Queries used in each query set, in order (timestamp mode). */
  readonly queriesPerSet: number[];
  cpuSubmitMs: number;
  readback: GPUBuffer | null;
  /** Fallback: resolves with performance.now() once the GPU finished the submit. */
  done: Promise<number> | null;
}

interface QuerySlot {
  readonly querySet: GPUQuerySet;
  readonly resolve: GPUBuffer;
}

export class Profiler implements DispatchObserver {
  readonly mode: ProfileMode;
  readonly #engine: Engine;
  readonly #queriesPerSet: number;
  readonly #rates: Peaks;
  readonly #warnings: string[] = [];
  /** Created on first use, so a profiler that never profiles creates no GPU objects. */
  readonly #sets: QuerySlot[] = [];
  readonly #freeReadbacks = new Map<number, GPUBuffer[]>();
  #open: Batch | null = null;
  #submitted: Batch[] = [];
  #timed: Dispatch[] = [];
  #submits: SubmitRecord[] = [];
  #nextIndex = 0;
  /** Dispatches before this one were cleared. */
  #firstIndex = 0;
  #nextBatch = 0;
  /** Fallback: when the previous submit finished, since the queue runs one submit after another. */
  #lastDoneMs = -Infinity;
  #draining: Promise<void> = Promise.resolve();

  constructor(engine: Engine, options: ProfilerOptions = {}) {
    this.#engine = engine;
    this.#queriesPerSet = options.queriesPerSet ?? 4096;
    if (!Number.isInteger(this.#queriesPerSet) || this.#queriesPerSet < 2 || this.#queriesPerSet > 4096 || this.#queriesPerSet % 2 !== 0) {
      throw new RangeError(`Profiler: queriesPerSet must be an even integer in 2..4096 (WebGPU's limit), got ${this.#queriesPerSet}`);
    }
    this.#rates = options.fallbackRates ?? LAVAPIPE_RATES;
    const hasTimestamps = engine.device.features.has('timestamp-query');
    this.mode = hasTimestamps && !options.forceFallback ? 'timestamp-query' : 'cpu-fallback';
    if (this.mode === 'cpu-fallback') {
      const why = hasTimestamps ? 'forceFallback was set' : "the device lacks the 'timestamp-query' feature";
      this.#warnings.push(
        `no GPU timestamps (${why}): kernel times are estimates, each submit's wall time from submit to ` +
          'onSubmittedWorkDone split among its kernels by declared flops and bytes',
      );
    }
  }

  get active(): boolean {
    return this.#engine.observer === this;
  }

  /** Attaches to the engine: every dispatch from now on is timed. */
  start(): this {
    const current = this.#engine.observer;
    if (current && current !== this) throw new Error('Profiler.start: the engine already has another DispatchObserver attached');
    this.#engine.observer = this;
    return this;
  }

  /**
   * Detaches from the engine. Dispatches recorded but not yet submitted are submitted first (engine.flush()),
   * since their queries are resolved only at submit.
   */
  stop(): void {
    if (!this.active) return;
    if (this.#open) this.#engine.flush();
    this.#engine.observer = null;
  }

  /**
   * Everything timed since start (or the last clear): waits for the readbacks, never for the engine. Work still
   * recorded is submitted first (engine.flush()): its times cannot be read before.
   */
  async collect(): Promise<ProfileReport> {
    if (this.#open) this.#engine.flush();
    const batches = this.#submitted.splice(0);
    // Drains run one after another, so fallback batches see their predecessors' completion times.
    const drained = this.#draining.then(() => this.#drain(batches));
    this.#draining = drained.catch(() => undefined);
    await drained;
    return this.#report();
  }

  /** Leaves every dispatch recorded so far out of later reports (a warm-up, say). */
  clear(): void {
    this.#timed = [];
    this.#submits = [];
    this.#firstIndex = this.#nextIndex;
  }

  /** Stops and frees the query sets and buffers. Collect first: uncollected batches are lost. */
  destroy(): void {
    this.stop();
    for (const slot of this.#sets.splice(0)) {
      slot.querySet.destroy();
      slot.resolve.destroy();
    }
    for (const buffers of this.#freeReadbacks.values()) for (const buffer of buffers) buffer.destroy();
    this.#freeReadbacks.clear();
    for (const batch of this.#submitted.splice(0)) batch.readback?.destroy();
  }

  // ---------------------------------------------------------------- DispatchObserver (called by the engine)

  timestampWritesFor(launch: KernelLaunch, encodeStartMs: number): GPUComputePassTimestampWrites | undefined {
    const batch = (this.#open ??= {
      index: this.#nextBatch++, dispatches: [], queriesPerSet: [], cpuSubmitMs: 0, readback: null, done: null,
    });
    batch.dispatches.push({
      index: this.#nextIndex++,
      batch: batch.index,
      launch: {
        name: launch.kernel.name, entry: launch.entry, shapes: launch.shapes, flops: launch.flops, bytes: launch.bytes,
        workgroups: [launch.workgroups[0], launch.workgroups[1], launch.workgroups[2]],
      },
      cpuStartMs: encodeStartMs,
      cpuEndMs: encodeStartMs,
      gpuBegin: 0n,
      gpuEnd: 0n,
    });
    if (this.mode === 'cpu-fallback') return undefined;

    // Roll over to the next query set when this one is full; the batch goes on (no flush).
    let set = batch.queriesPerSet.length - 1;
    if (set < 0 || batch.queriesPerSet[set]! + 2 > this.#queriesPerSet) {
      set++;
      batch.queriesPerSet.push(0);
    }
    const first = batch.queriesPerSet[set]!;
    batch.queriesPerSet[set] = first + 2;
    return { querySet: this.#slot(set).querySet, beginningOfPassWriteIndex: first, endOfPassWriteIndex: first + 1 };
  }

  afterDispatch(): void {
    const last = this.#open?.dispatches.at(-1);
    if (last) last.cpuEndMs = performance.now();
  }

  beforeSubmit(encoder: GPUCommandEncoder): void {
    const batch = this.#open;
    if (!batch) return;
    if (this.mode === 'timestamp-query') {
      // Each set's queries go to the start of its resolve buffer (offset 0 meets resolveQuerySet's 256-byte
      // alignment rule), then side by side into this batch's readback buffer, in dispatch order.
      const readback = this.#acquireReadback(batch.dispatches.length * 2 * BYTES_PER_QUERY);
      let offset = 0;
      batch.queriesPerSet.forEach((count, set) => {
        const slot = this.#slot(set);
        encoder.resolveQuerySet(slot.querySet, 0, count, slot.resolve, 0);
        encoder.copyBufferToBuffer(slot.resolve, 0, readback, offset, count * BYTES_PER_QUERY);
        offset += count * BYTES_PER_QUERY;
      });
      batch.readback = readback;
    }
    batch.cpuSubmitMs = performance.now();
  }

  afterSubmit(): void {
    const batch = this.#open;
    if (!batch) return;
    this.#open = null;
    if (this.mode === 'cpu-fallback') {
      batch.cpuSubmitMs = performance.now();
      batch.done = this.#engine.device.queue.onSubmittedWorkDone().then(() => performance.now());
    }
    this.#submitted.push(batch);
  }

  // ---------------------------------------------------------------- internals

  #slot(set: number): QuerySlot {
    let slot = this.#sets[set];
    if (!slot) {
      const device = this.#engine.device;
      slot = {
        querySet: device.createQuerySet({ type: 'timestamp', count: this.#queriesPerSet, label: `profiler queries ${set}` }),
        resolve: device.createBuffer({
          size: this.#queriesPerSet * BYTES_PER_QUERY,
          usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
          label: `profiler resolve ${set}`,
        }),
      };
      this.#sets[set] = slot;
    }
    return slot;
  }

  /** Readback buffers come in power-of-two sizes and are reused once collect() has read them. */
  #acquireReadback(bytes: number): GPUBuffer {
    const size = Math.max(256, 2 ** Math.ceil(Math.log2(bytes)));
    return (
      this.#freeReadbacks.get(size)?.pop() ??
      this.#engine.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'profiler readback' })
    );
  }

  #releaseReadback(buffer: GPUBuffer): void {
    const free = this.#freeReadbacks.get(buffer.size) ?? [];
    free.push(buffer);
    this.#freeReadbacks.set(buffer.size, free);
  }

  async #drain(batches: Batch[]): Promise<void> {
    if (this.mode === 'timestamp-query') {
      await Promise.all(batches.map((batch) => this.#readTimestamps(batch)));
    } else {
      for (const batch of batches) this.#apportion(batch, await batch.done!);
    }
    for (const batch of batches) {
      const kept = batch.dispatches.filter((d) => d.index >= this.#firstIndex);
      if (kept.length === 0) continue;
      this.#timed.push(...kept);
      this.#submits.push({ batch: batch.index, cpuMs: batch.cpuSubmitMs, dispatches: kept.length });
    }
  }

  async #readTimestamps(batch: Batch): Promise<void> {
    const readback = batch.readback!;
    const bytes = batch.dispatches.length * 2 * BYTES_PER_QUERY;
    await readback.mapAsync(GPUMapMode.READ, 0, bytes);
    const stamps = new BigUint64Array(readback.getMappedRange(0, bytes));
    batch.dispatches.forEach((dispatch, i) => {
      dispatch.gpuBegin = stamps[2 * i]!;
      dispatch.gpuEnd = stamps[2 * i + 1]!;
    });
    readback.unmap();
    batch.readback = null;
    this.#releaseReadback(readback);
  }

  /**
   * Fallback: the batch ran from its submit (or the end of the previous submit, if later) to doneMs. Each
   * kernel gets a share proportional to flops / fmaGflops + bytes / copyGBps + a fixed dispatch cost, in order.
   */
  #apportion(batch: Batch, doneMs: number): void {
    const startMs = Math.max(batch.cpuSubmitMs, this.#lastDoneMs);
    this.#lastDoneMs = doneMs;
    const estimates = batch.dispatches.map(
      ({ launch }) => launch.flops / this.#rates.fmaGflops + launch.bytes / this.#rates.copyGBps + DISPATCH_OVERHEAD_NS,
    );
    const scale = (Math.max(0, doneMs - startMs) * 1e6) / estimates.reduce((a, b) => a + b, 0);
    let at = startMs * 1e6;
    batch.dispatches.forEach((dispatch, i) => {
      dispatch.gpuBegin = BigInt(Math.round(at));
      at += estimates[i]! * scale;
      dispatch.gpuEnd = BigInt(Math.round(at));
    });
  }

  #report(): ProfileReport {
    const warnings = [...this.#warnings];
    const usable = this.#timed.filter((d) => d.gpuBegin > 0n && d.gpuEnd >= d.gpuBegin);
    const unusable = this.#timed.length - usable.length;
    if (unusable > 0) {
      warnings.push(`${unusable} of ${this.#timed.length} dispatches had unusable timestamps (zero, or end before begin) and were left out`);
    }
    usable.sort((a, b) => a.index - b.index);

    let overlaps = 0;
    let bits = 0n;
    usable.forEach((d, i) => {
      if (i > 0 && d.gpuBegin < usable[i - 1]!.gpuEnd) overlaps++;
      bits |= d.gpuBegin | d.gpuEnd;
    });
    if (overlaps > 0) warnings.push(`${overlaps} kernels began before the previous one ended: timestamps are not monotonic on this device`);
    let resolution: number | null = null;
    if (this.mode === 'timestamp-query' && usable.length >= 2 && bits > 0n) {
      let zeros = 0n;
      while (((bits >> zeros) & 1n) === 0n) zeros++;
      if (zeros >= QUANTISED_BELOW_BITS) {
        resolution = 2 ** Number(zeros);
        warnings.push(
          `timestamps are quantised to ${(resolution / 1000).toFixed(1)} us, so short kernels read as 0: Dawn rounds them ` +
            "unless its 'timestamp_quantization' toggle is off (Node: createNodeEngine({ dawnOptions: " +
            "['disable-dawn-features=timestamp_quantization'] }); Chrome: --enable-webgpu-developer-features)",
        );
      }
    }

    const gpuOrigin = usable.reduce((min, d) => (d.gpuBegin < min ? d.gpuBegin : min), usable[0]?.gpuBegin ?? 0n);
    const cpuOrigin = usable.reduce((min, d) => Math.min(min, d.cpuStartMs), Infinity);
    const records: KernelRecord[] = usable.map((d) => ({
      index: d.index,
      batch: d.batch,
      kernel: `${d.launch.name}.${d.launch.entry}`,
      name: d.launch.name,
      entry: d.launch.entry,
      shapes: d.launch.shapes,
      workgroups: d.launch.workgroups,
      flops: d.launch.flops,
      bytes: d.launch.bytes,
      gpuStartNs: Number(d.gpuBegin - gpuOrigin),
      gpuEndNs: Number(d.gpuEnd - gpuOrigin),
      cpuStartMs: d.cpuStartMs - cpuOrigin,
      cpuEndMs: d.cpuEndMs - cpuOrigin,
    }));
    const busyNs = records.reduce((sum, r) => sum + (r.gpuEndNs - r.gpuStartNs), 0);
    const spanNs = records.reduce((max, r) => Math.max(max, r.gpuEndNs), 0);
    return {
      mode: this.mode,
      adapter: this.#engine.info.adapter,
      warnings,
      records,
      submits: records.length === 0 ? [] : this.#submits.map((s) => ({ ...s, cpuMs: s.cpuMs - cpuOrigin })),
      gpuBusyMs: busyNs / 1e6,
      gpuSpanMs: spanNs / 1e6,
      timestampResolutionNs: resolution,
    };
  }
}

/** Creates a profiler and attaches it to the engine. */
export function startProfiling(engine: Engine, options?: ProfilerOptions): Profiler {
  return new Profiler(engine, options).start();
}

// ---------------------------------------------------------------- the per-kernel table

export type ProfileGrouping = 'kernel' | 'kernel+shapes';

export interface ProfileTableOptions {
  /** 'kernel+shapes' (default): one row per kernel entry and shapes; 'kernel': one per kernel entry. */
  readonly groupBy?: ProfileGrouping;
  /** The adapter's measured peaks: adds the fraction-of-peak columns. */
  readonly peaks?: Peaks;
}

export interface KernelRow {
  /** `name.entry`. */
  readonly kernel: string;
  /** The shapes string when grouped by kernel+shapes, else null. */
  readonly shapes: string | null;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  /** Of the GPU busy time of all kernels, 0..1. */
  readonly share: number;
  /** Declared flops / GPU time, and declared bytes / GPU time. */
  readonly gflops: number;
  readonly gbps: number;
  /** gflops / peaks.fmaGflops and gbps / peaks.copyGBps; null without peaks. */
  readonly fmaFraction: number | null;
  readonly copyFraction: number | null;
}

/** One row per kernel (or kernel and shapes), most GPU time first. */
export function kernelTable(report: ProfileReport, options: ProfileTableOptions = {}): KernelRow[] {
  const groupBy = options.groupBy ?? 'kernel+shapes';
  const groups = new Map<string, { kernel: string; shapes: string | null; calls: number; ns: number; flops: number; bytes: number }>();
  for (const r of report.records) {
    const shapes = groupBy === 'kernel+shapes' ? r.shapes : null;
    const key = shapes === null ? r.kernel : `${r.kernel}\u0000${shapes}`;
    const group = groups.get(key) ?? { kernel: r.kernel, shapes, calls: 0, ns: 0, flops: 0, bytes: 0 };
    group.calls++;
    group.ns += r.gpuEndNs - r.gpuStartNs;
    group.flops += r.flops;
    group.bytes += r.bytes;
    groups.set(key, group);
  }
  const busyNs = report.gpuBusyMs * 1e6;
  const peaks = options.peaks;
  return [...groups.values()]
    .sort((a, b) => b.ns - a.ns)
    .map((g) => {
      // flops per ns is GFLOP/s, bytes per ns GB/s.
      const gflops = g.ns > 0 ? g.flops / g.ns : 0;
      const gbps = g.ns > 0 ? g.bytes / g.ns : 0;
      return {
        kernel: g.kernel,
        shapes: g.shapes,
        calls: g.calls,
        totalMs: g.ns / 1e6,
        meanMs: g.ns / 1e6 / g.calls,
        share: busyNs > 0 ? g.ns / busyNs : 0,
        gflops,
        gbps,
        fmaFraction: peaks ? gflops / peaks.fmaGflops : null,
        copyFraction: peaks ? gbps / peaks.copyGBps : null,
      };
    });
}

/** The per-kernel table as aligned text, with a headline and the report's warnings. */
export function formatProfileTable(report: ProfileReport, options: ProfileTableOptions = {}): string {
  const rows = kernelTable(report, options);
  const byShapes = (options.groupBy ?? 'kernel+shapes') === 'kernel+shapes';
  const percent = (x: number | null) => (x === null ? '' : `${(100 * x).toFixed(1)}%`);
  const header = ['kernel', ...(byShapes ? ['shapes'] : []), 'calls', 'total ms', 'mean ms', 'share', 'GFLOP/s', 'GB/s'];
  if (options.peaks) header.push('% FMA peak', '% copy peak');
  const body = rows.map((r) => {
    const cells = [r.kernel, ...(byShapes ? [r.shapes ?? ''] : []), String(r.calls), r.totalMs.toFixed(3), r.meanMs.toFixed(4)];
    cells.push(percent(r.share), r.gflops.toFixed(2), r.gbps.toFixed(2));
    if (options.peaks) cells.push(percent(r.fmaFraction), percent(r.copyFraction));
    return cells;
  });
  const calls = rows.reduce((sum, r) => sum + r.calls, 0);
  const total = ['total', ...(byShapes ? [''] : []), String(calls), report.gpuBusyMs.toFixed(3), '', percent(rows.length ? 1 : 0), '', ''];
  if (options.peaks) total.push('', '');
  const table = [header, ...body, total];
  const textColumns = byShapes ? 2 : 1;
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = table.map((row) =>
    row.map((cell, c) => (c < textColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd(),
  );
  const timing = report.mode === 'timestamp-query' ? 'GPU timestamps' : 'CPU fallback estimates';
  const headline =
    `profile: ${calls} dispatches in ${report.submits.length} submits, GPU busy ${report.gpuBusyMs.toFixed(3)} ms ` +
    `of ${report.gpuSpanMs.toFixed(3)} ms (${timing}) on ${report.adapter}`;
  return [headline, ...report.warnings.map((w) => `warning: ${w}`), ...lines].join('\n');
}

// ---------------------------------------------------------------- Chrome trace (Perfetto, chrome://tracing)

export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'M' | 'i';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly s?: 't';
  readonly args?: Readonly<Record<string, string | number>>;
}

export const TRACE_PID = 1;
export const GPU_TRACK = 1;
export const CPU_TRACK = 2;

/**
 * The report as Chrome trace events: track GPU_TRACK holds one complete ('X') event a kernel, CPU_TRACK each
 * dispatch's encoding and an instant event a submit. ts and dur are microseconds. The GPU and CPU clocks are
 * different clocks: the GPU track is shifted by the least amount that puts every submit's first kernel after
 * the submit itself, so the two line up approximately.
 */
export function toChromeTrace(report: ProfileReport): { traceEvents: ChromeTraceEvent[]; displayTimeUnit: 'ms' } {
  const firstGpuUsByBatch = new Map<number, number>();
  for (const r of report.records) {
    const us = r.gpuStartNs / 1000;
    firstGpuUsByBatch.set(r.batch, Math.min(us, firstGpuUsByBatch.get(r.batch) ?? Infinity));
  }
  let gpuOffsetUs = 0;
  for (const s of report.submits) {
    const first = firstGpuUsByBatch.get(s.batch);
    if (first !== undefined) gpuOffsetUs = Math.max(gpuOffsetUs, s.cpuMs * 1000 - first);
  }

  const gpuName = report.mode === 'timestamp-query' ? 'GPU kernels (timestamp queries)' : 'GPU kernels (estimated, CPU fallback)';
  const events: ChromeTraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: TRACE_PID, tid: GPU_TRACK, args: { name: `posedyn on ${report.adapter}` } },
    { name: 'thread_name', ph: 'M', pid: TRACE_PID, tid: GPU_TRACK, args: { name: gpuName } },
    { name: 'thread_sort_index', ph: 'M', pid: TRACE_PID, tid: GPU_TRACK, args: { sort_index: 0 } },
    { name: 'thread_name', ph: 'M', pid: TRACE_PID, tid: CPU_TRACK, args: { name: 'CPU encoding' } },
    { name: 'thread_sort_index', ph: 'M', pid: TRACE_PID, tid: CPU_TRACK, args: { sort_index: 1 } },
  ];
  for (const r of report.records) {
    const ns = r.gpuEndNs - r.gpuStartNs;
    events.push({
      name: r.kernel, cat: 'gpu', ph: 'X', pid: TRACE_PID, tid: GPU_TRACK,
      ts: r.gpuStartNs / 1000 + gpuOffsetUs, dur: ns / 1000,
      args: {
        shapes: r.shapes, workgroups: r.workgroups.join('x'), flops: r.flops, bytes: r.bytes,
        'GFLOP/s': ns > 0 ? r.flops / ns : 0, 'GB/s': ns > 0 ? r.bytes / ns : 0, dispatch: r.index, submit: r.batch,
      },
    });
    events.push({
      name: r.kernel, cat: 'encode', ph: 'X', pid: TRACE_PID, tid: CPU_TRACK,
      ts: r.cpuStartMs * 1000, dur: (r.cpuEndMs - r.cpuStartMs) * 1000,
      args: { shapes: r.shapes, dispatch: r.index },
    });
  }
  for (const s of report.submits) {
    events.push({
      name: 'submit', cat: 'submit', ph: 'i', s: 't', pid: TRACE_PID, tid: CPU_TRACK, ts: s.cpuMs * 1000,
      args: { submit: s.batch, dispatches: s.dispatches },
    });
  }
  return { traceEvents: events, displayTimeUnit: 'ms' };
}
