// `posedyn train posegan|pgface`: trains on a dataset folder (posedyn dataset build) with the paper's
// defaults (Adam 1e-4, batch 64, 50 epochs, Sec. 4.3), validates every epoch, keeps the best checkpoint on
// the validation split, writes a resumable checkpoint, a JSONL log and loss curves after every epoch. The
// training itself is talking-head/workflows/training-session.ts; this file reads and writes the files.
//
// Files in --out (the folder belongs to one run: training-folder.ts):
//   last.safetensors   parameters + optimizer state + epoch: --resume continues from it
//   best.safetensors   parameters of the epoch with the lowest validation loss
//   log.jsonl          one JSON line a step and an epoch (and PoseGAN's per-identity validation figures, type 'validation')
//   epochs/epoch-NN.safetensors  with --keep-epochs: every epoch's parameters, so that another rule of "best on
//                      validation" can be applied afterwards from the log (benchmarks/posegan-selection.ts)
//   loss.png           training and validation loss per epoch
//   .posedyn.lock      while a run writes here (its pid; a stale one is reported and taken over)
// After each epoch last is written first, then best (when the epoch is the best), then the curves; each file
// atomically. Training stops at the first non-finite loss (talking-head/training/epochs.ts) and no checkpoint
// with a non-finite value is written (talking-head/workflows/checkpoint-writer.ts).
//
// Crash test hook (tests/models/training-folder.test.ts only): POSEDYN_TEST_KILL_AFTER_LAST=<epoch> kills the
// process with SIGKILL right after last.safetensors of that epoch is written, before best.safetensors.
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Engine } from '../../core/engine.ts';
import type { Dataset } from '../../talking-head/data/dataset.ts';
import type { IdentityEntry } from '../../talking-head/data/dataset-format.ts';
import type { PoseOnlyClip } from '../../talking-head/data/pose-only.ts';
import type { EpochReport, StepProgress } from '../../talking-head/training/epochs.ts';
import { TrainingSession } from '../../talking-head/workflows/training-session.ts';
import { loadDatasetFolder } from '../dataset/dataset-files.ts';
import { REPRODUCIBLE_KERNELS, createNodeEngine } from '../device.ts';
import { stderrLog } from '../cli/stderr-log.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { lineChartPng } from '../plots/line-chart.ts';
import { readCheckpointFile } from './checkpoint-files.ts';
import { loadFaceModelOption } from './face-model-option.ts';
import { type TrainingFolder, claimTrainingFolder } from './training-folder.ts';

export interface TrainOptions {
  readonly kind: 'posegan' | 'pgface';
  readonly dataset: string;
  readonly out: string;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  /** continue the run in `out` (its last.safetensors) */
  readonly resume: boolean;
  /** replace the run in `out`; without it (or resume) a folder holding a run is refused */
  readonly overwrite?: boolean;
  /** posegan | cnn for PoseGAN; pgface | fixed-identity for PGFace */
  readonly variant?: string;
  /** --face-model: 'default', 'fitted', 'procedural' or a path to BFM_model_front.mat (face-model-option.ts) */
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
  /** PoseGAN: real pose-only clips for the motion critic (config motionCritic > 0; talking-head/training/motion-critic.ts) */
  readonly poseOnly?: readonly PoseOnlyClip[];
  /** Keep every epoch's parameters in epochs/epoch-NN.safetensors (selection studies; a few hundred kB an epoch). */
  readonly keepEpochs?: boolean;
  /** Free text the checkpoints record as `training.note` (e.g. where a run deviates from the paper's recipe, and why). */
  readonly note?: string;
}

export async function runTrain(options: TrainOptions): Promise<EpochReport[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.resume && options.initFrom) throw new Error('--resume and --init-from: a resumed run continues from its own last.safetensors');
  const folder = await claimTrainingFolder(options.out, { resume: options.resume, overwrite: options.overwrite ?? false, command: options.producedBy, log });
  let session: TrainingSession | null = null;
  try {
    const dataset = options.loadedDataset ?? (await loadDatasetFolder(options.dataset));
    const engine = options.engine ?? (await createNodeEngine({ log: stderrLog, ...REPRODUCIBLE_KERNELS }));
    session = new TrainingSession(engine, dataset, {
      kind: options.kind, variant: options.variant, learningRate: options.lr, seed: options.seed, batch: options.batch,
      modelOverrides: options.modelOverrides, faceModel: options.kind === 'pgface' ? await loadFaceModelOption(options.faceModel) : undefined,
      source: options.dataset, identities: options.identities, producedBy: options.producedBy, poseOnly: options.poseOnly, log,
      extraMeta: options.note === undefined ? undefined : { note: options.note },
    });
    if (folder.last) {
      log(`resuming ${folder.file('last')}: ${session.resumeFrom(folder.last, folder.file('last'))}; training to epoch ${options.epochs} on ${options.dataset}`);
    } else if (options.initFrom) {
      session.initialiseFrom(await readCheckpointFile(options.initFrom), options.initFrom);
      log(`starting from the parameters of ${options.initFrom}`);
    }
    const samples = options.maxStepsPerEpoch === undefined ? session.run.samples.length : Math.min(session.run.samples.length, options.maxStepsPerEpoch * options.batch);
    log(`training ${options.kind} (${session.run.modelConfig.variant}) on ${samples} samples, batch ${options.batch}, ${options.epochs} epochs, lr ${options.lr}, seed ${options.seed}`);
    const reports = await trainIntoFolder(session, folder, { epochs: options.epochs, maxStepsPerEpoch: options.maxStepsPerEpoch, progress: options.progress, log, keepEpochs: options.keepEpochs });
    await folder.release();
    return reports;
  } catch (error) {
    await folder.abandon();
    throw error;
  } finally {
    session?.dispose();
  }
}

/** Appends lines to a file in order; a failed write is thrown by the next flush (never left unhandled). */
class LineLog {
  #pending: Promise<void> = Promise.resolve();
  #error: unknown = null;

  constructor(readonly path: string) {}

  append(value: unknown): void {
    this.#pending = this.#pending.then(() => appendFile(this.path, `${JSON.stringify(value)}\n`)).catch((error: unknown) => {
      this.#error ??= error;
    });
  }

  async flush(): Promise<void> {
    await this.#pending;
    if (this.#error) throw new Error(`${this.path}: cannot write the training log (${(this.#error as Error).message})`, { cause: this.#error });
  }
}

/**
 * Runs a session's epochs with the files of a claimed training folder: a progress bar, log.jsonl, last
 * (resumable) and best checkpoints written atomically after each epoch, and the loss curves. Shared by train
 * and finetune. On a resumed run, first repairs best when the run it continues died between the two writes.
 */
export async function trainIntoFolder(
  session: TrainingSession, folder: TrainingFolder,
  options: { readonly epochs: number; readonly maxStepsPerEpoch?: number; readonly progress: boolean; readonly log: (line: string) => void; readonly keepEpochs?: boolean },
): Promise<EpochReport[]> {
  const repaired = await folder.repairBest();
  if (repaired) options.log(repaired);
  if (session.epoch >= options.epochs) options.log(`nothing to train: the run has finished epoch ${session.epoch} of ${options.epochs}`);
  await folder.createRunFiles();
  const log = new LineLog(folder.file('log'));
  const killAfter = Number(process.env.POSEDYN_TEST_KILL_AFTER_LAST ?? NaN);
  const bar = options.progress && process.stdout.isTTY
    ? new cliProgress.SingleBar({ format: 'epoch {epoch} [{bar}] {value}/{total} | {losses} | {speed} samples/s', hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  try {
    const reports = await session.train({
      epochs: options.epochs,
      maxStepsPerEpoch: options.maxStepsPerEpoch,
      onStep: (p: StepProgress) => {
        const losses = Object.entries(p.losses).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(' ');
        if (bar) {
          if (p.step === 1) bar.start(p.stepsPerEpoch, 0, { epoch: p.epoch, losses, speed: '-' });
          bar.update(p.step, { epoch: p.epoch, losses, speed: p.samplesPerSecond.toFixed(1) });
        }
        log.append({ type: 'step', ...p });
      },
      onEpoch: async (report, improved) => {
        bar?.stop();
        options.log(`epoch ${report.epoch}: train ${Object.entries(report.train).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}; validation ${report.validation.toPrecision(4)}${improved ? ' (best)' : ''}; ${report.seconds.toFixed(1)} s`);
        log.append({ type: 'epoch', ...report, best: session.bestValidation });
        const details = session.run.validationDetails?.();
        if (details) log.append({ type: 'validation', epoch: report.epoch, ...details });
        await log.flush();
        const last = await session.checkpoint({ resumable: true });
        const best = improved ? await session.checkpoint() : null;
        await writeFileAtomic(folder.file('last'), last);
        folder.saved();
        if (report.epoch === killAfter) process.kill(process.pid, 'SIGKILL');
        if (best) await writeFileAtomic(folder.file('best'), best);
        if (options.keepEpochs) {
          await mkdir(join(folder.path, 'epochs'), { recursive: true });
          await writeFileAtomic(join(folder.path, 'epochs', `epoch-${String(report.epoch).padStart(2, '0')}.safetensors`), best ?? (await session.checkpoint()));
        }
        await writeLossCurves(folder.file('curves'), session.run.kind, session.run.modelConfig, session.history);
      },
    });
    await log.flush();
    return reports;
  } finally {
    bar?.stop();
  }
}

async function writeLossCurves(path: string, kind: string, config: TrainingSession['run']['modelConfig'], history: readonly EpochReport[]): Promise<void> {
  // PoseGAN's training loss is Eq. (5) over a 256-frame window (summed, or a frame's with 'frame-mean'); its
  // validation is per frame (whole segments), plus the realism penalty when validationRealism > 0.
  const posegan = 'reconstructionNormalisation' in config ? config : null;
  const [trainKey, trainLabel, validationLabel] = posegan
    ? ['l2', `train: L_L2 (Eq. 5) ${posegan.reconstructionNormalisation === 'frame-mean' ? 'a frame' : 'a 256-frame window'}, epoch mean`,
      `validation: L_L2 a frame, generated val segments${posegan.validationRealism > 0 ? ' + motion-realism penalty' : ''}`]
    : ['total', 'train: mu1 L_shape + mu2 L_s-motion (Eq. 8), epoch mean', 'validation: the same on val frame pairs'];
  const png = await lineChartPng([
    { name: trainLabel, points: history.map((r) => ({ x: r.epoch, y: r.train[trainKey] ?? NaN })) },
    { name: validationLabel, points: history.map((r) => ({ x: r.epoch, y: r.validation })) },
  ], { title: `${kind} loss`, xLabel: 'epoch', yLabel: 'loss', logY: true });
  await writeFileAtomic(path, png);
}
