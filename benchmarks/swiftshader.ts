// posedyn's kernels in Chromium's SwiftShader adapter, measured with the page's kernel profiler (core/profiler.ts):
// PoseGAN generation, a PoseGAN training step and the audio front end in headless Chromium pages (benchmarks/swiftshader-page.ts). The
// page is bundled from this tree and from a baseline tree (`git archive` of --baseline, default main) and both
// are open in one browser; each round runs every arm once, in turn, so load changes hit them alike. Arms:
//   baseline  the baseline tree's kernels (main's);
//   chosen    this tree, the engine's own variant choice for the adapter (measured at first use);
//   portable  this tree, every kernel family on its portable variant (isolates the choice from the other changes).
// Prints GPU time (the sum of the profiler's kernel times) and wall time, the medians and their ratios to the
// baseline, the kernels that moved most, and the choices the engine made. The target of issue 16 is that nothing
// gets slower here.
//
// Run: timeout 2400 node --import ./runtime-node/register.mjs benchmarks/swiftshader.ts [--baseline=main] [--arms=baseline,chosen,portable]
//        [--rounds=3] [--seconds=10] [--batch=8] [--workloads=generate,train-step,features] [--json FILE]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer, { type Page } from 'puppeteer-core';
import { formatKernelChoices } from '../core/kernel-choices-table.ts';
import type { KernelChoice } from '../core/kernel-selection.ts';
import { conv1dForwardFamily, conv1dGradInputFamily, conv1dGradWeightFamily } from '../core/kernels/conv1d-families.ts';
import { groupNormBackwardFamily, groupNormForwardFamily } from '../core/kernels/group-norm-families.ts';
import { matmulFamily } from '../core/kernels/matmul-families.ts';
import { boxCopyFamily } from '../core/kernels/layout-families.ts';
import { sumFamily } from '../core/kernels/reduce-families.ts';
import { bundleBrowserEntry, root } from '../runtime-web/build.mjs';
import { startServer } from '../runtime-node/serve/server.ts';
import { median } from './harness.ts';

const CHROMIUM = '/usr/bin/chromium';
/** WebGPU in headless Chromium (SwiftShader without a GPU), nothing that reaches the network: as tests/web do. */
const ARGS = [
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--headless=new', '--no-sandbox', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
];
const ARMS = ['baseline', 'chosen', 'portable'] as const;
type Arm = (typeof ARMS)[number];

interface Run {
  readonly wallMs: number;
  readonly gpuMs: number;
  readonly rows: readonly { kernel: string; ms: number; calls: number }[];
  readonly choices: readonly KernelChoice[];
}

declare const posedynSwiftShader: {
  adapter: string;
  hasKernelFamilies: boolean;
  setPortable(variants: Record<string, string>): void;
  run(kind: 'generate' | 'train-step' | 'features', seconds: number, batch: number, portable: boolean): Promise<Run>;
};

const PORTABLE = Object.fromEntries(
  [conv1dForwardFamily, conv1dGradInputFamily, conv1dGradWeightFamily, matmulFamily, groupNormForwardFamily, groupNormBackwardFamily, sumFamily, boxCopyFamily].map((f) => [f.name, f.variants[0]!.name]),
);

/** The page bundled from `tree` (a checkout of the repository) into `outDir`, with its index.html. */
async function buildPage(tree: string, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await bundleBrowserEntry({ entry: join(tree, 'benchmarks/swiftshader-page.ts'), outfile: join(outDir, 'page.js'), minify: false });
  writeFileSync(join(outDir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="page.js"></script></body></html>\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string', default: 'main' }, arms: { type: 'string', default: 'baseline,chosen,portable' },
      rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '10' }, batch: { type: 'string', default: '8' }, json: { type: 'string' },
      workloads: { type: 'string', default: 'generate,train-step,features' },
    },
  });
  const wanted = values.workloads!.split(',');
  for (const w of wanted) if (!['generate', 'train-step', 'features'].includes(w)) throw new Error(`--workloads: '${w}' is not one of generate, train-step, features`);
  const arms = values.arms!.split(',') as Arm[];
  for (const a of arms) if (!ARMS.includes(a)) throw new Error(`--arms: '${a}' is not one of ${ARMS.join(', ')}`);
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const batch = Number(values.batch);
  const dir = join(root, 'benchmarks/output/swiftshader');
  rmSync(dir, { recursive: true, force: true });
  // The baseline tree sits inside this one, so its bundle resolves packages from this tree's node_modules.
  const baselineTree = join(dir, 'baseline-tree');
  const baselineCommit = execFileSync('git', ['rev-parse', '--short', values.baseline!], { cwd: root, encoding: 'utf8' }).trim();
  if (arms.includes('baseline')) {
    mkdirSync(baselineTree, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${baselineCommit} | tar -x -C '${baselineTree}'`], { cwd: root });
    cpSync(join(root, 'benchmarks/swiftshader-page.ts'), join(baselineTree, 'benchmarks/swiftshader-page.ts'));
    await buildPage(baselineTree, join(dir, 'baseline'));
  }
  await buildPage(root, join(dir, 'this'));
  const server = await startServer([{ prefix: '/', dir }]);
  const profile = mkdtempSync(join(tmpdir(), 'posedyn-chromium-'));
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: [...ARGS, `--user-data-dir=${profile}`], headless: true, protocolTimeout: 3_600_000 });
  const report: Record<string, unknown> = { date: new Date().toISOString(), baseline: `${values.baseline} (${baselineCommit})`, rounds, seconds, batch, results: {} };
  try {
    const open = async (path: string): Promise<Page> => {
      const page = await browser.newPage();
      page.setDefaultTimeout(3_600_000);
      page.on('pageerror', (e) => console.error(`page error (${path}): ${e instanceof Error ? e.message : String(e)}`));
      await page.goto(`${server.url}${path}/`);
      await page.waitForFunction(() => 'posedynSwiftShader' in globalThis, { timeout: 120_000 });
      await page.evaluate((p) => posedynSwiftShader.setPortable(p), PORTABLE);
      return page;
    };
    const pages = new Map<Arm, Page>();
    const thisPage = await open('this');
    if (arms.includes('baseline')) pages.set('baseline', await open('baseline'));
    for (const a of arms) if (a !== 'baseline') pages.set(a, thisPage);
    const adapter = await thisPage.evaluate(() => posedynSwiftShader.adapter);
    console.log(`adapter: ${adapter}; baseline ${values.baseline} (${baselineCommit}); load average ${loadLine()}`);
    report.adapter = adapter;
    let choices: readonly KernelChoice[] = [];
    const workloads = [['generate', `PoseGAN generation of ${seconds} s`], ['train-step', `PoseGAN training step, batch ${batch} x 256`], ['features', `audio features of ${seconds} s`]] as const;
    for (const [kind, label] of workloads.filter(([kind]) => wanted.includes(kind))) {
      const samples = new Map<Arm, Run[]>(arms.map((a) => [a, []]));
      for (let round = 0; round < rounds; round++) {
        for (const arm of arms) {
          const page = pages.get(arm)!;
          await page.bringToFront();
          const r = await page.evaluate((k, s, b, p) => posedynSwiftShader.run(k, s, b, p), kind, seconds, batch, arm === 'portable');
          samples.get(arm)!.push(r);
          console.error(`${label}: round ${round + 1} ${arm}: GPU ${r.gpuMs.toFixed(0)} ms, wall ${r.wallMs.toFixed(0)} ms (load ${loadLine()})`);
          if (arm === 'chosen') choices = r.choices;
        }
      }
      const gpu = (a: Arm) => median(samples.get(a)!.map((r) => r.gpuMs));
      const wall = (a: Arm) => median(samples.get(a)!.map((r) => r.wallMs));
      const reference: Arm = arms.includes('baseline') ? 'baseline' : arms[0]!;
      console.log(`\n${label} (median of ${rounds} rounds, every arm once a round):`);
      for (const a of arms) {
        const ratio = a === reference ? '' : `   ${reference} / ${a}: GPU x${(gpu(reference) / gpu(a)).toFixed(2)}, wall x${(wall(reference) / wall(a)).toFixed(2)}`;
        console.log(`  ${a.padEnd(9)} GPU ${gpu(a).toFixed(0).padStart(7)} ms, wall ${wall(a).toFixed(0).padStart(7)} ms${ratio}`);
      }
      console.log('  (ratios above 1: faster than the baseline)');
      const perKernel = (rs: Run[]) => {
        const totals = new Map<string, number[]>();
        for (const r of rs) for (const row of r.rows) totals.set(row.kernel, [...(totals.get(row.kernel) ?? []), row.ms]);
        return new Map([...totals].map(([k, v]) => [k, median(v)]));
      };
      const tables = new Map(arms.map((a) => [a, perKernel(samples.get(a)!)]));
      const size = (k: string) => Math.max(...arms.map((a) => tables.get(a)!.get(k) ?? 0));
      const kernels = [...new Set(arms.flatMap((a) => [...tables.get(a)!.keys()]))].sort((p, q) => size(q) - size(p));
      console.log(`  ${'kernel (median GPU ms a run)'.padEnd(40)} ${arms.map((a) => a.padStart(10)).join(' ')}`);
      for (const k of kernels.slice(0, 16)) console.log(`  ${k.padEnd(40)} ${arms.map((a) => (tables.get(a)!.get(k)?.toFixed(1) ?? '-').padStart(10)).join(' ')}`);
      (report.results as Record<string, unknown>)[kind] = {
        label, arms: Object.fromEntries(arms.map((a) => [a, { gpuMs: gpu(a), wallMs: wall(a), rounds: samples.get(a)!.map((r) => ({ gpuMs: r.gpuMs, wallMs: r.wallMs })), kernels: Object.fromEntries(tables.get(a)!) }])),
      };
    }
    report.kernelChoices = choices;
    report.loadAfter = loadLine();
    console.log(`\nload average after: ${loadLine()}\n${formatKernelChoices(choices)}`);
    if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 1)}\n`);
  } finally {
    await browser.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  process.exit(0);
}

function loadLine(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

await main();
