// Experiment helper: some kernel rows of `posedyn bench` by name, timed as benchmarks/kernels.ts times them (the
// copy and FMA peaks sampled just before and after each row), a few rounds in turn, to check a kernel change on
// the row itself without the whole run. Ratios within one run only.
// Run: timeout 600 node --import ./runtime-node/register.mjs benchmarks/experiments/bench-rows.ts --rows=concat.skip,reduce.all [--rounds=2]
//        [--kernel=conv1d.forward=subgroup-r16p8,...]  (force variants of kernel families, as `posedyn profile --kernel`)
import { kernelBenchmarks } from '../kernels.ts';
import { FULL_TIMING, bestOfPeaks, declaredWork, timeEngine } from '../harness.ts';
import { createPeakProbe } from '../peak.ts';
import { createNodeEngine } from '../../runtime-node/device.ts';
const names = (process.argv.find((a) => a.startsWith('--rows='))?.slice(7) ?? 'concat.skip').split(',');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 2);
const engine = await createNodeEngine();
for (const pair of (process.argv.find((a) => a.startsWith('--kernel='))?.slice(9) ?? '').split(',').filter(Boolean)) {
  const [family, variant] = pair.split('=');
  engine.kernels.force(family!, variant!);
}
const probe = await createPeakProbe(engine);
for (let r = 0; r < rounds; r++) {
  for (const bench of kernelBenchmarks(false).filter((b) => names.includes(b.name))) {
    const prepared = bench.prepare(engine);
    const declared = await declaredWork(engine, prepared.record);
    const work = prepared.work ?? declared;
    const before = await probe.sample();
    const time = await timeEngine(engine, prepared.record, FULL_TIMING);
    const peaks = bestOfPeaks(before, await probe.sample())!;
    const gbps = work.bytes / time.medianMs / 1e6;
    console.log(`${bench.name}: ${time.medianMs.toFixed(2)} ms, ${gbps.toFixed(2)} GB/s, ${(100 * gbps / peaks.copyGBps).toFixed(1)}% of copy ${peaks.copyGBps.toFixed(2)}, ${declared.dispatches} launches ${declared.shapes.slice(0, 3).join(' + ')}`);
    prepared.dispose();
    await engine.sync();
    engine.storage.trim();
  }
}
for (const c of engine.kernels.choices()) console.log(`${c.family} ${c.shapeClass}: ${c.variant} (${c.how}${c.timings ? `: ${c.timings.map((t) => `${t.variant} ${t.ms.toFixed(2)} ms`).join(', ')}` : ''})`);
process.exit(0);
