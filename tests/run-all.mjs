// Runs the whole test suite: the TypeScript type check, the layer and cycle check, then every tests/**/*.test.ts file in its own Node
// process (uvu), and ends with the line `N passed, N failed` counted from uvu's own per-file summaries.
// Exits non-zero when a test failed, a file crashed, or no test ran at all.
// Usage: node tests/run-all.mjs [substring filter on file paths]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2] ?? '';
process.env.XDG_RUNTIME_DIR ??= '/tmp/posedyn-xdg';
mkdirSync(process.env.XDG_RUNTIME_DIR, { recursive: true });

function findTests(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'output' || name === 'fixtures' ? [] : findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const LAYERS = ['core', 'talking-head', 'runtime-node', 'runtime-web', 'benchmarks', 'tests'];
let passed = 0, failed = 0, skipped = 0;
const failures = [];

if (!filter) {
  process.stdout.write('== tsc --noEmit\n');
  const tsc = spawnSync(join(root, 'node_modules/.bin/tsc'), ['--noEmit', '-p', join(root, 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  process.stdout.write(tsc.stdout + tsc.stderr);
  if (tsc.status === 0) passed++; else { failed++; failures.push('tsc --noEmit'); }
  // The layers' arrows and the absence of module cycles, checked by dependency-cruiser (.dependency-cruiser.json).
  process.stdout.write('== depcruise (layers, no cycles)\n');
  const cruise = spawnSync(join(root, 'node_modules/.bin/depcruise'), ['--config', '.dependency-cruiser.json', '--output-type', 'err', ...LAYERS], { cwd: root, encoding: 'utf8' });
  process.stdout.write(cruise.stdout + cruise.stderr);
  if (cruise.status === 0) passed++; else { failed++; failures.push('depcruise'); }
}

for (const file of findTests(join(root, 'tests')).filter((f) => f.includes(filter))) {
  const name = relative(root, file);
  process.stdout.write(`== ${name}\n`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', join(root, 'runtime-node/register.mjs'), file], {
    cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 << 20,
  });
  const out = (run.stdout ?? '') + (run.stderr ?? '');
  process.stdout.write(out);
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const skip = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    failed++; failures.push(`${name} (crashed before uvu's summary, exit ${run.status}${run.signal ? ' ' + run.signal : ''})`);
  } else {
    passed += ok; skipped += skip;
    const bad = total - ok; // uvu's Total excludes skipped tests
    if (bad > 0 || run.status !== 0) { failed += Math.max(bad, 1); failures.push(name); }
  }
  process.stdout.write(`   (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

if (failures.length) process.stdout.write(`\nFailed:\n${failures.map((f) => '  ' + f).join('\n')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
