// Runs every benchmark suite in one process and prints one table: each posedyn kernel's median time, its
// throughput and fraction of the adapter's measured peak, and the time of each peer engine with the ratio
// peer_ms / posedyn_ms (above 1: posedyn is faster). Writes the same as JSON when asked.
//
// Usage: node --import ./runtime-node/register.mjs benchmarks/run.ts [--quick] [--json FILE] [--no-peers]
//   --quick     tiny sizes, one repeat: checks that everything runs (CI); its times mean nothing.
//   --json      where to write the results (atomically: a temporary file renamed over FILE).
//   --no-peers  posedyn only.
// The machine is shared and noisy: compare ratios from one run, not times across runs.
import { parseArgs } from 'node:util';
import type { Engine } from '../engine/engine.ts';
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

export interface BenchmarkReport {
  readonly date: string;
  readonly adapter: string;
  readonly quick: boolean;
  readonly timing: TimingOptions;
  readonly peaks: Peaks | null;
  readonly results: readonly BenchmarkResult[];
  readonly peers: readonly PeerResult[];
  readonly ratios: readonly Ratio[];
  readonly notes: readonly string[];
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

export async function runBenchmarks(options: { quick: boolean; peers: boolean }): Promise<BenchmarkReport> {
  const engine = await createNodeEngine({ verbose: false });
  const timing = options.quick ? QUICK_TIMING : FULL_TIMING;
  const notes: string[] = [];
  log(`adapter ${engine.info.adapter}${options.quick ? ' (quick: tiny sizes, no timing claims)' : ''}`);
  const peaks = await measuredPeaks(engine, options.quick, notes);
  const context: SuiteContext = { engine, quick: options.quick, timing, peaks, log };
  const results: BenchmarkResult[] = [];
  const peers: PeerResult[] = [];
  for (const suite of BENCHMARK_SUITES) {
    if (!options.peers && suite.name === 'peers') continue;
    log(`suite ${suite.name}`);
    const report = await suite.run(context);
    results.push(...report.results);
    peers.push(...report.peers);
    notes.push(...report.notes);
  }
  return {
    date: new Date().toISOString(), adapter: engine.info.adapter, quick: options.quick, timing, peaks,
    results, peers, ratios: ratiosOf(results, peers), notes,
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

/** The results as an aligned text table, one row a posedyn benchmark, one column a peer. */
export function formatTable(report: BenchmarkReport): string {
  const peerNames = [...new Set(report.peers.map((p) => p.peer))];
  const header = ['benchmark', 'shapes', 'posedyn ms', 'throughput', 'of peak', ...peerNames.map((p) => `${p} ms (x)`)];
  const rows = report.results.map((r) => [
    r.name,
    r.shapes,
    formatMs(r.medianMs),
    throughput(r),
    r.fractionOfPeak === null ? 'n/a' : `${(100 * r.fractionOfPeak).toFixed(1)}%`,
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
    ? `peaks: FMA ${report.peaks.fmaGflops.toFixed(1)} GFLOP/s, copy ${report.peaks.copyGBps.toFixed(2)} GB/s (fraction of peak: compute rows vs FMA, memory rows vs copy)`
    : 'peak unavailable';
  const skips = report.peers.filter((p) => p.skipped).map((p) => `${p.peer} ${p.name}: skipped: ${p.skipped}`);
  return [
    `adapter: ${report.adapter}${report.quick ? '   QUICK MODE: tiny sizes, 1 repeat, times mean nothing' : ''}`,
    peaks,
    `(x) = peer ms / posedyn ms: above 1 posedyn is faster. Median of ${report.timing.repeats} repeats after ${report.timing.warmup} warm-up.`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
    '',
    ...report.notes.map((n) => `note: ${n}`),
    ...skips.map((s) => `note: ${s}`),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, json: { type: 'string' }, 'no-peers': { type: 'boolean', default: false } },
  });
  const report = await runBenchmarks({ quick: values.quick ?? false, peers: !values['no-peers'] });
  process.stdout.write(`${formatTable(report)}\n`);
  if (values.json) {
    await writeFileAtomic(values.json, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${values.json}`);
  }
  // dawn.node keeps the process alive while the device lives.
  process.exit(0);
}

if (process.argv[1] === decodeURIComponent(new URL(import.meta.url).pathname)) await main();
