// Does the kernel tuning (core/kernel-selection.ts) pick the same, fast variants for generation's shape classes
// every time? Generation runs at batch 1 (one 256-frame window at a time), so most of its classes are problems of
// 0.1-1 ms, where one run's wall time is mostly submit and wake-up noise. Each round tunes in a fresh engine (empty
// choices) by running 60 s of PoseGAN generation once, as the bench row does (random weights, default config,
// talking-head/inference/pose-windows.ts), and keeps every class's pick and each variant's tuning median. A
// variant's time for a class is then the median of its tuning medians over all rounds, and a pick counts as a
// miss when its time is over 1.15x the class's fastest: how often a process would run a slow kernel. Prints the
// misses and the timed runs a class got (the tuning's rounds). Ratios within one run only.
//
// Run: timeout 1200 node --import ./runtime-node/register.mjs benchmarks/tuning-generation.ts [--rounds=8] [--json=FILE]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tensor } from '../core/creation.ts';
import { Engine } from '../core/engine.ts';
import { InitRandom } from '../core/nn/init.ts';
import { generatePoseSequence } from '../talking-head/inference/pose-windows.ts';
import { defaultPoseGanConfig } from '../talking-head/posegan/config.ts';
import { PoseGenerator } from '../talking-head/posegan/generator.ts';
import { createNodeEngine } from '../runtime-node/device.ts';

const option = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rounds = Number(option('rounds', '8'));
const jsonPath = option('json', '');
const MISS = 1.15;
const median = (values: readonly number[]) => {
  const s = [...values].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const base = await createNodeEngine({ kernelSelection: 'preferred' });
const config = defaultPoseGanConfig(29);
const frames = 1800;
const values = new Float32Array(frames * 29 * config.windowFrames).map((_, i) => Math.sin(i * 0.37));
interface ClassRecord { picks: string[]; medians: Record<string, number[]>; runs: number[]; example: string }
const classes = new Map<string, ClassRecord>();
const loads: string[] = [loadavg()[0]!.toFixed(2)];
for (let round = 0; round < rounds; round++) {
  const engine = new Engine(base.device, base.info, { kernelSelection: 'tune' });
  const generator = new PoseGenerator(engine, config, new InitRandom(1)).train(false);
  const windows = tensor(engine, values, [frames, 29, config.windowFrames]);
  const poses = engine.noGrad(() => engine.tidy(() => generatePoseSequence(generator, windows, tensor(engine, new Float32Array(6), [1, 6]))));
  await poses.read();
  await engine.sync();
  for (const choice of engine.kernels.choices()) {
    if (choice.how !== 'measured' || !choice.timings) continue;
    const key = `${choice.family} | ${choice.shapeClass}`;
    const record = classes.get(key) ?? { picks: [], medians: {}, runs: [], example: choice.example };
    classes.set(key, record);
    record.picks.push(choice.variant);
    for (const t of choice.timings) (record.medians[t.variant] ??= []).push(t.ms);
    record.runs.push(choice.timings[0]!.runsMs?.length ?? 0);
  }
  poses.dispose();
  windows.dispose();
  generator.dispose();
  engine.dispose();
  loads.push(loadavg()[0]!.toFixed(2));
}

let misses = 0;
let picks = 0;
const report = [...classes.entries()].map(([key, r]) => {
  const times = Object.fromEntries(Object.entries(r.medians).map(([v, ms]) => [v, median(ms)]));
  const fastest = Math.min(...Object.values(times));
  const missed = r.picks.filter((p) => times[p]! > MISS * fastest);
  misses += missed.length;
  picks += r.picks.length;
  return { key, example: r.example, times, fastest, picks: r.picks, missed, timedRuns: median(r.runs) };
});
for (const r of report) {
  const ranked = Object.entries(r.times).sort((p, q) => p[1] - q[1]).map(([v, ms]) => `${v} ${(ms / r.fastest).toFixed(2)}`).join(', ');
  console.log(`${r.example.padEnd(40)} misses ${r.missed.length}/${r.picks.length}${r.missed.length ? ` (${[...new Set(r.missed)].join(', ')})` : ''}; runs a variant ${r.timedRuns}; x fastest: ${ranked}`);
}
console.log(`\n${misses} of ${picks} picks over ${MISS}x the class's fastest (${rounds} fresh tunings; load ${loads.join(' -> ')})`);
if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ rounds, miss: MISS, loads, classes: report }, null, 1));
base.dispose();
