// `posedyn train posegan|pgface`: trains on a dataset folder (posedyn dataset build) with the paper's
// defaults (Adam 1e-4, batch 64, 50 epochs, Sec. 4.3), validates every epoch, keeps the best checkpoint on
// the validation split, writes a resumable checkpoint, a JSONL log and loss curves after every epoch.
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
import { loadModuleTensors, loadOptimizerTensors, type CheckpointMeta } from '../../talking-head/checkpoint/checkpoint.ts';
import { type Dataset, type FrameRef, faceBatch, facePairs, poseBatch } from '../../talking-head/data/dataset.ts';
import type { IdentityEntry, WindowRef } from '../../talking-head/data/dataset-format.ts';
import { type PgFaceConfig, defaultPgFaceConfig } from '../../talking-head/pgface/config.ts';
import { type PoseGanConfig, defaultPoseGanConfig } from '../../talking-head/posegan/config.ts';
import { type EpochReport, runEpochs } from '../../talking-head/training/epochs.ts';
import { faceQuadraticForm } from '../../talking-head/training/face-quadratic-form.ts';
import { identityFaceIdMeans, withFixedIdentity } from '../../talking-head/training/fixed-identity.ts';
import { PgFaceTrainer } from '../../talking-head/training/pgface-trainer.ts';
import { recentreFaceOutput } from '../../talking-head/training/recentre-face-output.ts';
import { PoseGanTrainer } from '../../talking-head/training/posegan-trainer.ts';
import { validatePoseGan } from '../../talking-head/training/posegan-validation.ts';
import { loadDatasetFolder } from '../dataset/dataset-files.ts';
import { createNodeEngine } from '../device.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { lineChartPng } from '../plots/line-chart.ts';
import { loadFaceModelOption } from './face-model-option.ts';
import { type SavedModule, readCheckpointFile, saveCheckpoint } from './checkpoint-files.ts';
import { pathExists } from '../files/path-exists.ts';

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
  /** --face-model: 'default', 'fitted', 'procedural' or a path to BFM_model_front.mat (face-model-option.ts) */
  readonly faceModel: string;
  /** Cap on steps an epoch (quick runs); undefined = all. */
  readonly maxStepsPerEpoch?: number;
  /** Start from this checkpoint's parameters (fine-tuning). */
  readonly initFrom?: string;
  /** With initFrom, for PGFace: re-centre the output on the training frames first (talking-head/training/recentre-face-output.ts). */
  readonly recentreFaceOutput?: boolean;
  readonly progress: boolean;
  readonly producedBy: string;
  /** Overrides of the model config's defaults (widths, depths, loss weights), e.g. { unetChannels: [32, 64] }. */
  readonly modelOverrides?: Record<string, unknown>;
  /** An engine to reuse (tests); by default one is created. */
  readonly engine?: Engine;
  readonly log?: (line: string) => void;
  /** A dataset already in memory (fine-tuning re-normalises with the pretrained statistics); else --dataset is loaded. */
  readonly loadedDataset?: Dataset;
  /** Identities to record in checkpoints instead of the dataset's (fine-tuning keeps the pretrained ones too). */
  readonly identities?: readonly IdentityEntry[];
}

interface TrainingRun {
  readonly modelConfig: PoseGanConfig | PgFaceConfig;
  readonly modules: readonly SavedModule[];
  readonly samples: readonly (WindowRef | FrameRef)[];
  readonly step: (batch: readonly (WindowRef | FrameRef)[]) => Record<string, import('../../core/tensor.ts').Tensor | null>;
  readonly validate: () => Promise<number>;
  readonly extraMeta: Record<string, unknown>;
  /** PGFace: re-centre the output on the training frames; returns what to log */
  readonly recentre?: () => Promise<string>;
  dispose(): void;
}

function poseGanRun(engine: Engine, dataset: Dataset, options: TrainOptions): TrainingRun {
  const variant = options.variant ?? 'posegan';
  if (variant !== 'posegan' && variant !== 'cnn') throw new Error(`--variant for posegan must be 'posegan' or 'cnn', got '${variant}'`);
  // A fine-tune keeps its checkpoint's window (inference runs on it) even when it trains on shorter windows
  // (talking-head/data/personal-data.ts withFittingWindows): the networks are fully convolutional.
  const frames = (options.modelOverrides?.frames as number | undefined) ?? dataset.windowLength;
  const config = defaultPoseGanConfig(dataset.featureCount, { ...options.modelOverrides, variant, frames });
  const trainer = new PoseGanTrainer(engine, config, { learningRate: options.lr, seed: options.seed });
  const modules: SavedModule[] = [{ prefix: 'generator.', module: trainer.generator, optimizer: trainer.generatorOptimizer }];
  if (trainer.discriminator) modules.push({ prefix: 'discriminator.', module: trainer.discriminator, optimizer: trainer.discriminatorOptimizer! });
  return {
    modelConfig: config,
    modules,
    samples: dataset.manifest.windows.train,
    step: (batch) => {
      const losses = trainer.step(poseBatch(dataset, batch as WindowRef[]));
      return { l2: losses.l2, pose: losses.pose, motion: losses.motion, adversarial: losses.adversarial, discriminator: losses.discriminator };
    },
    validate: async () => (await validatePoseGan(engine, trainer.generator, dataset, 'val', config)).l2PerFrame,
    extraMeta: {},
    dispose: () => trainer.dispose(),
  };
}

function pgFaceRun(engine: Engine, dataset: Dataset, options: TrainOptions, faceModel: Awaited<ReturnType<typeof loadFaceModelOption>>): TrainingRun {
  const variant = options.variant ?? 'pgface';
  if (variant !== 'pgface' && variant !== 'fixed-identity') throw new Error(`--variant for pgface must be 'pgface' or 'fixed-identity', got '${variant}'`);
  const faceStats = dataset.manifest.stats.face;
  if (!faceStats) throw new Error(`${options.dataset}: no clip has face coefficients, PGFace cannot be trained (OpenFace CSV gives poses only)`);
  const config = defaultPgFaceConfig(dataset.featureCount, { ...options.modelOverrides, variant });
  const trainer = new PgFaceTrainer(engine, config, faceQuadraticForm(engine, faceModel, faceStats), { learningRate: options.lr, seed: options.seed });
  const idMeans = identityFaceIdMeans(dataset);
  const makeBatch = (refs: readonly FrameRef[]) => withFixedIdentity(dataset, refs, faceBatch(dataset, refs), variant === 'fixed-identity' ? idMeans : null);
  const validationPairs = facePairs(dataset, 'val');
  return {
    modelConfig: config,
    modules: [{ prefix: 'pgface.', module: trainer.model, optimizer: trainer.optimizer }],
    samples: facePairs(dataset, 'train'),
    step: (batch) => {
      const losses = trainer.step(makeBatch(batch as FrameRef[]));
      return { total: losses.total, shape: losses.shape, motion: losses.motion };
    },
    validate: async () => {
      let sum = 0;
      let count = 0;
      for (let s = 0; s < validationPairs.length; s += 256) {
        const refs = validationPairs.slice(s, s + 256);
        const losses = trainer.evaluate(makeBatch(refs));
        sum += (await losses.total.item()) * refs.length;
        count += refs.length;
        for (const t of [losses.total, losses.shape, losses.motion]) t.dispose();
      }
      if (count === 0) throw new Error(`${options.dataset}: the val split has no pair of neighbouring frames with face coefficients`);
      return sum / count;
    },
    extraMeta: { faceModel: faceModel.name, identityFaceId: Object.fromEntries(idMeans.entries()) },
    recentre: async () => {
      const shift = await recentreFaceOutput(engine, trainer.model, dataset, facePairs(dataset, 'train'));
      return `re-centred the output on the training frames (mean shift ${Math.sqrt(shift.reduce((a, v) => a + v * v, 0) / shift.length).toFixed(3)} rms, normalised units)`;
    },
    dispose: () => trainer.dispose(),
  };
}

export async function runTrain(options: TrainOptions): Promise<EpochReport[]> {
  await mkdir(options.out, { recursive: true });
  const dataset = options.loadedDataset ?? (await loadDatasetFolder(options.dataset));
  const engine = options.engine ?? (await createNodeEngine());
  const log = options.log ?? ((line: string) => console.log(line));
  const faceModel = options.kind === 'pgface' ? await loadFaceModelOption(options.faceModel) : null;
  const run = options.kind === 'posegan' ? poseGanRun(engine, dataset, options) : pgFaceRun(engine, dataset, options, faceModel!);
  const lastPath = join(options.out, 'last.safetensors');
  const bestPath = join(options.out, 'best.safetensors');
  const logPath = join(options.out, 'log.jsonl');
  let startEpoch = 1;
  let best: number | null = null;
  const history: EpochReport[] = [];
  if (options.resume && (await pathExists(lastPath))) {
    const saved = await readCheckpointFile(lastPath);
    for (const m of run.modules) {
      loadModuleTensors(m.module, m.prefix, saved.tensors, lastPath);
      if (m.optimizer) loadOptimizerTensors(engine, m.optimizer, m.module, `optimizer.${m.prefix.replace(/\.$/, '')}`, saved.tensors, lastPath);
    }
    startEpoch = saved.meta.training.epoch + 1;
    best = saved.meta.training.bestValidation;
    history.push(...((saved.meta.training.history as EpochReport[] | undefined) ?? []));
    log(`resuming from ${lastPath} after epoch ${saved.meta.training.epoch}`);
  } else if (options.initFrom) {
    const init = await readCheckpointFile(options.initFrom);
    for (const m of run.modules) loadModuleTensors(m.module, m.prefix, init.tensors, options.initFrom);
    log(`starting from the parameters of ${options.initFrom}`);
    if (options.recentreFaceOutput && run.recentre) log(await run.recentre());
  }
  const meta = (epoch: number, report: EpochReport | null): CheckpointMeta => ({
    kind: options.kind,
    modelConfig: run.modelConfig as unknown as Record<string, unknown>,
    featureConfig: dataset.manifest.featureConfig as unknown as Record<string, unknown>,
    normalisation: dataset.manifest.stats,
    identities: options.identities ?? dataset.manifest.identities,
    training: {
      epoch, step: epoch * Math.ceil(run.samples.length / options.batch), seed: options.seed, bestValidation: best,
      producedBy: options.producedBy, dataset: options.dataset, poseUnit: dataset.manifest.poseUnit, lastValidation: report?.validation ?? null, history, ...run.extraMeta,
    },
  });

  const bar = options.progress && process.stdout.isTTY
    ? new cliProgress.SingleBar({ format: 'epoch {epoch} [{bar}] {value}/{total} | {losses} | {speed} samples/s', hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  const samples = options.maxStepsPerEpoch === undefined ? run.samples : run.samples.slice(0, options.maxStepsPerEpoch * options.batch);
  const windows = options.kind === 'posegan' ? ` (windows of ${dataset.windowLength} frames)` : '';
  log(`training ${options.kind} (${run.modelConfig.variant}) on ${samples.length} samples${windows}, batch ${options.batch}, ${options.epochs} epochs, lr ${options.lr}, seed ${options.seed}`);
  try {
    return await runEpochs({
      samples,
      batchSize: options.batch,
      epochs: options.epochs,
      startEpoch,
      seed: options.seed,
      step: run.step,
      validate: run.validate,
      onStep: (p) => {
        const losses = Object.entries(p.losses).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(' ');
        if (bar) {
          if (p.step === 1) bar.start(p.stepsPerEpoch, 0, { epoch: p.epoch, losses, speed: '-' });
          bar.update(p.step, { epoch: p.epoch, losses, speed: p.samplesPerSecond.toFixed(1) });
        }
        void appendFile(logPath, `${JSON.stringify({ type: 'step', ...p })}\n`);
      },
      onEpoch: async (report) => {
        bar?.stop();
        history.push(report);
        const improved = best === null || report.validation < best;
        if (improved) best = report.validation;
        log(`epoch ${report.epoch}: train ${Object.entries(report.train).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}; validation ${report.validation.toPrecision(4)}${improved ? ' (best)' : ''}; ${report.seconds.toFixed(1)} s`);
        await appendFile(logPath, `${JSON.stringify({ type: 'epoch', ...report, best })}\n`);
        await saveCheckpoint(lastPath, meta(report.epoch, report), run.modules, true);
        if (improved) await saveCheckpoint(bestPath, meta(report.epoch, report), run.modules, false);
        await writeLossCurves(join(options.out, 'loss.png'), options.kind, history);
      },
    });
  } finally {
    bar?.stop();
    run.dispose();
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
