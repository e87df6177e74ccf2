// Runs every benchmark suite in one process and prints one table: each posedyn kernel's median time, its
// throughput and fraction of the adapter's measured peak, and the time of each peer engine with the ratio
// peer_ms / posedyn_ms (above 1: posedyn is faster). Writes the same as JSON when asked.
//
// Usage: node --import ./runtime-node/register.mjs benchmarks/run.ts [--quick] [--json FILE] [--no-peers] [--suite NAME]...
//   (or `posedyn bench`, `npm run bench`: the same options)
//   --quick     tiny sizes, one repeat: checks that everything runs (CI); its times mean nothing.
//   --json      where to write the results (atomically: a temporary file renamed over FILE).
//   --no-peers  posedyn only.
//   --suite     only this suite (repeatable): kernels, peers, end-to-end.
// The machine is shared and noisy: compare ratios from one run, not times across runs.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Engine } from '../core/engine.ts';
import { formatKernelChoices } from '../core/kernel-choices-table.ts';
import type { KernelChoice } from '../core/kernel-selection.ts';
import { createNodeEngine } from '../runtime-node/device.ts';
import { writeFileAtomic } from '../runtime-node/files/atomic-write.ts';
import {
  type BenchmarkResult, FULL_TIMING, type PeerResult, type Peaks, QUICK_TIMING, type SuiteContext, type TimingOptions,
} from './harness.ts';
import { BENCHMARK_SUITES } from './suites.ts';

export interface Ratio {
  readonly name: string;
  readonly peer: string;
  readonly posedynMs: number;
  readonly peerMs: number;
  /** peerMs / posedynMs: how many times faster posedyn is. */
  readonly speedup: number;
}

/** The machine's load average when a suite started and ended: foreign load is the largest error here. */
export interface LoadRecord {
  readonly suite: string;
  readonly at: 'start' | 'end';
  /** 1, 5 and 15 minute load averages (the machine has 2 cores). */
  readonly loadAverage: readonly [number, number, number];
}

export interface BenchmarkReport {
  readonly date: string;
  readonly adapter: string;
  readonly quick: boolean;
  readonly timing: TimingOptions;
  /** At the run's start; each row also carries the peaks sampled beside it (BenchmarkResult.peaks). */
  readonly peaks: Peaks | null;
  readonly load: readonly LoadRecord[];
  readonly results: readonly BenchmarkResult[];
  readonly peers: readonly PeerResult[];
  readonly ratios: readonly Ratio[];
  readonly notes: readonly string[];
  /** Which variant of each kernel family ran each shape class, and what its tuning run measured (core/kernel-selection.ts). */
  readonly kernelChoices: readonly KernelChoice[];
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** The adapter's peaks from benchmarks/peak.ts, or null with a note when that module is missing or fails. */
async function measuredPeaks(engine: Engine, quick: boolean, notes: string[]): Promise<Peaks | null> {
  try {
    const { measurePeaks } = await import('./peak.ts');
    const peaks = await measurePeaks(engine, { runs: quick ? 1 : 5 });
    log(`peaks: FMA ${peaks.fmaGflops.toFixed(1)} GFLOP/s, copy ${peaks.copyGBps.toFixed(2)} GB/s`);
    return peaks;
  } catch (error) {
    const note = `peak unavailable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    notes.push(note);
    log(note);
    return null;
  }
}

function ratiosOf(results: readonly BenchmarkResult[], peers: readonly PeerResult[]): Ratio[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  return peers.flatMap((p) => {
    const own = byName.get(p.name);
    if (!own || p.medianMs === undefined) return [];
    return [{ name: p.name, peer: p.peer, posedynMs: own.medianMs, peerMs: p.medianMs, speedup: p.medianMs / own.medianMs }];
  });
}

/** A sampler of the peaks for the suites (benchmarks/peak.ts PeakProbe), or one that answers null and notes why. */
async function peakSampler(engine: Engine, notes: string[]): Promise<{ sample(): Promise<Peaks | null>; destroy(): void }> {
  try {
    const { createPeakProbe } = await import('./peak.ts');
    const probe = await createPeakProbe(engine);
    return { sample: () => probe.sample(), destroy: () => probe.destroy() };
  } catch (error) {
    notes.push(`peak probe unavailable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return { sample: async () => null, destroy() {} };
  }
}

export interface RunOptions {
  readonly quick: boolean;
  readonly peers: boolean;
  /** Only the suites with these names (default: all of BENCHMARK_SUITES). */
  readonly suites?: readonly string[];
}

export async function runBenchmarks(options: RunOptions): Promise<BenchmarkReport> {
  const engine = await createNodeEngine();
  const timing = options.quick ? QUICK_TIMING : FULL_TIMING;
  const notes: string[] = [];
  const load: LoadRecord[] = [];
  const recordLoad = (suite: string, at: 'start' | 'end') => {
    const [one, five, fifteen] = loadavg() as [number, number, number];
    load.push({ suite, at, loadAverage: [one, five, fifteen] });
    log(`load average ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} at the ${at} of ${suite}`);
  };
  log(`adapter ${engine.info.adapter}${options.quick ? ' (quick: tiny sizes, no timing claims)' : ''}`);
  recordLoad('peaks', 'start');
  const peaks = await measuredPeaks(engine, options.quick, notes);
  const sampler = await peakSampler(engine, notes);
  const context: SuiteContext = { engine, quick: options.quick, peers: options.peers, timing, peaks, samplePeaks: () => sampler.sample(), log };
  const results: BenchmarkResult[] = [];
  const peers: PeerResult[] = [];
  const unknown = (options.suites ?? []).filter((name) => !BENCHMARK_SUITES.some((suite) => suite.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark suite(s) ${unknown.join(', ')}; known: ${BENCHMARK_SUITES.map((s) => s.name).join(', ')}`);
  try {
    for (const suite of BENCHMARK_SUITES) {
      if (options.suites && !options.suites.includes(suite.name)) continue;
      if (!options.peers && suite.name === 'peers') continue;
      log(`suite ${suite.name}`);
      recordLoad(suite.name, 'start');
      const report = await suite.run(context);
      recordLoad(suite.name, 'end');
      results.push(...report.results);
      peers.push(...report.peers);
      notes.push(...report.notes);
    }
  } finally {
    await engine.sync();
    sampler.destroy();
  }
  const loads = load.map((l) => l.loadAverage[0]);
  notes.push(`load average (1 min) during the run: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} on 2 cores`);
  notes.push(...engine.kernels.failures.map((f) => `kernel variant failed during tuning: ${f}`));
  return {
    date: new Date().toISOString(), adapter: engine.info.adapter, quick: options.quick, timing, peaks, load,
    results, peers, ratios: ratiosOf(results, peers), notes, kernelChoices: engine.kernels.choices(),
  };
}

// ------------------------------------------------------------------------------------------------ the table

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

function throughput(r: BenchmarkResult): string {
  if (r.bound === 'compute' && r.gflops !== undefined) return `${r.gflops.toFixed(2)} GFLOP/s`;
  if (r.gbps !== undefined) return `${r.gbps.toFixed(2)} GB/s`;
  return '';
}

function rowPeak(r: BenchmarkResult): string {
  if (!r.peaks) return '';
  return r.bound === 'compute' ? `${r.peaks.fmaGflops.toFixed(1)}` : `${r.peaks.copyGBps.toFixed(2)}`;
}

/** The results as an aligned text table, one row a posedyn benchmark, one column a peer. */
export function formatTable(report: BenchmarkReport): string {
  const peerNames = [...new Set(report.peers.map((p) => p.peer))];
  const header = ['benchmark', 'shapes', 'posedyn ms', 'throughput', 'of peak', ...peerNames.map((p) => `${p} ms (x)`)];
  const rows = report.results.map((r) => [
    r.name,
    r.shapes,
    formatMs(r.medianMs),
    throughput(r),
    r.fractionOfPeak === null ? 'n/a' : `${(100 * r.fractionOfPeak).toFixed(1)}% of ${rowPeak(r)}`,
    ...peerNames.map((peer) => {
      const p = report.peers.find((q) => q.peer === peer && q.name === r.name);
      if (!p) return '';
      if (p.medianMs === undefined) return 'skipped';
      return `${formatMs(p.medianMs)} (${(p.medianMs / r.medianMs).toFixed(2)})`;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  const peaks = report.peaks
    ? `peaks at the start: FMA ${report.peaks.fmaGflops.toFixed(1)} GFLOP/s, copy ${report.peaks.copyGBps.toFixed(2)} GB/s. "of peak" divides by the peaks sampled beside each row (compute rows vs FMA, memory rows vs copy)`
    : 'peak unavailable';
  const skips = report.peers.filter((p) => p.skipped).map((p) => `${p.peer} ${p.name}: skipped: ${p.skipped}`);
  return [
    `adapter: ${report.adapter}${report.quick ? '   QUICK MODE: tiny sizes, 1 repeat, times mean nothing' : ''}`,
    peaks,
    `(x) = peer ms / posedyn ms: above 1 posedyn is faster. Kernel rows: median of ${report.timing.repeats} repeats after ${report.timing.warmup} warm-up; ` +
      'end-to-end rows: median of their interleaved rounds (repeats and samplesMs in the JSON).',
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
    '',
    ...report.notes.map((n) => `note: ${n}`),
    ...skips.map((s) => `note: ${s}`),
    '',
    formatKernelChoices(report.kernelChoices),
  ].join('\n');
}

/** Runs the suites, prints the table on stdout and, when `json` is given, writes the report there atomically. */
export async function runAndReport(options: RunOptions & { readonly json?: string }): Promise<BenchmarkReport> {
  const report = await runBenchmarks(options);
  process.stdout.write(`${formatTable(report)}\n`);
  if (options.json) {
    await writeFileAtomic(options.json, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${options.json}`);
  }
  return report;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false }, json: { type: 'string' }, 'no-peers': { type: 'boolean', default: false },
      suite: { type: 'string', multiple: true },
    },
  });
  await runAndReport({ quick: values.quick ?? false, peers: !values['no-peers'], suites: values.suite, json: values.json });
  // dawn.node keeps the process alive while the device lives.
  process.exit(0);
}

if (process.argv[1] === decodeURIComponent(new URL(import.meta.url).pathname)) await main();
