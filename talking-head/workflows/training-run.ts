// The one training-run builder: what a PoseGAN or PGFace training needs on a dataset, assembled in one place for
// `posedyn train`, `posedyn finetune`, `posedyn eval` and the page alike: the trainer (Sec. 4.3: Adam), the
// modules a checkpoint saves, the training samples (256-frame windows for PoseGAN, neighbouring frame pairs
// for PGFace), one step, the validation measure, and what the checkpoint records beyond the common metadata.
import type { Engine } from '../../core/engine.ts';
import type { Tensor } from '../../core/tensor.ts';
import { type Dataset, type FrameRef, faceBatch, facePairs, poseBatch } from '../data/dataset.ts';
import type { WindowRef } from '../data/dataset-format.ts';
import type { PoseOnlyClip } from '../data/pose-only.ts';
import type { FaceModel } from '../face/face-model.ts';
import { type PgFaceConfig, defaultPgFaceConfig } from '../pgface/config.ts';
import { type PoseGanConfig, defaultPoseGanConfig } from '../posegan/config.ts';
import { batchInGeneratorUnits, identityPoseUnits } from '../posegan/pose-units.ts';
import { faceQuadraticForm } from '../training/face-quadratic-form.ts';
import { identityFaceIdMeans, withFixedIdentity } from '../training/fixed-identity.ts';
import { PgFaceTrainer } from '../training/pgface-trainer.ts';
import { PoseGanTrainer } from '../training/posegan-trainer.ts';
import { type PoseValidation, validatePoseGan } from '../training/posegan-validation.ts';
import { recentreFaceOutput } from '../training/recentre-face-output.ts';
import type { CheckpointPart } from './checkpoint-writer.ts';

export type TrainingSample = WindowRef | FrameRef;

export interface TrainingRunSpec {
  readonly kind: 'posegan' | 'pgface';
  /** posegan | cnn (L_L2 only) for PoseGAN; pgface | fixed-identity for PGFace */
  readonly variant?: string;
  readonly learningRate: number;
  readonly seed: number;
  /** Overrides of the model config's defaults (widths, depths, loss weights), e.g. { unetChannels: [32, 64] }. */
  readonly modelOverrides?: Record<string, unknown>;
  /** The 3DMM whose vertices PGFace's losses (Eq. 7-8) compare; PGFace only (callers pass defaultFaceModel() unless told otherwise). */
  readonly faceModel?: FaceModel;
  /** Where the data came from, for error messages (a folder, "the dropped clips"). */
  readonly source: string;
  /** PoseGAN: real pose-only clips for the motion critic (config motionCritic > 0; training/motion-critic.ts) */
  readonly poseOnly?: readonly PoseOnlyClip[];
  /** Where a validation's details go (PoseGAN: the val motion realism beside L_L2). */
  readonly log?: (line: string) => void;
}

export interface TrainingRun {
  readonly kind: 'posegan' | 'pgface';
  readonly modelConfig: PoseGanConfig | PgFaceConfig;
  readonly parts: readonly CheckpointPart[];
  /** Prefixes a checkpoint may lack (a CNN baseline's has no discriminator). */
  readonly optionalParts: readonly string[];
  readonly samples: readonly TrainingSample[];
  /** One optimisation step; the named losses stay on the GPU for the caller to read. */
  step(batch: readonly TrainingSample[]): Record<string, Tensor | null>;
  /**
   * The validation measure after an epoch (lower is better): PoseGAN's L_L2 a frame over generated val segments
   * (plus config validationRealism's penalty, training/posegan-validation.ts), PGFace's Eq. 8 total.
   */
  validate(): Promise<number>;
  /** What the last validate() measured beyond its score, for the run's log (PoseGAN: per-identity realism); null if none. */
  validationDetails?(): Record<string, unknown> | null;
  /** Recorded in the checkpoint's `training` metadata. */
  readonly extraMeta: Record<string, unknown>;
  /** PGFace: re-centres the output on the training frames (talking-head/training/recentre-face-output.ts); returns what to log. */
  recentre?(): Promise<string>;
  dispose(): void;
}

function poseGanRun(engine: Engine, dataset: Dataset, spec: TrainingRunSpec): TrainingRun {
  const variant = spec.variant ?? 'posegan';
  if (variant !== 'posegan' && variant !== 'cnn') throw new Error(`the variant of posegan must be 'posegan' or 'cnn', got '${variant}'`);
  // A fine-tune keeps its checkpoint's window, on which inference runs, even when it trains on shorter windows
  // (talking-head/data/personal-data.ts withFittingWindows): the networks are fully convolutional.
  const frames = (spec.modelOverrides?.frames as number | undefined) ?? dataset.windowLength;
  const config = defaultPoseGanConfig(dataset.featureCount, { ...spec.modelOverrides, variant, frames });
  const trainer = new PoseGanTrainer(engine, config, { learningRate: spec.learningRate, seed: spec.seed, poseOnly: spec.poseOnly });
  let lastValidation: PoseValidation | null = null;
  // config.poseNormalisation: the batches' poses in G's units, each window by its identity's (pose-units.ts)
  const units = identityPoseUnits(config, dataset.manifest.identities, dataset.manifest.stats.pose);
  const parts: CheckpointPart[] = [{ prefix: 'generator.', module: trainer.generator, optimizer: trainer.generatorOptimizer }];
  if (trainer.discriminator) parts.push({ prefix: 'discriminator.', module: trainer.discriminator, optimizer: trainer.discriminatorOptimizer! });
  if (trainer.motionCritic) parts.push({ prefix: 'motionCritic.', module: trainer.motionCritic.network, optimizer: trainer.motionCritic.optimizer });
  return {
    kind: 'posegan',
    modelConfig: config,
    parts,
    // A CNN baseline's checkpoint has no discriminator; one trained before the motion critic has none of it.
    optionalParts: ['discriminator.', 'motionCritic.'],
    samples: dataset.manifest.windows.train,
    step: (batch) => ({ ...trainer.step(batchInGeneratorUnits(poseBatch(dataset, batch as WindowRef[]), units)) }),
    validationDetails: () => lastValidation && {
      l2PerFrame: lastValidation.l2PerFrame, score: lastValidation.score, pooled: lastValidation.pooled, identities: lastValidation.identities,
    },
    validate: async () => {
      const v = await validatePoseGan(engine, trainer.generator, dataset, 'val', config);
      lastValidation = v;
      spec.log?.(`  validation: L_L2 ${v.l2PerFrame.toPrecision(4)} a frame; rotation motion energy ${v.rotationMotionRatio.toFixed(2)}x and jitter ${v.rotationJitterRatio.toFixed(2)}x the real val poses'; score ${v.score.toPrecision(4)}`);
      return v.score;
    },
    extraMeta: spec.poseOnly ? { poseOnlyClips: spec.poseOnly.map((c) => c.name) } : {},
    dispose: () => trainer.dispose(),
  };
}

function pgFaceRun(engine: Engine, dataset: Dataset, spec: TrainingRunSpec): TrainingRun {
  const variant = spec.variant ?? 'pgface';
  if (variant !== 'pgface' && variant !== 'fixed-identity') throw new Error(`the variant of pgface must be 'pgface' or 'fixed-identity', got '${variant}'`);
  const faceStats = dataset.manifest.stats.face;
  if (!faceStats) throw new Error(`${spec.source}: no clip has face coefficients, PGFace cannot be trained (OpenFace CSV gives poses only)`);
  // No default here: a page that fine-tunes PoseGAN only must not carry a face model it never uses; the CLI
  // (--face-model default) and the page (the model it draws) pass the default face model.
  if (!spec.faceModel) throw new Error('training PGFace needs a face model for its vertex losses (Eq. 7-8): the default is defaultFaceModel()');
  const faceModel = spec.faceModel;
  const config = defaultPgFaceConfig(dataset.featureCount, { ...spec.modelOverrides, variant });
  const trainer = new PgFaceTrainer(engine, config, faceQuadraticForm(engine, faceModel, faceStats), { learningRate: spec.learningRate, seed: spec.seed });
  const idMeans = identityFaceIdMeans(dataset);
  const makeBatch = (refs: readonly FrameRef[]) => withFixedIdentity(dataset, refs, faceBatch(dataset, refs), variant === 'fixed-identity' ? idMeans : null);
  const validationPairs = facePairs(dataset, 'val');
  return {
    kind: 'pgface',
    modelConfig: config,
    parts: [{ prefix: 'pgface.', module: trainer.model, optimizer: trainer.optimizer }],
    optionalParts: [],
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
      if (count === 0) throw new Error(`${spec.source}: the val split has no pair of neighbouring frames with face coefficients`);
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

/** Builds the run of `spec.kind` on `dataset` (its train split trains, its val split validates). */
export function createTrainingRun(engine: Engine, dataset: Dataset, spec: TrainingRunSpec): TrainingRun {
  return spec.kind === 'posegan' ? poseGanRun(engine, dataset, spec) : pgFaceRun(engine, dataset, spec);
}
