// The epoch loop shared by PoseGAN and PGFace training (and fine-tuning): seeded shuffling, batches, one
// loss readback a step for the progress display, validation at the end of every epoch.
import { InitRandom } from '../../core/nn/init.ts';
import type { Tensor } from '../../core/tensor.ts';

export interface EpochLoopOptions<Sample> {
  readonly samples: readonly Sample[];
  readonly batchSize: number;
  readonly epochs: number;
  /** First epoch to run (resuming); epochs are numbered from 1. */
  readonly startEpoch: number;
  readonly seed: number;
  /** Cap on steps over all epochs: the epoch that reaches it ends there (validated, reported) and the loop stops. */
  readonly maxSteps?: number;
  /** Runs one training step on a batch; returns its named losses, still on the GPU. */
  readonly step: (batch: readonly Sample[]) => Record<string, Tensor | null>;
  /** Mean validation loss after an epoch (lower is better). */
  readonly validate: () => Promise<number>;
  readonly onStep?: (progress: StepProgress) => void;
  /** Called after validation; may write checkpoints. Return false to stop early. */
  readonly onEpoch?: (report: EpochReport) => Promise<boolean | void>;
}

export interface StepProgress {
  readonly epoch: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly losses: Record<string, number>;
  readonly samplesPerSecond: number;
}

export interface EpochReport {
  readonly epoch: number;
  readonly steps: number;
  /** Mean of each loss over the epoch's steps. */
  readonly train: Record<string, number>;
  readonly validation: number;
  readonly seconds: number;
}

/** The order of samples in an epoch: a Fisher-Yates shuffle seeded by (seed, epoch), so resuming repeats it. */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  const random = new InitRandom((seed * 7919 + epoch * 104729) >>> 0);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export async function runEpochs<Sample>(options: EpochLoopOptions<Sample>): Promise<EpochReport[]> {
  const { samples, batchSize } = options;
  if (samples.length === 0) throw new Error('training: no training samples (is the train split empty, or shorter than one window?)');
  const reports: EpochReport[] = [];
  const stepsPerEpoch = Math.ceil(samples.length / batchSize);
  let stepsDone = 0;
  for (let epoch = options.startEpoch; epoch <= options.epochs; epoch++) {
    const started = performance.now();
    const order = epochOrder(samples.length, options.seed, epoch);
    const sums: Record<string, number> = {};
    let steps = 0;
    for (let step = 0; step < stepsPerEpoch && !(options.maxSteps !== undefined && stepsDone >= options.maxSteps); step++) {
      steps++;
      stepsDone++;
      const batch = order.slice(step * batchSize, (step + 1) * batchSize).map((i) => samples[i]!);
      const stepStarted = performance.now();
      const lossTensors = options.step(batch);
      const losses: Record<string, number> = {};
      for (const [name, t] of Object.entries(lossTensors)) {
        if (!t) continue;
        losses[name] = await t.item();
        t.dispose();
        sums[name] = (sums[name] ?? 0) + losses[name]!;
      }
      options.onStep?.({ epoch, step: step + 1, stepsPerEpoch, losses, samplesPerSecond: batch.length / ((performance.now() - stepStarted) / 1000) });
    }
    const validation = await options.validate();
    const train = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / steps]));
    const report: EpochReport = { epoch, steps, train, validation, seconds: (performance.now() - started) / 1000 };
    reports.push(report);
    if ((await options.onEpoch?.(report)) === false) break;
    if (options.maxSteps !== undefined && stepsDone >= options.maxSteps) break;
  }
  return reports;
}
