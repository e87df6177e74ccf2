// The whole benchmark on whatever adapter this machine offers, in one command: on a machine with a GPU, Dawn
// takes the GPU (runtime-node/device.ts prefers a hardware adapter); without one, lavapipe. Every kernel family's
// variants are timed on that adapter at their first use (core/kernel-selection.ts), the TF.js WebGPU peer runs
// on the same adapter, and the report lands in benchmarks/reports/ named by date and adapter, with the kernel
// choices in it. Commit it with a line in benchmarks/reports/README.md.
//
// Run: node --import ./runtime-node/register.mjs benchmarks/this-adapter.ts [--quick] [--no-peers] [--suite NAME]...
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../runtime-node/files/atomic-write.ts';
import { runAndReport } from './run.ts';

/** "NVIDIA GeForce RTX 4090, vendor nvidia" -> "nvidia-geforce-rtx-4090". */
export function adapterSlug(adapter: string): string {
  return adapter.split(',')[0]!.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'adapter';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, 'no-peers': { type: 'boolean', default: false }, suite: { type: 'string', multiple: true } },
  });
  process.stderr.write(`this-adapter: load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on this machine at the start\n`);
  const report = await runAndReport({ quick: values.quick ?? false, peers: !values['no-peers'], suites: values.suite });
  const reports = fileURLToPath(new URL('./reports/', import.meta.url));
  const file = join(reports, `bench-${report.date.slice(0, 10)}-${adapterSlug(report.adapter)}${report.quick ? '-quick' : ''}.json`);
  await writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`this-adapter: wrote ${file}\n`);
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
