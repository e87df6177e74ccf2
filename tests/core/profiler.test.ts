import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import * as ops from '../../core/ops/elementwise.ts';
import { type KernelRecord, Profiler, formatProfileTable, kernelTable, startProfiling, toChromeTrace, GPU_TRACK, CPU_TRACK } from '../../core/profiler.ts';
import type { Tensor } from '../../core/tensor.ts';
import { createNodeEngine } from '../../runtime-node/device.ts';
import { uniform } from '../helpers/random.ts';

// Its own engine rather than the shared test one: Dawn rounds timestamps to 65.5 us unless this toggle is off,
// and short kernels would then read as 0 ns. The Dawn instance is per process, so this test file owns it.
const engine = await createNodeEngine({ dawnOptions: ['disable-dawn-features=timestamp_quantization'] });

// Counts query sets the device creates, to check that profiling off creates none.
let querySetsCreated = 0;
const createQuerySet = engine.device.createQuerySet.bind(engine.device);
engine.device.createQuerySet = (descriptor: GPUQuerySetDescriptor) => {
  querySetsCreated++;
  return createQuerySet(descriptor);
};

const SMALL = 4096;
const small = tensor(engine, uniform(SMALL, 1, -2, 2), [SMALL]);
const big = tensor(engine, uniform(64 * SMALL, 2, -2, 2), [64 * SMALL]);

/** `count` exp kernels, each on the previous one's output, read back once (one submit). */
async function expChain(x: Tensor, count: number): Promise<Float32Array> {
  const y = engine.tidy(() => {
    let t = x;
    for (let i = 0; i < count; i++) t = ops.exp(ops.mulScalar(t, 0.01));
    return t;
  });
  const values = await y.read();
  y.dispose();
  return values;
}

/** GPU intervals in dispatch order, not overlapping, each of positive length (or at least zero: `allowEmpty`). */
function assertOrdered(records: readonly KernelRecord[], allowEmpty = false): void {
  records.forEach((r, i) => {
    const length = r.gpuEndNs - r.gpuStartNs;
    assert.ok(allowEmpty ? length >= 0 : length > 0, `dispatch ${r.index} (${r.shapes}): GPU end ${r.gpuEndNs} ns is not after its start ${r.gpuStartNs} ns`);
    assert.ok(r.cpuEndMs >= r.cpuStartMs, `dispatch ${r.index}: CPU encoding ends before it starts`);
    const previous = records[i - 1];
    if (previous) {
      assert.ok(r.index > previous.index, 'records are in dispatch order');
      assert.ok(r.gpuStartNs >= previous.gpuEndNs, `dispatch ${r.index} starts at ${r.gpuStartNs} ns, before dispatch ${previous.index} ends at ${previous.gpuEndNs} ns`);
    }
  });
}

test('profiling records each dispatch with its kernel, shapes, workgroups, declared work and ordered GPU times', async () => {
  const profiler = startProfiling(engine);
  const submits = engine.counters.submits;
  await expChain(small, 6);
  const report = await profiler.collect();
  profiler.destroy();

  assert.is(report.mode, 'timestamp-query');
  assert.equal(report.warnings, []);
  assert.is(report.timestampResolutionNs, null);
  assert.is(report.records.length, 12);
  assert.is(engine.counters.submits - submits, 1, 'one submit, for the read');
  assert.is(report.submits.length, 1);
  report.records.forEach((r, i) => {
    const isExp = i % 2 === 1;
    // A multiple of 4 values: the vec4 entry, 4 vec4s a thread, 256 threads a workgroup.
    assert.is(r.kernel, 'elementwise.unary4');
    assert.is(r.entry, 'unary4');
    assert.is(r.shapes, isExp ? `exp[${SMALL}]` : `affine[${SMALL}]`);
    assert.equal(r.workgroups, [SMALL / 4096, 1, 1]);
    assert.is(r.flops, (isExp ? 4 : 2) * SMALL);
    assert.is(r.bytes, 8 * SMALL);
  });
  assert.is(report.records[0]!.gpuStartNs, 0, 'GPU times are relative to the first kernel');
  assert.is(report.records[0]!.cpuStartMs, 0, 'CPU times are relative to the first dispatch');
  assertOrdered(report.records);
  assert.ok(report.gpuBusyMs > 0 && report.gpuBusyMs <= report.gpuSpanMs);
});

test('with profiling off or not started: no query set, and the same counters and results as with it on', async () => {
  const before = querySetsCreated;
  const unstarted = new Profiler(engine);
  const counters = { ...engine.counters };
  const plain = await expChain(small, 5);
  const plainDelta = { dispatches: engine.counters.dispatches - counters.dispatches, submits: engine.counters.submits - counters.submits };
  assert.is(querySetsCreated, before, 'no query set is created while the profiler is off');
  assert.is(engine.observer, null);
  assert.not.ok(unstarted.active);

  const profiler = startProfiling(engine);
  const at = { ...engine.counters };
  const profiled = await expChain(small, 5);
  const report = await profiler.collect();
  const profiledDelta = { dispatches: engine.counters.dispatches - at.dispatches, submits: engine.counters.submits - at.submits };
  profiler.destroy();

  assert.equal(profiledDelta, plainDelta, 'profiling adds no dispatches and no submits, collect() included');
  assert.equal(Array.from(profiled), Array.from(plain), 'profiling does not change results');
  assert.is(report.records.length, plainDelta.dispatches);
  assert.is(querySetsCreated, before + 1, 'one query set holds these dispatches');
  assert.is(engine.observer, null, 'destroy() detaches the profiler');
});

// The minimum of 7 runs: other processes on a shared CPU only ever add time (lavapipe runs on the CPU).
test('a kernel over 64x the data takes more than twice the GPU time (fastest of 7 runs each)', async () => {
  const profiler = startProfiling(engine);
  await expChain(small, 1); // warm-up: pipelines are compiled
  await expChain(big, 1);
  profiler.clear();
  for (let i = 0; i < 7; i++) {
    await expChain(small, 1);
    await expChain(big, 1);
  }
  const report = await profiler.collect();
  profiler.destroy();

  const fastest = (shapes: string) => {
    const ns = report.records.filter((r) => r.shapes === shapes).map((r) => r.gpuEndNs - r.gpuStartNs);
    assert.is(ns.length, 7, shapes);
    return Math.min(...ns);
  };
  const ratio = fastest(`exp[${64 * SMALL}]`) / fastest(`exp[${SMALL}]`);
  assert.ok(ratio > 2, `exp over 64x the elements took only ${ratio.toFixed(2)}x the GPU time`);
});

test('more dispatches than a query set holds roll over to further sets within one submit', async () => {
  const before = querySetsCreated;
  const profiler = startProfiling(engine, { queriesPerSet: 8 });
  const submits = engine.counters.submits;
  const plain = await expChain(small, 1);
  await expChain(small, 10); // 20 dispatches, 4 a set: 5 sets, one submit
  const again = await expChain(small, 1); // a later submit starts over in the first set
  const report = await profiler.collect();
  profiler.destroy();

  assert.is(engine.counters.submits - submits, 3, 'one submit per read, none for the rollover');
  assert.is(querySetsCreated - before, 5);
  assert.is(report.records.length, 24);
  assert.equal(report.submits.map((s) => s.dispatches), [2, 20, 2]);
  assert.equal(Array.from(again), Array.from(plain));
  assertOrdered(report.records);
});

test('the Chrome trace is JSON with a GPU and a CPU track and one complete event a dispatch on each', async () => {
  const profiler = startProfiling(engine);
  await expChain(small, 3);
  await expChain(small, 2);
  const report = await profiler.collect();
  profiler.destroy();

  const trace = JSON.parse(JSON.stringify(toChromeTrace(report))) as ReturnType<typeof toChromeTrace>;
  const threadNames = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.tid);
  assert.equal(threadNames.sort(), [GPU_TRACK, CPU_TRACK].sort());
  assert.ok(trace.traceEvents.some((e) => e.ph === 'M' && e.name === 'process_name'));
  const gpu = trace.traceEvents.filter((e) => e.ph === 'X' && e.tid === GPU_TRACK);
  const cpu = trace.traceEvents.filter((e) => e.ph === 'X' && e.tid === CPU_TRACK);
  assert.is(gpu.length, 10);
  assert.is(cpu.length, 10);
  for (const e of [...gpu, ...cpu]) {
    assert.ok(Number.isFinite(e.ts) && e.ts! >= 0 && Number.isFinite(e.dur) && e.dur! >= 0, `${e.name}: ts ${e.ts}, dur ${e.dur}`);
  }
  for (const e of gpu) {
    assert.is(e.name, 'elementwise.unary4');
    for (const key of ['shapes', 'workgroups', 'flops', 'bytes', 'GFLOP/s']) assert.ok(key in e.args!, `GPU event lacks args.${key}`);
  }
  // Each submit's first kernel starts no earlier than the submit on the aligned timeline.
  const submits = trace.traceEvents.filter((e) => e.ph === 'i' && e.name === 'submit');
  assert.is(submits.length, 2);
  for (const s of submits) {
    const first = gpu.find((e) => e.args!.submit === s.args!.submit)!;
    assert.ok(first.ts! >= s.ts! - 1e-6, 'GPU track is aligned after the submit');
  }
});

test('the table lists each kernel with its calls, and the shares sum to 100%', async () => {
  const profiler = startProfiling(engine);
  const y = engine.tidy(() => ops.add(ops.tanh(ops.exp(small)), ops.tanh(small)));
  await y.read();
  y.dispose();
  const report = await profiler.collect();
  profiler.destroy();

  const byShapes = kernelTable(report);
  assert.equal(byShapes.map((r) => [r.shapes, r.calls]).sort(), [[`add[${SMALL}]`, 1], [`exp[${SMALL}]`, 1], [`tanh[${SMALL}]`, 2]]);
  const byKernel = kernelTable(report, { groupBy: 'kernel' });
  assert.equal(byKernel.map((r) => [r.kernel, r.calls]).sort(), [['elementwise.binary4', 1], ['elementwise.unary4', 3]]);
  for (const rows of [byShapes, byKernel]) {
    const share = rows.reduce((sum, r) => sum + r.share, 0);
    assert.ok(Math.abs(share - 1) < 1e-9, `shares sum to ${share}`);
    for (const r of rows) {
      assert.ok(r.totalMs > 0 && Math.abs(r.meanMs * r.calls - r.totalMs) < 1e-9 && r.gbps > 0, `${r.kernel} ${r.shapes}`);
      assert.is(r.fmaFraction, null);
    }
  }

  const peaks = { fmaGflops: 33, copyGBps: 2.5 };
  const withPeaks = kernelTable(report, { peaks });
  for (const r of withPeaks) assert.ok(Math.abs(r.copyFraction! - r.gbps / 2.5) < 1e-12 && Math.abs(r.fmaFraction! - r.gflops / 33) < 1e-12);
  const text = formatProfileTable(report, { peaks });
  for (const shapes of [`add[${SMALL}]`, `exp[${SMALL}]`, `tanh[${SMALL}]`]) assert.match(text, shapes);
  assert.match(text, '% FMA peak');
  assert.match(text, /total\s+4\s/);
  const lines = text.split('\n').slice(1);
  const shareColumn = lines[0]!.indexOf('share') + 'share'.length;
  for (const line of lines.slice(1)) assert.is(line[shareColumn - 1], '%', `columns are aligned: ${line}`);
  assert.match(formatProfileTable(report, { groupBy: 'kernel' }), /elementwise\.unary4\s+3\s/);
});

test('forced fallback: per-submit wall time split by declared work, said to be an estimate', async () => {
  const before = querySetsCreated;
  const profiler = startProfiling(engine, { forceFallback: true });
  const submits = engine.counters.submits;
  await expChain(small, 4);
  await expChain(big, 1);
  const report = await profiler.collect();
  profiler.destroy();

  assert.is(report.mode, 'cpu-fallback');
  assert.match(report.warnings.join('\n'), /estimate/);
  assert.match(formatProfileTable(report), /CPU fallback estimates/);
  assert.is(querySetsCreated, before, 'the fallback creates no query set');
  assert.is(engine.counters.submits - submits, 2);
  assert.is(report.records.length, 10);
  // A submit's window may be empty when dawn.node delivers two submits' onSubmittedWorkDone in one poll.
  assertOrdered(report.records, true);
  assert.ok(report.gpuBusyMs > 0);
  const ns = (r: KernelRecord) => r.gpuEndNs - r.gpuStartNs;
  const [bigAffine, bigExp] = report.records.slice(8);
  const expected = (4 * 64 * SMALL / 33 + 8 * 64 * SMALL / 2.5 + 25_000) / (2 * 64 * SMALL / 33 + 8 * 64 * SMALL / 2.5 + 25_000);
  assert.ok(Math.abs(ns(bigExp!) - expected * ns(bigAffine!)) <= 2, 'a submit is split by flops / 33 GFLOP/s + bytes / 2.5 GB/s + 25 us');
});

test.after(() => {
  small.dispose();
  big.dispose();
});

test.run();
