// Personalisation (PAPER.md, "personalized pose dynamics"): fine-tunes a PoseGAN checkpoint on a person's own
// clips, where they are (in a page, on its GPU). Files in as bytes, a new checkpoint out as bytes:
//   dropped files -> clips (talking-head/data/clip-sources.ts: <stem>.wav with <stem>.mat or <stem>.csv)
//   -> per-clip features and Eq. (1)-smoothed poses (talking-head/data/build-dataset.ts)
//   -> a Dataset normalised with the *checkpoint's* statistics, so the network sees inputs and targets in the
//      units it was trained in -> windows of config.frames frames every `windowStride` frames over each whole
//      clip (no split: every frame the person gave is used) -> PoseGanTrainer steps on seeded batches
//   -> the checkpoint with the fine-tuned weights; the person's identity (rest pose from their clips) first in
//      its identity list, so generation starts from their rest pose.
import type { Engine } from '../../core/engine.ts';
import { CheckpointError, type Checkpoint, decodeCheckpoint, loadModuleTensors } from '../../talking-head/checkpoint/checkpoint.ts';
import { type ClipInput, buildDataset, windowStarts } from '../../talking-head/data/build-dataset.ts';
import {
  IDENTITY_MANIFEST, assignIdentities, discoverClips, parseIdentityManifest, readClipInput,
} from '../../talking-head/data/clip-sources.ts';
import { type WindowRef } from '../../talking-head/data/dataset-format.ts';
import { Dataset, poseBatch } from '../../talking-head/data/dataset.ts';
import { assertSameFeatureConfig, deepSpeechFeatureConfig, featureConfigFromJson } from '../../talking-head/features/config.ts';
import { type PoseGanConfig, validatePoseGanConfig } from '../../talking-head/posegan/config.ts';
import { PoseGanTrainer } from '../../talking-head/training/posegan-trainer.ts';
import { type CheckpointPart, encodeModuleCheckpoint } from './module-checkpoint.ts';

export interface ClipFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Groups dropped files into clips and decodes them; files that form no clip are listed with the reason. */
export async function clipInputsFromFiles(files: readonly ClipFile[], fps: number, sampleRate: number): Promise<{ inputs: ClipInput[]; skipped: string[] }> {
  const byName = new Map(files.map((f) => [f.name, f.bytes]));
  const discovery = discoverClips([...byName.keys()]);
  const skipped = discovery.skipped.map((s) => `${s.file}: ${s.reason}`);
  if (discovery.clips.length === 0) {
    throw new RangeError(
      `no clip among ${files.map((f) => f.name).join(', ')}: a clip is <name>.wav with <name>.mat (Deep3DFaceRecon coefficients) ` +
        `or <name>.csv (OpenFace 2.x)${skipped.length ? ` (${skipped.join('; ')})` : ''}`,
    );
  }
  const manifestBytes = byName.get(IDENTITY_MANIFEST);
  const manifest = manifestBytes ? parseIdentityManifest(new TextDecoder().decode(manifestBytes), IDENTITY_MANIFEST) : undefined;
  const identities = assignIdentities(discovery.clips.map((c) => c.stem), manifest);
  const inputs: ClipInput[] = [];
  for (const clip of discovery.clips) {
    inputs.push(await readClipInput(clip, identities.get(clip.stem)!, async (file) => byName.get(file)!, {
      sampleRate, fps, precomputed: deepSpeechFeatureConfig,
    }));
  }
  return { inputs, skipped };
}

export interface FineTuneOptions {
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  /** frames between the starts of consecutive training windows (the paper's 5) */
  readonly windowStride?: number;
}

export interface FineTuneStep {
  readonly step: number;
  /** alpha L_pose + beta L_motion (Eq. 5), batch mean */
  readonly l2: number;
  readonly adversarial: number | null;
  readonly discriminator: number | null;
}

const POSE_NAMES = ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz'];

/**
 * Refuses clips whose poses sit far outside the checkpoint's pose statistics (a channel's mean over the clips
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
  const far = [...sums].map((s, c) => ({ channel: POSE_NAMES[c]!, mean: s / frames })).filter((c) => Math.abs(c.mean) > 20);
  if (far.length > 0) {
    throw new RangeError(
      `the clips' head poses are far outside ${source}'s range (${far.map((c) => `${c.channel} averages ${c.mean.toFixed(0)} standard deviations from its mean`).join(', ')}); ` +
        'were they tracked with another tool than the checkpoint\'s data (OpenFace millimetres vs Deep3DFaceRecon units)?',
    );
  }
}

/** mulberry32, for the order in which windows are visited. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export class PoseGanFineTuner {
  readonly trainer: PoseGanTrainer;
  readonly dataset: Dataset;
  readonly windows: readonly WindowRef[];
  readonly #checkpoint: Checkpoint;
  readonly #source: string;
  readonly #batchSize: number;
  readonly #seed: number;
  #order: WindowRef[] = [];
  #epoch = 0;
  #step = 0;

  private constructor(trainer: PoseGanTrainer, dataset: Dataset, windows: readonly WindowRef[], checkpoint: Checkpoint, source: string, batchSize: number, seed: number) {
    this.trainer = trainer;
    this.dataset = dataset;
    this.windows = windows;
    this.#checkpoint = checkpoint;
    this.#source = source;
    this.#batchSize = batchSize;
    this.#seed = seed;
  }

  /** Loads the checkpoint, builds the clips' windows and a trainer starting from the checkpoint's weights. */
  static async create(engine: Engine, checkpointBytes: Uint8Array, source: string, clips: readonly ClipInput[], options: FineTuneOptions = {}): Promise<PoseGanFineTuner> {
    const checkpoint = decodeCheckpoint(checkpointBytes, source);
    if (checkpoint.meta.kind !== 'posegan') throw new CheckpointError(`${source}: is a ${checkpoint.meta.kind} checkpoint; personalisation fine-tunes a posegan checkpoint`);
    const config = checkpoint.meta.modelConfig as unknown as PoseGanConfig;
    validatePoseGanConfig(config);
    const featureConfig = featureConfigFromJson(checkpoint.meta.featureConfig, `${source} feature_config`);
    const built = await buildDataset(engine, clips, {
      ...(featureConfig.frontEnd === 'logmel-pitch-v1' ? { featureConfig } : { precomputedConfig: featureConfig }),
      windowLength: config.frames,
    });
    assertSameFeatureConfig(featureConfig, built.manifest.featureConfig, 'the dropped clips');
    const { normalisation } = checkpoint.meta;
    const dataset = new Dataset({ ...built.manifest, stats: { pose: normalisation.pose, face: normalisation.face, features: normalisation.features } }, built.clips);
    assertPosesInRange(dataset, source);
    const stride = options.windowStride ?? 5;
    const windows = dataset.clips.flatMap((clip) => windowStarts([0, clip.frames], config.frames, stride).map((s): WindowRef => [clip.index, s]));
    if (windows.length === 0) {
      const seconds = (config.frames / featureConfig.fps).toFixed(1);
      throw new RangeError(`the clips are too short to fine-tune on: a clip needs at least ${config.frames} frames (${seconds} s), the longest has ${Math.max(...dataset.clips.map((c) => c.frames))}`);
    }
    const seed = options.seed ?? 1;
    const trainer = new PoseGanTrainer(engine, config, { learningRate: options.learningRate ?? 1e-4, seed });
    try {
      loadModuleTensors(trainer.generator, 'generator.', checkpoint.tensors, source);
      const hasDiscriminator = [...checkpoint.tensors.keys()].some((name) => name.startsWith('discriminator.'));
      if (trainer.discriminator && hasDiscriminator) loadModuleTensors(trainer.discriminator, 'discriminator.', checkpoint.tensors, source);
    } catch (error) {
      trainer.dispose();
      throw error;
    }
    return new PoseGanFineTuner(trainer, dataset, windows, checkpoint, source, Math.max(1, options.batchSize ?? 2), seed);
  }

  get stepsDone(): number {
    return this.#step;
  }

  /** One optimisation step on the next batch of windows (reshuffled every pass over them). */
  async step(): Promise<FineTuneStep> {
    const batch: WindowRef[] = [];
    while (batch.length < this.#batchSize) {
      if (this.#order.length === 0) this.#order = shuffled(this.windows, this.#seed + this.#epoch++);
      batch.push(this.#order.pop()!);
    }
    const arrays = poseBatch(this.dataset, batch, { length: this.trainer.config.frames });
    const losses = this.trainer.step(arrays);
    try {
      return {
        step: ++this.#step,
        l2: await losses.l2.item(),
        adversarial: losses.adversarial ? await losses.adversarial.item() : null,
        discriminator: losses.discriminator ? await losses.discriminator.item() : null,
      };
    } finally {
      for (const t of [losses.pose, losses.motion, losses.l2, losses.adversarial, losses.discriminator]) t?.dispose();
    }
  }

  /** The fine-tuned checkpoint: the same config, features and normalisation, the person's identities first. */
  async checkpoint(): Promise<Uint8Array> {
    const meta = this.#checkpoint.meta;
    const mine = this.dataset.manifest.identities;
    const names = new Set(mine.map((i) => i.name));
    const parts: CheckpointPart[] = [{ module: this.trainer.generator, prefix: 'generator.' }];
    if (this.trainer.discriminator) parts.push({ module: this.trainer.discriminator, prefix: 'discriminator.' });
    return encodeModuleCheckpoint({
      ...meta,
      identities: [...mine, ...meta.identities.filter((i) => !names.has(i.name))],
      training: {
        ...meta.training,
        step: meta.training.step + this.#step,
        producedBy: `posedyn in-page fine-tuning of ${this.#source} on ${this.dataset.clips.map((c) => c.entry.name).join(', ')} (${this.#step} steps)`,
      },
    }, parts);
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
