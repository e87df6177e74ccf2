// Personalisation (Sec. 5.1): the one fine-tune, used by `posedyn finetune` and by the page. A pretrained PoseGAN
// or PGFace checkpoint (bytes) and the new person's data (a Dataset, built from their clips by
// talking-head/data/build-dataset.ts) in; a training session that starts from the pretrained parameters out,
// and from it the fine-tuned checkpoint's bytes. The rules, in one place:
//   - the person's data is normalised with the *checkpoint's* statistics, not its own: the network's inputs and
//     outputs keep the units it was trained in, and the person's own pose offsets stay in the outputs;
//   - poses tracked from video (posedyn's tracker: centimetres, camera at the origin) for a checkpoint in
//     another unit: each clip's translation motion re-expressed in the checkpoint's unit about its mean
//     translation, the translation channels normalised with the person's own statistics (ours,
//     talking-head/data/personal-data.ts: inPoseUnit, personalPoseStats);
//   - clips whose poses sit far outside those statistics are refused (another tracker's units);
//   - the split: the dataset's own (7:1:2 by time, best epoch on the val frames) when its train part holds at
//     least one training sample; otherwise (a few seconds of video) every window of the whole clips trains and
//     the same frames validate, and the checkpoint's record says so (ours: the paper fine-tunes on 2-3 minutes);
//     a PoseGAN whose whole clips still hold no window trains on the longest windows that fit, at least 64
//     frames (ours: its networks are fully convolutional; personal-data.ts withFittingWindows);
//   - identities: the pretrained list in its order (a person already in it keeps their place, with their rest
//     pose from this data), then the new people; `training.personalisedTo` names the person, and generation
//     defaults to them (defaultIdentityName in talking-head/inference/generate.ts);
//   - a PGFace starts with its output re-centred on the person's frames (ours, training/recentre-face-output.ts);
//   - the paper's recipe by default: 20 epochs, batch 16, Adam 1e-4.
import type { Engine } from '../../core/engine.ts';
import { type Checkpoint, CheckpointError, decodeCheckpoint } from '../checkpoint/checkpoint.ts';
import { windowStarts } from '../data/build-dataset.ts';
import { Dataset, facePairs } from '../data/dataset.ts';
import type { DatasetManifest, IdentityEntry, WindowRef } from '../data/dataset-format.ts';
import { checkpointPoseUnit, inPoseUnit, personalPoseStats, withFittingWindows } from '../data/personal-data.ts';
import type { FaceModel } from '../face/face-model.ts';
import { POSE_CHANNEL_NAMES } from '../pose/pose-convention.ts';
import type { PoseGanConfig } from '../posegan/config.ts';
import { featureConfigFromJson, sameFeatureConfig } from '../features/config.ts';
import { poseGanConfigFromJson } from '../posegan/config.ts';
import type { EpochReport, StepProgress } from '../training/epochs.ts';
import { TrainingSession } from './training-session.ts';

/** Sec. 5.1's recipe. */
export const FINE_TUNE_DEFAULTS = { epochs: 20, batch: 16, learningRate: 1e-4, seed: 1 } as const;

export interface FineTuneOptions {
  readonly batch?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  /** PGFace: re-centre the output on the person's frames before fine-tuning (default true). */
  readonly recentre?: boolean;
  /** PGFace: the 3DMM of its vertex losses (callers pass defaultFaceModel() unless told otherwise). */
  readonly faceModel?: FaceModel;
  /** Where the person's data came from, for messages and the record (a folder, "the dropped clips"). */
  readonly dataSource: string;
  readonly producedBy: string;
  readonly log?: (line: string) => void;
  /** Continue an interrupted fine-tune from its resumable checkpoint instead of starting from `pretrained`. */
  readonly resume?: { readonly checkpoint: Checkpoint; readonly source: string };
}

export type FineTuneSplit = 'by time (7:1:2)' | 'whole clips (too little data to hold frames out)';

export interface FineTuneSession {
  readonly session: TrainingSession;
  readonly split: FineTuneSplit;
  /** The person's identity names, as the checkpoint lists them. */
  readonly personalisedTo: readonly string[];
}

/**
 * Refuses data whose poses sit far outside the checkpoint's pose statistics (a channel's mean over the clips
 * more than 20 of the checkpoint's standard deviations from its mean): the usual cause is another tracker's
 * units, e.g. OpenFace millimetres for a checkpoint trained on Deep3DFaceRecon poses.
 */
function assertPosesInRange(dataset: Dataset, source: string): void {
  const sums = new Float64Array(6);
  let frames = 0;
  for (const clip of dataset.clips) {
    for (let i = 0; i < clip.normalised.pose.length; i++) sums[i % 6]! += clip.normalised.pose[i]!;
    frames += clip.frames;
  }
  const far = [...sums].map((s, c) => ({ channel: POSE_CHANNEL_NAMES[c]!, mean: s / Math.max(frames, 1) })).filter((c) => Math.abs(c.mean) > 20);
  if (far.length > 0) {
    throw new RangeError(
      `the clips' head poses are far outside ${source}'s range (${far.map((c) => `${c.channel} averages ${c.mean.toFixed(0)} standard deviations from its mean`).join(', ')}); ` +
        'were they tracked with another tool than the checkpoint\'s data (OpenFace millimetres vs Deep3DFaceRecon units)?',
    );
  }
}

/** The same clips with every frame in both the train and the val split (never written to disk). */
function wholeClips(dataset: Dataset): Dataset {
  const { length, stride } = dataset.manifest.windowing;
  const windows = dataset.clips.flatMap((clip) => windowStarts([0, clip.frames], length, stride).map((s): WindowRef => [clip.index, s]));
  const manifest: DatasetManifest = {
    ...dataset.manifest,
    clips: dataset.manifest.clips.map((c) => ({ ...c, segments: { train: [0, c.frames], val: [0, c.frames], test: [c.frames, c.frames] } })),
    windows: { train: windows, val: windows, test: [] },
  };
  return new Dataset(manifest, dataset.clips.map((c) => ({ features: c.features, pose: c.pose, poseRaw: c.poseRaw, face: c.face })));
}

function trainingSamples(kind: 'posegan' | 'pgface', dataset: Dataset): number {
  return kind === 'posegan' ? dataset.manifest.windows.train.length : facePairs(dataset, 'train').length;
}

/** Starts a fine-tune of `pretrained` (its bytes, named `source`) on `own`, the person's dataset. */
export async function createFineTune(engine: Engine, pretrainedBytes: Uint8Array, source: string, own: Dataset, options: FineTuneOptions): Promise<FineTuneSession> {
  const pretrained: Checkpoint = decodeCheckpoint(pretrainedBytes, source);
  const meta = pretrained.meta;
  const features = featureConfigFromJson(meta.featureConfig, `${source} feature_config`);
  if (!sameFeatureConfig(features, own.manifest.featureConfig)) {
    throw new CheckpointError(`${source}: the checkpoint was trained on another audio feature config than the one ${options.dataSource} was built with`);
  }
  if (meta.kind === 'pgface' && !meta.normalisation.face) throw new CheckpointError(`${source}: PGFace checkpoint without face statistics`);
  if (meta.kind === 'pgface' && !own.manifest.stats.face) throw new RangeError(`${options.dataSource}: no clip has face coefficients, a PGFace cannot be fine-tuned on it`);
  const unit = checkpointPoseUnit(meta.training, meta.normalisation.pose);
  const inUnit = inPoseUnit(own, unit, meta.normalisation.pose.mean.slice(3, 6));
  const converted = inUnit !== own;
  if (converted) {
    options.log?.(`the clips' translations are in ${own.manifest.poseUnit} and ${source}'s in ${unit}: each clip's translation motion is re-expressed in ${unit} about the checkpoint's mean translation and normalised with the person's own statistics (rotations as they are)`);
  }
  const stats = { ...meta.normalisation, pose: personalPoseStats(meta.normalisation.pose, inUnit.manifest.stats.pose, converted), face: meta.normalisation.face ?? own.manifest.stats.face };
  let dataset = new Dataset({ ...inUnit.manifest, stats }, inUnit.clips.map((c) => ({ features: c.features, pose: c.pose, poseRaw: c.poseRaw, face: c.face })));
  assertPosesInRange(dataset, source);
  let split: FineTuneSplit = 'by time (7:1:2)';
  if (trainingSamples(meta.kind, dataset) === 0) {
    dataset = wholeClips(dataset);
    split = 'whole clips (too little data to hold frames out)';
    if (trainingSamples(meta.kind, dataset) === 0) {
      if (meta.kind === 'posegan') {
        const config = meta.modelConfig as unknown as PoseGanConfig;
        dataset = withFittingWindows(dataset, config.frames, 2 ** (config.unetChannels.length - 1), options.dataSource);
        options.log?.(`the clips are shorter than one ${config.frames}-frame PoseGAN window: fine-tuning on windows of ${dataset.windowLength} frames (its networks are fully convolutional)`);
      } else {
        throw new RangeError(`${options.dataSource}: too little data to fine-tune on: a clip needs at least 2 frames with face coefficients, the longest has ${Math.max(0, ...dataset.clips.map((c) => c.frames))}`);
      }
    }
  }
  const ownByName = new Map(dataset.manifest.identities.map((i) => [i.name, i]));
  const known = new Set(meta.identities.map((i) => i.name));
  const identities: IdentityEntry[] = [
    ...meta.identities.map((i) => ownByName.get(i.name) ?? i),
    ...dataset.manifest.identities.filter((i) => !known.has(i.name)),
  ];
  const personalisedTo = dataset.manifest.identities.map((i) => i.name);
  const session = new TrainingSession(engine, dataset, {
    kind: meta.kind,
    variant: String(meta.modelConfig.variant),
    learningRate: options.learningRate ?? FINE_TUNE_DEFAULTS.learningRate,
    seed: options.seed ?? FINE_TUNE_DEFAULTS.seed,
    batch: options.batch ?? FINE_TUNE_DEFAULTS.batch,
    // A PoseGAN checkpoint that predates a config choice was trained with its legacy value (posegan/config.ts).
    modelOverrides: meta.kind === 'posegan' ? { ...poseGanConfigFromJson(meta.modelConfig) } : meta.modelConfig,
    log: options.log,
    faceModel: options.faceModel,
    source: options.dataSource,
    identities,
    producedBy: options.producedBy,
    extraMeta: { personalisedTo: personalisedTo[0], fineTunedFrom: source, fineTuneSplit: split },
  });
  try {
    if (options.resume) {
      options.log?.(`resuming the fine-tune of ${source} on ${personalisedTo.join(', ')} from ${options.resume.source}: ${session.resumeFrom(options.resume.checkpoint, options.resume.source)}`);
    } else {
      session.initialiseFrom(pretrained, source);
      options.log?.(`fine-tuning ${meta.kind} ${source} on ${personalisedTo.join(', ')} (${options.dataSource}; split ${split})`);
      if ((options.recentre ?? true) && session.run.recentre) options.log?.(await session.run.recentre());
    }
  } catch (error) {
    session.dispose();
    throw error;
  }
  return { session, split, personalisedTo };
}

export interface FineTuneRun extends Omit<FineTuneOptions, 'log'> {
  readonly epochs?: number;
  /** Cap on optimisation steps in all (the page's control). */
  readonly maxSteps?: number;
  readonly onStep?: (progress: StepProgress) => void;
  readonly log?: (line: string) => void;
}

/**
 * The whole fine-tune in one call, bytes in and bytes out: the checkpoint of the epoch best on validation
 * (the last epoch's when it is also the best), and the epochs' reports.
 */
export async function fineTune(engine: Engine, pretrainedBytes: Uint8Array, source: string, own: Dataset, options: FineTuneRun): Promise<{ checkpoint: Uint8Array; reports: EpochReport[]; split: FineTuneSplit }> {
  const { session, split } = await createFineTune(engine, pretrainedBytes, source, own, options);
  try {
    let best: Uint8Array | null = null;
    const reports = await session.train({
      epochs: options.epochs ?? FINE_TUNE_DEFAULTS.epochs,
      maxSteps: options.maxSteps,
      onStep: options.onStep,
      onEpoch: async (_report, improved) => {
        if (improved) best = await session.checkpoint();
      },
    });
    return { checkpoint: best ?? (await session.checkpoint()), reports, split };
  } finally {
    session.dispose();
  }
}
