// The epoch loop shared by PoseGAN and PGFace training (and fine-tuning): seeded shuffling, batches, one
// loss readback a step for the progress display, validation at the end of every epoch.
// Numeric guard: that one readback also carries the GPU's count of non-finite values in the tensors the step
// updated (the parameters), so training stops at the first step whose losses or parameters are NaN or
// infinite, with the epoch, the step and the loss term or tensor named, before anything of it is saved.
import { InitRandom } from '../../core/nn/init.ts';
import { NonFiniteError, countNonFinite, readWithNonFiniteCounts } from '../../core/ops/non-finite.ts';
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
  /** The tensors a step updates (parameters) by name, checked for non-finite values after every step. */
  readonly watch?: readonly (readonly [name: string, tensor: Tensor])[];
  /** Mean validation loss after an epoch (lower is better). */
  readonly validate: () => Promise<number>;
  readonly onStep?: (progress: StepProgress) => void;
  /** Called after validation; may write checkpoints. Return false to stop early. */
  readonly onEpoch?: (report: EpochReport) => Promise<boolean | void>;
}

/** A step's loss or updated parameters are not finite; `stepsBefore` counts the updates this loop made before. */
export class TrainingDivergedError extends NonFiniteError {
  constructor(message: string, readonly stepsBefore: number) {
    super(message);
  }
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
      const losses = await readStepLosses(options.step(batch), options.watch ?? [], `epoch ${epoch}, step ${step + 1} of ${stepsPerEpoch}`, stepsDone - 1);
      for (const [name, value] of Object.entries(losses)) sums[name] = (sums[name] ?? 0) + value;
      options.onStep?.({ epoch, step: step + 1, stepsPerEpoch, losses, samplesPerSecond: batch.length / ((performance.now() - stepStarted) / 1000) });
    }
    const validation = await options.validate();
    if (!Number.isFinite(validation)) throw new NonFiniteError(`epoch ${epoch}: the validation loss is ${validation}; training stopped before saving this epoch`);
    const train = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / steps]));
    const report: EpochReport = { epoch, steps, train, validation, seconds: (performance.now() - started) / 1000 };
    reports.push(report);
    if ((await options.onEpoch?.(report)) === false) break;
    if (options.maxSteps !== undefined && stepsDone >= options.maxSteps) break;
  }
  return reports;
}

/**
 * A step's named losses (scalars on the GPU) and the non-finite count of `watch`, read back in one download; the
 * loss tensors are disposed. Throws a NonFiniteError naming `where` and the first loss term or tensor at fault.
 */
async function readStepLosses(lossTensors: Record<string, Tensor | null>, watch: readonly (readonly [string, Tensor])[], where: string, stepsBefore: number): Promise<Record<string, number>> {
  const named = Object.entries(lossTensors).filter((e): e is [string, Tensor] => e[1] !== null);
  if (named.length === 0) return {};
  const engine = named[0]![1].engine;
  let read;
  try {
    read = await readWithNonFiniteCounts(engine, named.map(([, t]) => t), [watch.map(([, t]) => t)]);
  } finally {
    for (const [, t] of named) t.dispose();
  }
  const losses = Object.fromEntries(named.map(([name], i) => [name, read.values[i]![0]!]));
  const bad = Object.entries(losses).filter(([, v]) => !Number.isFinite(v));
  if (bad.length > 0) {
    throw new TrainingDivergedError(`${where}: the loss term '${bad[0]![0]}' is ${bad[0]![1]}${bad.length > 1 ? ` (and ${bad.slice(1).map(([n, v]) => `'${n}' ${v}`).join(', ')})` : ''}; training stopped, nothing of this epoch was saved`, stepsBefore);
  }
  if (read.nonFinite[0]! > 0) {
    const counts = await countNonFinite(engine, watch.map(([, t]) => t));
    const k = counts.findIndex((c) => c > 0);
    throw new TrainingDivergedError(
      `${where}: the losses were finite, but after the update ${read.nonFinite[0]} parameter values are NaN or infinite ` +
        `(first in '${watch[k]![0]}': ${counts[k]} of ${watch[k]![1].size}); training stopped, nothing of this epoch was saved`,
      stepsBefore + 1,
    );
  }
  return losses;
}
