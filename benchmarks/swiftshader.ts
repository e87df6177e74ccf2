// Kernel variants in Chromium's SwiftShader adapter, measured with the page's kernel profiler (core/profiler.ts):
// PoseGAN generation and a PoseGAN training step run in a headless Chromium page (benchmarks/swiftshader-page.ts),
// in rounds that alternate the portable variants of every kernel family (the kernels before variants existed) with
// the engine's own choice for the adapter (measured at first use), so load changes hit both alike. Prints GPU time
// (sum of the profiler's kernel times) and wall time, each round and the median, their ratio, the kernels that
// moved most, and the choices the engine made.
//
// Run: timeout 1800 node --import ./runtime-node/register.mjs benchmarks/swiftshader.ts [--rounds=3] [--seconds=10] [--batch=8]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { formatKernelChoices } from '../core/kernel-choices-table.ts';
import type { KernelChoice } from '../core/kernel-selection.ts';
import { bundleBrowserEntry, root } from '../runtime-web/build.mjs';
import { startServer } from '../runtime-node/serve/server.ts';
import { median } from './harness.ts';

const CHROMIUM = '/usr/bin/chromium';
/** WebGPU in headless Chromium (SwiftShader without a GPU), nothing that reaches the network: as tests/web do. */
const ARGS = [
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--headless=new', '--no-sandbox', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

interface Run {
  readonly wallMs: number;
  readonly gpuMs: number;
  readonly rows: readonly { kernel: string; ms: number; calls: number }[];
  readonly choices: readonly KernelChoice[];
}

declare const posedynSwiftShader: {
  adapter: string;
  run(kind: 'generate' | 'train-step', seconds: number, batch: number, portable: boolean): Promise<Run>;
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '10' }, batch: { type: 'string', default: '8' } } });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const batch = Number(values.batch);
  const dir = join(root, 'benchmarks/output/swiftshader');
  mkdirSync(dir, { recursive: true });
  await bundleBrowserEntry({ entry: join(root, 'benchmarks/swiftshader-page.ts'), outfile: join(dir, 'page.js'), minify: false });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="page.js"></script></body></html>\n');
  const server = await startServer([{ prefix: '/', dir }]);
  const profile = mkdtempSync(join(tmpdir(), 'posedyn-chromium-'));
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: [...ARGS, `--user-data-dir=${profile}`], headless: true, protocolTimeout: 1_800_000 });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(1_800_000);
    page.on('pageerror', (e) => console.error(`page error: ${e instanceof Error ? e.message : String(e)}`));
    await page.goto(server.url);
    await page.waitForFunction(() => 'posedynSwiftShader' in globalThis, { timeout: 120_000 });
    console.log(`adapter: ${await page.evaluate(() => posedynSwiftShader.adapter)}`);
    let choices: readonly KernelChoice[] = [];
    for (const [kind, label] of [['generate', `PoseGAN generation of ${seconds} s`], ['train-step', `PoseGAN training step, batch ${batch} x 256`]] as const) {
      const samples = { portable: [] as Run[], chosen: [] as Run[] };
      for (let round = 0; round < rounds; round++) {
        for (const portable of [true, false]) {
          const r = await page.evaluate((k, s, b, p) => posedynSwiftShader.run(k, s, b, p), kind, seconds, batch, portable);
          (portable ? samples.portable : samples.chosen).push(r);
          console.error(`${label}: round ${round + 1} ${portable ? 'portable' : 'chosen'}: GPU ${r.gpuMs.toFixed(0)} ms, wall ${r.wallMs.toFixed(0)} ms`);
          if (!portable) choices = r.choices;
        }
      }
      const gpu = (rs: Run[]) => median(rs.map((r) => r.gpuMs));
      const wall = (rs: Run[]) => median(rs.map((r) => r.wallMs));
      console.log(`\n${label} (median of ${rounds} rounds, each round both):`);
      console.log(`  portable variants: GPU ${gpu(samples.portable).toFixed(0)} ms, wall ${wall(samples.portable).toFixed(0)} ms`);
      console.log(`  engine's choice:   GPU ${gpu(samples.chosen).toFixed(0)} ms, wall ${wall(samples.chosen).toFixed(0)} ms`);
      console.log(`  portable / chosen: GPU x${(gpu(samples.portable) / gpu(samples.chosen)).toFixed(2)}, wall x${(wall(samples.portable) / wall(samples.chosen)).toFixed(2)} (above 1: the choice is faster)`);
      const perKernel = (rs: Run[]) => {
        const totals = new Map<string, number[]>();
        for (const r of rs) for (const row of r.rows) totals.set(row.kernel, [...(totals.get(row.kernel) ?? []), row.ms]);
        return new Map([...totals].map(([k, v]) => [k, median(v)]));
      };
      const before = perKernel(samples.portable);
      const after = perKernel(samples.chosen);
      const kernels = [...new Set([...before.keys(), ...after.keys()])].sort((p, q) => (before.get(q) ?? after.get(q) ?? 0) - (before.get(p) ?? after.get(p) ?? 0));
      console.log('  kernel                                   portable ms   chosen ms');
      for (const k of kernels.slice(0, 14)) console.log(`  ${k.padEnd(40)} ${(before.get(k)?.toFixed(1) ?? '-').padStart(11)} ${(after.get(k)?.toFixed(1) ?? '-').padStart(11)}`);
    }
    console.log(`\n${formatKernelChoices(choices)}`);
  } finally {
    await browser.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
  process.exit(0);
}

await main();
