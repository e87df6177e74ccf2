// Does the kernel tuning (core/kernel-selection.ts) pick the variant that runs the bench row fastest, and the same
// one every time? For each named kernel row of `posedyn bench` (benchmarks/kernels.ts), a few rounds; each round
// runs the tuning once in a fresh engine (empty choices) and times the row with every variant of the row's family
// forced, as the bench times a row (benchmarks/harness.ts), so a load change hits all of them alike. Prints how
// often each variant was picked, each variant's row time (median over rounds) as a ratio to the fastest, and each
// pick's row time over the fastest's (1.00: the tuning picked the fastest). Ratios within one run only.
// Run: timeout 1200 node --import ./runtime-node/register.mjs benchmarks/tuning-repeatability.ts
//        [--rows=reduce.rows,conv1d.forward.down2] [--rounds=5] [--json=out/tuning-repeatability.json]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Engine } from '../core/engine.ts';
import { kernelBenchmarks } from './kernels.ts';
import { FULL_TIMING, median, timeEngine } from './harness.ts';
import { createNodeEngine } from '../runtime-node/device.ts';

const option = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rowNames = option('rows', 'reduce.rows,conv1d.forward.down2').split(',');
const rounds = Number(option('rounds', '5'));
const jsonPath = option('json', '');
const loadAverage = () => loadavg().map((l) => l.toFixed(2));
const timing = { ...FULL_TIMING, repeats: 5 };

/** The kernel family whose choice decides each row (the row's only family with variants to choose from). */
const ROW_FAMILY: Record<string, string> = {
  'reduce.rows': 'reduce.sum', 'reduce.all': 'reduce.sum', 'concat.skip': 'layout.copy-box', 'matmul.square': 'matmul',
  'matmul.linear': 'matmul', 'matmul.face-decode': 'matmul', 'group-norm.forward': 'group-norm.forward',
};
const familyOf = (row: string) => ROW_FAMILY[row] ?? (row.startsWith('conv1d.') ? row.split('.').slice(0, 2).join('.') : row);

const base = await createNodeEngine({ kernelSelection: 'preferred' });
const report: unknown[] = [];
for (const name of rowNames) {
  const bench = kernelBenchmarks(false).find((b) => b.name === name);
  if (!bench) throw new Error(`no kernel row '${name}' (rows: ${kernelBenchmarks(false).map((b) => b.name).join(', ')})`);
  const family = familyOf(name);
  const picks: string[] = [];
  const tuningTimes: Record<string, number[]> = {};
  const rowTimes: Record<string, number[]> = {};
  let variants: string[] = [];
  for (let round = 0; round < rounds; round++) {
    // The tuning, as at a row's first run in `posedyn bench`: a fresh engine, one run, the sync that tunes.
    const tuner = new Engine(base.device, base.info, { kernelSelection: 'tune' });
    const prepared = bench.prepare(tuner);
    prepared.record();
    await tuner.sync();
    const choice = tuner.kernels.choices().find((c) => c.family === family);
    if (!choice) throw new Error(`row ${name} ran no ${family} kernel`);
    picks.push(`${choice.variant}${choice.how === 'measured' ? '' : ` (${choice.how})`}`);
    for (const t of choice.timings ?? []) (tuningTimes[t.variant] ??= []).push(t.ms);
    if (variants.length === 0) variants = (choice.timings ?? [{ variant: choice.variant }]).map((t) => t.variant).sort();
    prepared.dispose();
    await tuner.sync();
    tuner.dispose();
    // The row with each variant forced, in an order that turns each round.
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length]!;
      // On one engine for every variant, as the bench times a row: rows timed in a fresh engine each ran some
      // variants 2-3x slower than the bench's own row (down2 on r16p8: 60-95 ms against 21-23), cause not found.
      base.kernels.force(family, variant);
      const row = bench.prepare(base);
      const time = await timeEngine(base, row.record, timing);
      (rowTimes[variant] ??= []).push(time.medianMs);
      row.dispose();
      await base.sync();
      base.storage.trim();
    }
    console.error(`${name} round ${round + 1}/${rounds}: picked ${picks.at(-1)}; rows ${variants.map((v) => `${v} ${rowTimes[v]!.at(-1)!.toFixed(2)}`).join(', ')} ms; load ${loadAverage()[0]}`);
  }
  const rowMedian = Object.fromEntries(variants.map((v) => [v, median(rowTimes[v]!)]));
  const fastest = Math.min(...Object.values(rowMedian));
  const counts = new Map<string, number>();
  for (const p of picks) counts.set(p, (counts.get(p) ?? 0) + 1);
  console.log(`\n${name} (${family}), ${rounds} tuning runs, load now ${loadAverage().join(' ')}`);
  console.log(`  picked: ${[...counts].map(([v, n]) => `${v} ${n}x`).join(', ')}`);
  console.log('  variant            row ms (median of rounds)  x fastest  tuning ms (median of runs)');
  for (const v of variants) {
    console.log(`  ${v.padEnd(18)} ${rowMedian[v]!.toFixed(2).padStart(10)}                 ${(rowMedian[v]! / fastest).toFixed(2).padStart(6)}     ${tuningTimes[v] ? median(tuningTimes[v]!).toFixed(2) : '-'}`);
  }
  const regret = picks.map((p) => rowMedian[p.split(' ')[0]!]! / fastest);
  console.log(`  each pick's row time / the fastest's: ${regret.map((r) => r.toFixed(2)).join(' ')}`);
  report.push({ row: name, family, picks, rowMs: rowTimes, tuningMs: tuningTimes, regret });
}
if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify({ date: new Date().toISOString(), adapter: base.info.adapter, rounds, report }, null, 1)}\n`);
process.exit(0);
