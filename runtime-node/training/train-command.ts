// `posedyn train posegan|pgface`: trains on a dataset folder (posedyn dataset build) with the paper's
// defaults (Adam 1e-4, batch 64, 50 epochs, Sec. 4.3), validates every epoch, keeps the best checkpoint on
// the validation split, writes a resumable checkpoint, a JSONL log and loss curves after every epoch. The
// training itself is talking-head/workflows/training-session.ts; this file reads and writes the files.
//
// Files in --out:
//   last.safetensors   parameters + optimizer state + epoch: --resume continues from it
//   best.safetensors   parameters of the epoch with the lowest validation loss
//   log.jsonl          one JSON line a step and an epoch
//   loss.png           training and validation loss per epoch
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Engine } from '../../core/engine.ts';
import type { Dataset } from '../../talking-head/data/dataset.ts';
import type { IdentityEntry } from '../../talking-head/data/dataset-format.ts';
import type { EpochReport, StepProgress } from '../../talking-head/training/epochs.ts';
import { TrainingSession } from '../../talking-head/workflows/training-session.ts';
import { loadDatasetFolder } from '../dataset/dataset-files.ts';
import { createNodeEngine } from '../device.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { pathExists } from '../files/path-exists.ts';
import { lineChartPng } from '../plots/line-chart.ts';
import { readCheckpointFile } from './checkpoint-files.ts';
import { loadFaceModelOption } from './face-model-option.ts';

export interface TrainOptions {
  readonly kind: 'posegan' | 'pgface';
  readonly dataset: string;
  readonly out: string;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  readonly resume: boolean;
  /** posegan | cnn for PoseGAN; pgface | fixed-identity for PGFace */
  readonly variant?: string;
  /** 'procedural' or a path to BFM_model_front.mat */
  readonly faceModel: string;
  /** Cap on steps an epoch (quick runs); undefined = all. */
  readonly maxStepsPerEpoch?: number;
  /** Start from this checkpoint's parameters. */
  readonly initFrom?: string;
  readonly progress: boolean;
  readonly producedBy: string;
  /** Overrides of the model config's defaults (widths, depths, loss weights), e.g. { unetChannels: [32, 64] }. */
  readonly modelOverrides?: Record<string, unknown>;
  /** An engine to reuse (tests); by default one is created. */
  readonly engine?: Engine;
  readonly log?: (line: string) => void;
  /** A dataset already in memory; else --dataset is loaded. */
  readonly loadedDataset?: Dataset;
  /** Identities to record in checkpoints instead of the dataset's. */
  readonly identities?: readonly IdentityEntry[];
}

export async function runTrain(options: TrainOptions): Promise<EpochReport[]> {
  await mkdir(options.out, { recursive: true });
  const dataset = options.loadedDataset ?? (await loadDatasetFolder(options.dataset));
  const engine = options.engine ?? (await createNodeEngine());
  const log = options.log ?? ((line: string) => console.log(line));
  const session = new TrainingSession(engine, dataset, {
    kind: options.kind, variant: options.variant, learningRate: options.lr, seed: options.seed, batch: options.batch,
    modelOverrides: options.modelOverrides, faceModel: options.kind === 'pgface' ? await loadFaceModelOption(options.faceModel) : undefined,
    source: options.dataset, identities: options.identities, producedBy: options.producedBy,
  });
  try {
    const lastPath = join(options.out, 'last.safetensors');
    if (options.resume && (await pathExists(lastPath))) {
      session.resumeFrom(await readCheckpointFile(lastPath), lastPath);
      log(`resuming from ${lastPath} after epoch ${session.epoch}`);
    } else if (options.initFrom) {
      session.initialiseFrom(await readCheckpointFile(options.initFrom), options.initFrom);
      log(`starting from the parameters of ${options.initFrom}`);
    }
    const samples = options.maxStepsPerEpoch === undefined ? session.run.samples.length : Math.min(session.run.samples.length, options.maxStepsPerEpoch * options.batch);
    log(`training ${options.kind} (${session.run.modelConfig.variant}) on ${samples} samples, batch ${options.batch}, ${options.epochs} epochs, lr ${options.lr}, seed ${options.seed}`);
    return await trainIntoFolder(session, options.out, { epochs: options.epochs, maxStepsPerEpoch: options.maxStepsPerEpoch, progress: options.progress, log });
  } finally {
    session.dispose();
  }
}

/**
 * Runs a session's epochs with the files of a training folder: a progress bar, log.jsonl, last (resumable)
 * and best checkpoints written atomically after each epoch, and the loss curves. Shared by train and finetune.
 */
export async function trainIntoFolder(
  session: TrainingSession, out: string,
  options: { readonly epochs: number; readonly maxStepsPerEpoch?: number; readonly progress: boolean; readonly log: (line: string) => void },
): Promise<EpochReport[]> {
  await mkdir(out, { recursive: true });
  const logPath = join(out, 'log.jsonl');
  const bar = options.progress && process.stdout.isTTY
    ? new cliProgress.SingleBar({ format: 'epoch {epoch} [{bar}] {value}/{total} | {losses} | {speed} samples/s', hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  try {
    return await session.train({
      epochs: options.epochs,
      maxStepsPerEpoch: options.maxStepsPerEpoch,
      onStep: (p: StepProgress) => {
        const losses = Object.entries(p.losses).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(' ');
        if (bar) {
          if (p.step === 1) bar.start(p.stepsPerEpoch, 0, { epoch: p.epoch, losses, speed: '-' });
          bar.update(p.step, { epoch: p.epoch, losses, speed: p.samplesPerSecond.toFixed(1) });
        }
        void appendFile(logPath, `${JSON.stringify({ type: 'step', ...p })}\n`);
      },
      onEpoch: async (report, improved) => {
        bar?.stop();
        options.log(`epoch ${report.epoch}: train ${Object.entries(report.train).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}; validation ${report.validation.toPrecision(4)}${improved ? ' (best)' : ''}; ${report.seconds.toFixed(1)} s`);
        await appendFile(logPath, `${JSON.stringify({ type: 'epoch', ...report, best: session.bestValidation })}\n`);
        await writeFileAtomic(join(out, 'last.safetensors'), await session.checkpoint({ resumable: true }));
        if (improved) await writeFileAtomic(join(out, 'best.safetensors'), await session.checkpoint());
        await writeLossCurves(join(out, 'loss.png'), session.run.kind, session.history);
      },
    });
  } finally {
    bar?.stop();
  }
}

async function writeLossCurves(path: string, kind: string, history: readonly EpochReport[]): Promise<void> {
  // PoseGAN's training loss sums Eq. (5) over a 256-frame window; its validation is per frame (whole segments).
  const [trainKey, trainLabel, validationLabel] = kind === 'posegan'
    ? ['l2', 'train: L_L2 (Eq. 5) a 256-frame window, epoch mean', 'validation: L_L2 a frame, generated val segments']
    : ['total', 'train: mu1 L_shape + mu2 L_s-motion (Eq. 8), epoch mean', 'validation: the same on val frame pairs'];
  const png = await lineChartPng([
    { name: trainLabel, points: history.map((r) => ({ x: r.epoch, y: r.train[trainKey] ?? NaN })) },
    { name: validationLabel, points: history.map((r) => ({ x: r.epoch, y: r.validation })) },
  ], { title: `${kind} loss`, xLabel: 'epoch', yLabel: 'loss', logY: true });
  await writeFileAtomic(path, png);
}
