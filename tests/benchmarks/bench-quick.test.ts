// `posedyn bench --quick` (benchmarks/run.ts: tiny sizes, one repeat), run once as a subprocess: it must finish
// and write JSON with every kernel and end-to-end row and positive times. Nothing here is timed: speed claims live in
// benchmarks/, not in tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BenchmarkReport } from '../../benchmarks/run.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const EXPECTED_ROWS = [
  'matmul.square', 'matmul.linear', 'matmul.face-decode',
  'conv1d.forward.level1', 'conv1d.grad_input.level1', 'conv1d.grad_weight.level1',
  'conv1d.forward.down2', 'conv1d.grad_input.down2', 'conv1d.grad_weight.down2',
  'concat.skip', 'elementwise.add', 'reduce.rows', 'reduce.all',
];
const END_TO_END_ROWS = ['posegan.train-step', 'pgface.train-step', 'posegan.generate.60s', 'generate.60s'];
const PEERS = ['tfjs-webgpu', 'tfjs-wasm'];

test('posedyn bench --quick writes a JSON report with every kernel and end-to-end row, positive times, and peer rows or skip reasons', () => {
  const folder = mkdtempSync(join(tmpdir(), 'posedyn-bench-'));
  const jsonPath = join(folder, 'quick.json');
  try {
    const run = spawnSync(process.execPath, [join(root, 'runtime-node/bin/posedyn.js'), 'bench', '--quick', '--json', jsonPath], {
      cwd: root, encoding: 'utf8', timeout: 900_000, maxBuffer: 16 << 20,
    });
    assert.is(run.status, 0, `posedyn bench --quick exited ${run.status} ${run.signal ?? ''}:\n${run.stderr.slice(-3000)}`);
    assert.match(run.stdout, 'QUICK MODE');
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchmarkReport;
    assert.ok(report.quick, 'report.quick');
    const names = report.results.map((r) => r.name);
    for (const name of [...EXPECTED_ROWS, ...END_TO_END_ROWS]) assert.ok(names.includes(name), `row ${name} missing from ${names.join(', ')}`);
    assert.ok(report.load.length > 0, 'report.load: the load average is recorded');
    for (const r of report.results) {
      assert.ok(r.medianMs > 0 && Number.isFinite(r.medianMs), `${r.name}: medianMs ${r.medianMs}`);
      assert.ok((r.gflops ?? 0) > 0 || (r.gbps ?? 0) > 0, `${r.name}: neither GFLOP/s nor GB/s`);
      assert.ok(r.fractionOfPeak === null || r.fractionOfPeak > 0, `${r.name}: fractionOfPeak ${r.fractionOfPeak}`);
    }
    // Every peer answers for every matmul and conv1d row: a positive time or the reason it could not.
    for (const peer of PEERS) {
      for (const name of EXPECTED_ROWS.filter((n) => n.startsWith('matmul') || n.startsWith('conv1d'))) {
        const entry = report.peers.find((p) => p.peer === peer && p.name === name);
        assert.ok(entry, `${peer} has no entry for ${name}`);
        assert.ok((entry.medianMs ?? 0) > 0 || (entry.skipped ?? '').length > 0, `${peer} ${name}: neither a time nor a skip reason`);
      }
    }
    // The TF.js port answers for the PoseGAN rows: the training step on WebGPU, the generator on both backends.
    for (const [peer, name] of [['tfjs-webgpu', 'posegan.train-step'], ['tfjs-webgpu', 'posegan.generate.60s'], ['tfjs-wasm', 'posegan.generate.60s']] as const) {
      const entry = report.peers.find((p) => p.peer === peer && p.name === name);
      assert.ok(entry && ((entry.medianMs ?? 0) > 0 || (entry.skipped ?? '').length > 0), `${peer} ${name}: neither a time nor a skip reason`);
    }
    for (const name of ['posegan.generate.60s', 'generate.60s']) {
      const row = report.results.find((r) => r.name === name);
      assert.ok((row?.realTimeFactor ?? 0) > 0, `${name}: real-time factor ${row?.realTimeFactor}`);
    }
    for (const ratio of report.ratios) assert.ok(ratio.speedup > 0, `${ratio.peer} ${ratio.name}: speedup ${ratio.speedup}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
