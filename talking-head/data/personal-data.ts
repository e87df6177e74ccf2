// A new person's dataset made ready to fine-tune a pretrained checkpoint on (PAPER.md Sec. 5.1), where the
// person's data differ from the checkpoint's in ways the paper does not meet:
//
// (ours) Translation units. A checkpoint reads and writes poses normalised with its own statistics, in its
// own translation unit (Deep3DFaceRecon's decimetres, camera at z = 10, for the shipped ones); a person's
// video, tracked by posedyn's tracker, gives centimetres with the camera at the origin
// (talking-head/tracking/). Rotations mean the same in both (one convention, pose-convention.ts) and are kept
// as they are. Translations cannot be carried over absolutely: the two cameras differ (the styletalk crops
// even normalise translation and scale away), so each clip keeps only its translation *motion*, converted to
// the checkpoint's unit (CENTIMETRES_PER_UNIT) and placed about the checkpoint's mean translation. And since
// the checkpoint's translation statistics describe motion its data hardly had (the styletalk crops leave about
// 1 mm), a real head's centimetres would sit tens of standard deviations out: the translation channels are
// normalised with the person's own statistics instead (personalPoseStats), so the network sees the range it
// was trained on and the fine-tuned checkpoint records what its translations mean.
//
// (ours) Short clips. PoseGAN trains on 256-frame windows inside the train split; a clip under 366 frames
// (12.2 s) has none. Its generator and discriminator are fully convolutional (talking-head/inference/generate.ts
// runs short tails the same way), so a person with only short clips is fine-tuned on the longest windows
// that fit, rounded down to the U-Net's down-sampling factor, but not under MIN_FINE_TUNE_WINDOW frames.
import { CENTIMETRES_PER_UNIT, TRANSLATION_UNITS, type TranslationUnit } from '../pose/pose-convention.ts';
import { windowStarts } from './build-dataset.ts';
import { Dataset, type DatasetClip } from './dataset.ts';
import { type ChannelStats, type DatasetManifest, type IdentityEntry, POSE_CHANNELS, SPLITS, type Split, type WindowRef } from './dataset-format.ts';
import { poseStepRms } from './pose-motion.ts';

/** The shortest training window a fine-tune falls back to: about 2 s of motion at 30 frames a second. */
export const MIN_FINE_TUNE_WINDOW = 64;

/**
 * The translation unit a checkpoint's poses are in: what training recorded, or, for checkpoints written before
 * it was recorded, a guess from its mean depth as the demo page makes it (talking-head/render/head-placement.ts, guessTranslationUnit):
 * Deep3DFaceRecon poses keep tz near 0 (camera at z = 10 dm), the tracker's put the head tens of centimetres
 * from the camera, OpenFace's hundreds of millimetres.
 */
export function checkpointPoseUnit(training: Readonly<Record<string, unknown>>, poseStats: ChannelStats): TranslationUnit {
  const recorded = training.poseUnit;
  if (typeof recorded === 'string' && (TRANSLATION_UNITS as readonly string[]).includes(recorded)) return recorded as TranslationUnit;
  const depth = Math.abs(poseStats.mean[5] ?? 0);
  return depth <= 5 ? 'bfm' : depth <= 200 ? 'cm' : 'mm';
}

/** Mean of one channel of poses [frames, 6]. */
function channelMean(values: Float32Array, channel: number, frames: number): number {
  let sum = 0;
  for (let f = 0; f < frames; f++) sum += values[f * POSE_CHANNELS + channel]!;
  return sum / Math.max(1, frames);
}

/**
 * The dataset with every clip's translation re-expressed in `unit` about `restTranslation` (tx, ty, tz in
 * `unit`): t' = (t - mean of the clip's t) * scale + rest. Angles, features and faces are unchanged; the
 * identities' rest poses and the pose statistics follow. Returns the dataset itself when it is in `unit`.
 */
export function inPoseUnit(dataset: Dataset, unit: TranslationUnit, restTranslation: readonly number[]): Dataset {
  const from = dataset.manifest.poseUnit;
  if (from === unit) return dataset;
  const scale = CENTIMETRES_PER_UNIT[from] / CENTIMETRES_PER_UNIT[unit];
  const convert = (clip: DatasetClip, values: Float32Array): Float32Array => {
    const out = Float32Array.from(values);
    for (let c = 3; c < POSE_CHANNELS; c++) {
      const mean = channelMean(values, c, clip.frames);
      for (let f = 0; f < clip.frames; f++) out[f * POSE_CHANNELS + c] = (values[f * POSE_CHANNELS + c]! - mean) * scale + restTranslation[c - 3]!;
    }
    return out;
  };
  const arrays = dataset.clips.map((clip) => ({ features: clip.features, pose: convert(clip, clip.pose), poseRaw: convert(clip, clip.poseRaw), face: clip.face }));
  // Train-split statistics again, over the converted poses (as build-dataset.ts computes them).
  const stats = (clips: readonly number[]): { mean: number[]; std: number[]; frames: number } => {
    const mean = new Array<number>(POSE_CHANNELS).fill(0);
    const squares = new Array<number>(POSE_CHANNELS).fill(0);
    let frames = 0;
    for (const i of clips) {
      const [a, b] = dataset.clips[i]!.entry.segments.train;
      for (let f = a; f < b; f++) for (let c = 0; c < POSE_CHANNELS; c++) mean[c]! += arrays[i]!.pose[f * POSE_CHANNELS + c]!;
      frames += b - a;
    }
    for (let c = 0; c < POSE_CHANNELS; c++) mean[c]! /= Math.max(1, frames);
    for (const i of clips) {
      const [a, b] = dataset.clips[i]!.entry.segments.train;
      for (let f = a; f < b; f++) for (let c = 0; c < POSE_CHANNELS; c++) squares[c]! += (arrays[i]!.pose[f * POSE_CHANNELS + c]! - mean[c]!) ** 2;
    }
    return { mean, std: squares.map((s) => Math.sqrt(s / Math.max(1, frames))), frames };
  };
  const all = stats(dataset.clips.map((c) => c.index));
  const identities = dataset.manifest.identities.map((identity): IdentityEntry => {
    const own = stats(dataset.clips.filter((c) => c.entry.identity === identity.name).map((c) => c.index));
    const motionPose = poseStepRms(dataset.clips.filter((c) => c.entry.identity === identity.name).map((c) => ({ pose: arrays[c.index]!.pose, ranges: [c.entry.segments.train] })));
    return { ...identity, meanPose: own.mean, stdPose: own.std, motionPose };
  });
  const manifest: DatasetManifest = { ...dataset.manifest, poseUnit: unit, identities, stats: { ...dataset.manifest.stats, pose: { mean: all.mean, std: all.std } } };
  return new Dataset(manifest, arrays);
}

/**
 * The dataset with PoseGAN's training windows as long as the person's clips allow: `length` frames when some
 * train segment holds one, else the longest train segment rounded down to `factor` frames (at least
 * MIN_FINE_TUNE_WINDOW); throws, starting with `source`, when even that does not fit. Windows every `stride` frames.
 */
export function withFittingWindows(dataset: Dataset, length: number, factor: number, source: string): Dataset {
  const trainLength = (clip: DatasetClip) => clip.entry.segments.train[1] - clip.entry.segments.train[0];
  const longest = Math.max(0, ...dataset.clips.map(trainLength));
  const fitting = longest >= length ? length : Math.floor(longest / factor) * factor;
  if (fitting < MIN_FINE_TUNE_WINDOW) {
    const fps = dataset.manifest.featureConfig.fps;
    throw new RangeError(
      `${source}: too little data to fine-tune PoseGAN on: its shortest training window is ${MIN_FINE_TUNE_WINDOW} frames (${(MIN_FINE_TUNE_WINDOW / fps).toFixed(1)} s) of a clip's training frames, ` +
        `the most a clip has is ${longest} (${dataset.clips.map((c) => `${c.entry.name}: ${c.frames} frames`).join(', ')})`,
    );
  }
  if (fitting === dataset.manifest.windowing.length && dataset.manifest.windows.train.length > 0) return dataset;
  const stride = dataset.manifest.windowing.stride;
  const windows = Object.fromEntries(SPLITS.map((split) => [split, dataset.clips.flatMap((clip) =>
    windowStarts(clip.entry.segments[split], fitting, stride).map((s): WindowRef => [clip.index, s]))])) as Record<Split, WindowRef[]>;
  const manifest: DatasetManifest = { ...dataset.manifest, windowing: { length: fitting, stride }, windows };
  return new Dataset(manifest, dataset.clips.map((c) => ({ features: c.features, pose: c.pose, poseRaw: c.poseRaw, face: c.face })));
}

/**
 * The pose statistics to fine-tune with: the checkpoint's; when the person's translations came in another
 * unit (inPoseUnit converted them), the person's own statistics on the translation channels (see the header).
 */
export function personalPoseStats(checkpoint: ChannelStats, person: ChannelStats, converted: boolean): ChannelStats {
  if (!converted) return checkpoint;
  const pick = (c: readonly number[], p: readonly number[]) => c.map((v, k) => (k < 3 ? v : p[k]!));
  return { mean: pick(checkpoint.mean, person.mean), std: pick(checkpoint.std, person.std) };
}
