// `posedyn bench [--json FILE] [--quick] [--no-peers] [--suite NAME]`: runs benchmarks/run.ts (kernels at the
// model's shapes, TF.js and PyTorch peers, end-to-end training steps and generation) in a child process: the
// benchmarks are a program that uses the runtimes, never a module the runtimes import, and they are not part of
// the installed package, so this command works in a source checkout. The table goes to stdout, progress to
// stderr, the report to --json (written atomically by run.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputFile } from '../files/output-folder.ts';
import { packageRoot } from '../files/package-root.ts';

export interface BenchOptions {
  readonly json?: string;
  readonly quick: boolean;
  readonly peers: boolean;
  readonly suites?: readonly string[];
}

export async function runBench(options: BenchOptions): Promise<void> {
  const repositoryRoot = packageRoot();
  const script = join(repositoryRoot, 'benchmarks/run.ts');
  if (!existsSync(script)) {
    throw new Error(`posedyn bench runs the benchmarks of a source checkout, and ${script} is not here (the installed package does not carry them)`);
  }
  if (options.json) await checkOutputFile(options.json, '--json');
  const args = [
    ...(options.quick ? ['--quick'] : []),
    ...(options.peers ? [] : ['--no-peers']),
    ...(options.json ? ['--json', options.json] : []),
    ...(options.suites ?? []).flatMap((suite) => ['--suite', suite]),
  ];
  const child = spawn(process.execPath, ['--import', join(repositoryRoot, 'runtime-node/register.mjs'), script, ...args], { stdio: 'inherit' });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (status !== 0) throw new Error(`the benchmarks (benchmarks/run.ts) stopped with exit status ${status}`);
}
