// `posedyn bench [--json FILE] [--quick] [--no-peers] [--suite NAME]`: the benchmarks of benchmarks/run.ts
// (kernels at the model's shapes, TF.js and PyTorch peers, end-to-end training steps and generation), the
// table of times, fractions of the measured peak and peer ratios on stdout, the report as JSON (written
// atomically). Progress goes to stderr.
import { runAndReport } from '../../benchmarks/run.ts';

export interface BenchOptions {
  readonly json?: string;
  readonly quick: boolean;
  readonly peers: boolean;
  readonly suites?: readonly string[];
}

export async function runBench(options: BenchOptions): Promise<void> {
  await runAndReport(options);
}
