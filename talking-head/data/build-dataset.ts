// Decoded clips in, a dataset out: per-clip arrays (features, smoothed and raw poses, face coefficients) and the
// manifest that describes splits, training windows and train-split statistics. Runtime-agnostic: the caller
// decodes files (talking-head/data/clip-sources.ts) and writes the result (runtime-node/dataset/build-command.ts).
// The GPU runs the audio front end (talking-head/features) and the Eq. (1) pose filter (talking-head/ops/gaussian-filter.ts).
import { BufferTooLargeError } from '../../core/buffer-pool.ts';
import type { Engine } from '../../core/engine.ts';
import { NonFiniteError, findNonFinite, readWithNonFiniteCounts } from '../../core/ops/non-finite.ts';
import { smoothPoseSequence } from '../ops/gaussian-filter.ts';
import { Tensor } from '../../core/tensor.ts';
import { computeFrameFeatures } from '../features/audio-features.ts';
import {
  type AudioFeatureConfig, type FeatureConfig, type PrecomputedFeatureConfig, defaultFeatureConfig, deepSpeechFeatureConfig, validateFeatureConfig,
} from '../features/config.ts';
import { frameCount } from '../features/framing.ts';
import { writeSafetensors } from '../../core/formats/safetensors.ts';
import type { TranslationUnit } from '../pose/pose-convention.ts';
import { poseStepRms } from './pose-motion.ts';
import {
  type ChannelStats, type ClipEntry, type DatasetManifest, type FrameRange, type IdentityEntry, type Split, type WindowRef,
  DATASET_FORMAT, DATASET_VERSION, FACE_CHANNELS, FACE_ID_CHANNELS, POSE_CHANNELS, SPLITS,
} from './dataset-format.ts';

/** The clip's speech: samples for posedyn's front end, or per-frame features computed elsewhere. */
export type ClipAudio =
  | {
    readonly kind: 'samples';
    /** mono, in [-1, 1], at the feature config's sampleRate (16 kHz) */
    readonly samples: Float32Array;
  }
  | {
    readonly kind: 'precomputed';
    /** [frames, features] row-major: one vector a frame (the centre column of DeepSpeech-style windows) */
    readonly perFrame: Float32Array;
    readonly frames: number;
    readonly features: number;
  };

export interface ClipPose {
  /** [frames, 6] row-major: pitch, yaw, roll (radians), tx, ty, tz, posedyn's convention */
  readonly values: Float64Array;
  readonly frames: number;
  readonly unit: TranslationUnit;
  /** what decoding the track reported (frames whose tracking failed and were interpolated) */
  readonly notes?: readonly string[];
}

export interface ClipInput {
  /** the file stem; names the clip in the manifest and in every error */
  readonly name: string;
  readonly identity: string;
  readonly audio: ClipAudio;
  readonly pose: ClipPose;
  /** [frames, 144] row-major: alpha_id (80) then alpha_exp (64); null when the tracker gives no face (OpenFace) */
  readonly face: Float32Array | null;
}

export interface BuildOptions {
  /** the front end for clips with samples (default defaultFeatureConfig) */
  readonly featureConfig?: FeatureConfig;
  /** describes precomputed features (default DeepSpeech 0.1.0 windows; `features` follows the arrays) */
  readonly precomputedConfig?: PrecomputedFeatureConfig;
  /** sigma d of Eq. (1) in frames; default DEFAULT_SMOOTHING.sigma */
  readonly sigma?: number;
  /** m of Eq. (1); default ceil(3 sigma), as talking-head/ops/gaussian-filter.ts (which caps it at 31) */
  readonly halfWindow?: number;
  /** training window length and stride in frames (PAPER.md: 256, 5) */
  readonly windowLength?: number;
  readonly windowStride?: number;
}

/**
 * sigma = 1 frame, m = 3: at 30 fps the filter keeps 82% of a 3 Hz head motion and 58% at 5 Hz, but only 11%
 * at 10 Hz and < 1% at the 15 Hz Nyquist rate, where per-frame tracking jitter lives.
 */
export const DEFAULT_SMOOTHING = { sigma: 1 } as const;
export const DEFAULT_WINDOWING = { length: 256, stride: 5 } as const;

/** One clip's arrays, as written to clips/<name>.safetensors. */
export interface BuiltClip {
  readonly name: string;
  readonly frames: number;
  /** [frames, F] per-frame audio features (not windowed, not normalised) */
  readonly features: Float32Array;
  /** [frames, 6] smoothed by Eq. (1) */
  readonly pose: Float32Array;
  /** [frames, 6] as tracked (Euler angles unwrapped along time) */
  readonly poseRaw: Float32Array;
  /** [frames, 144] or null */
  readonly face: Float32Array | null;
}

export interface BuiltDataset {
  readonly manifest: DatasetManifest;
  /** in manifest order (sorted by name) */
  readonly clips: readonly BuiltClip[];
  /** what the build adjusted, e.g. clips trimmed by one frame */
  readonly notes: readonly string[];
}

// ---- splits and windows ----

/**
 * Train / val / test 7 : 1 : 2 by time: train = [0, a), val = [a, b), test = [b, frames) with
 * a = round(0.7 frames), b = round(0.8 frames), halves rounded up (in integers: floor((7 n + 5) / 10)).
 */
export function splitSegments(frames: number): Record<Split, FrameRange> {
  if (!Number.isInteger(frames) || frames < 0) throw new RangeError(`splitSegments: ${frames} frames, expected an integer >= 0`);
  const trainEnd = Math.floor((7 * frames + 5) / 10);
  const valEnd = Math.floor((8 * frames + 5) / 10);
  return { train: [0, trainEnd], val: [trainEnd, valEnd], test: [valEnd, frames] };
}

/** Starts of every `length`-frame window inside `range`, every `stride` frames from its start. */
export function windowStarts(range: FrameRange, length: number, stride: number): number[] {
  const starts: number[] = [];
  for (let s = range[0]; s + length <= range[1]; s += stride) starts.push(s);
  return starts;
}

// ---- pose and length preparation ----

/** Removes 2 pi jumps from the Euler angles (channels 0..2) along time, so smoothing never averages across a wrap. */
export function unwrapEulerAngles(values: Float64Array, frames: number): Float64Array {
  const out = Float64Array.from(values);
  for (let k = 0; k < 3; k++) {
    let offset = 0;
    for (let f = 1; f < frames; f++) {
      const step = values[f * 6 + k]! - values[(f - 1) * 6 + k]!;
      offset -= 2 * Math.PI * Math.round(step / (2 * Math.PI));
      out[f * 6 + k] = values[f * 6 + k]! + offset;
    }
  }
  return out;
}

/**
 * The clip's frame count when audio has `audioFrames` and the pose track `poseFrames`: equal counts are kept,
 * counts one frame apart are trimmed to the shorter (the last frame of the longer is dropped: rounding of
 * round(duration * 30) against the video's frame count), anything further apart is refused.
 */
export function reconcileFrames(name: string, audioFrames: number, poseFrames: number): number {
  if (Math.abs(audioFrames - poseFrames) > 1) {
    throw new RangeError(
      `clip '${name}': audio has ${audioFrames} frames but the pose track has ${poseFrames} (they may differ by at most one frame; ` +
        'check that the audio and the tracked video belong together and that the track is at 30 fps)',
    );
  }
  return Math.min(audioFrames, poseFrames);
}

// ---- statistics ----

/** Running per-channel sums in float64 over rows of row-major [rows, channels] arrays. */
class ChannelAccumulator {
  readonly #sum: Float64Array;
  readonly #sumSquares: Float64Array;
  #count = 0;

  constructor(readonly channels: number) {
    this.#sum = new Float64Array(channels);
    this.#sumSquares = new Float64Array(channels);
  }

  get count(): number {
    return this.#count;
  }

  /** rows [from, to) of `values` [rows, channels] */
  add(values: ArrayLike<number>, from: number, to: number): void {
    const C = this.channels;
    for (let r = from; r < to; r++) {
      for (let c = 0; c < C; c++) {
        const v = values[r * C + c]!;
        this.#sum[c]! += v;
        this.#sumSquares[c]! += v * v;
      }
    }
    this.#count += Math.max(0, to - from);
  }

  stats(): ChannelStats {
    const n = this.#count;
    const mean = Array.from(this.#sum, (s) => s / n);
    const std = Array.from(this.#sumSquares, (s, c) => Math.sqrt(Math.max(0, s / n - mean[c]! * mean[c]!)));
    return { mean, std };
  }
}

// ---- the build ----

function checkInput(clip: ClipInput): void {
  const where = `clip '${clip.name}'`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(clip.name)) throw new RangeError(`${where}: the name must be a file stem of letters, digits, '.', '_' or '-'`);
  if (clip.identity.length === 0) throw new RangeError(`${where}: empty identity`);
  const { pose } = clip;
  if (pose.values.length !== pose.frames * POSE_CHANNELS) throw new RangeError(`${where}: pose has ${pose.values.length} values, expected ${pose.frames} x ${POSE_CHANNELS}`);
  const bad = pose.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`${where}: pose frame ${Math.floor(bad / POSE_CHANNELS)} channel ${bad % POSE_CHANNELS} is ${pose.values[bad]}, expected a finite number`);
  if (clip.face && clip.face.length !== pose.frames * FACE_CHANNELS) {
    throw new RangeError(`${where}: face coefficients have ${clip.face.length} values, expected ${pose.frames} x ${FACE_CHANNELS} (one row a pose frame)`);
  }
  if (clip.face) {
    const { first, value } = findNonFinite(clip.face);
    if (first >= 0) {
      const column = first % FACE_CHANNELS;
      const name = column < FACE_ID_CHANNELS ? `alpha_id[${column}]` : `alpha_exp[${column - FACE_ID_CHANNELS}]`;
      throw new RangeError(`${where}: face coefficient column ${column} (${name}) at frame ${Math.floor(first / FACE_CHANNELS)} is ${value}, expected a finite number`);
    }
  }
  if (clip.audio.kind === 'precomputed') {
    const { perFrame, frames, features } = clip.audio;
    if (perFrame.length !== frames * features) throw new RangeError(`${where}: precomputed features have ${perFrame.length} values, expected ${frames} x ${features}`);
    const { first, value } = findNonFinite(perFrame);
    if (first >= 0) throw new RangeError(`${where}: precomputed feature ${first % features} at frame ${Math.floor(first / features)} is ${value}, expected a finite number`);
  }
}

/** The one feature config every clip shares; mixing the front end with precomputed features is refused. */
function resolveFeatureConfig(inputs: readonly ClipInput[], options: BuildOptions): AudioFeatureConfig {
  const precomputed = inputs.filter((c) => c.audio.kind === 'precomputed');
  if (precomputed.length === 0) {
    const config = options.featureConfig ?? defaultFeatureConfig;
    validateFeatureConfig(config);
    return config;
  }
  if (precomputed.length !== inputs.length) {
    const own = inputs.filter((c) => c.audio.kind === 'samples').map((c) => c.name);
    throw new RangeError(
      `clips ${precomputed.map((c) => `'${c.name}'`).join(', ')} have precomputed features but ${own.map((n) => `'${n}'`).join(', ')} ` +
        'would use posedyn\'s front end; one dataset uses one kind of features (add or remove the .features.npy files)',
    );
  }
  const widths = new Set(precomputed.map((c) => (c.audio.kind === 'precomputed' ? c.audio.features : 0)));
  if (widths.size !== 1) throw new RangeError(`precomputed features differ in width across clips (${[...widths].join(', ')} features a frame)`);
  const config: PrecomputedFeatureConfig = { ...(options.precomputedConfig ?? deepSpeechFeatureConfig), features: [...widths][0]! };
  validateFeatureConfig(config);
  return config;
}

/** Per-frame features [frames, F] of one clip: from the GPU front end, or the precomputed ones as given. */
async function clipFeatures(engine: Engine, clip: ClipInput, config: AudioFeatureConfig): Promise<{ frames: number; values: Float32Array }> {
  if (clip.audio.kind === 'precomputed') return { frames: clip.audio.frames, values: clip.audio.perFrame };
  if (config.frontEnd !== 'logmel-pitch-v1') throw new Error(`clip '${clip.name}': samples given but the feature config is '${config.frontEnd}'`);
  const frames = frameCount(clip.audio.samples.length, config);
  let tensor: Tensor;
  try {
    tensor = computeFrameFeatures(engine, clip.audio.samples, config);
  } catch (error) {
    if (!(error instanceof BufferTooLargeError)) throw error;
    const minutes = clip.audio.samples.length / config.sampleRate / 60;
    throw new RangeError(`clip '${clip.name}': ${minutes.toFixed(1)} min of audio is too long for this adapter in one piece (${error.message}); split the clip (audio and track) into parts of at most ${(minutes * error.limit / error.bytes).toFixed(1)} min`, { cause: error });
  }
  try {
    const { values, nonFinite } = await readWithNonFiniteCounts(engine, [tensor], [[tensor]]);
    if (nonFinite[0]! > 0) {
      const { first } = findNonFinite(values[0]!);
      throw new NonFiniteError(`clip '${clip.name}': the audio front end gave ${nonFinite[0]} NaN or infinite feature values (the first at frame ${Math.floor(first / config.features)}, feature ${first % config.features}); are the samples far outside [-1, 1]?`);
    }
    return { frames, values: Float32Array.from(values[0]!) };
  } finally {
    tensor.dispose();
  }
}

/**
 * Eq. (1) along time on the GPU, each split segment on its own (edges replicated at segment boundaries), so no
 * val or test frame reaches a train frame through the filter: poses [frames, 6] -> smoothed [frames, 6].
 */
async function smoothPoses(engine: Engine, name: string, poses: Float32Array, segments: Record<Split, FrameRange>, sigma: number, halfWindow: number): Promise<Float32Array> {
  const out = new Float32Array(poses.length);
  for (const split of SPLITS) {
    const [from, to] = segments[split];
    if (to <= from) continue;
    const input = Tensor.fromArray(engine, poses.subarray(from * POSE_CHANNELS, to * POSE_CHANNELS), [to - from, POSE_CHANNELS], `poses ${split}`);
    const smoothed = engine.noGrad(() => smoothPoseSequence(input, sigma, halfWindow));
    try {
      const { values, nonFinite } = await readWithNonFiniteCounts(engine, [smoothed], [[smoothed]]);
      if (nonFinite[0]! > 0) throw new NonFiniteError(`clip '${name}': smoothing its ${split} poses gave ${nonFinite[0]} NaN or infinite values`);
      out.set(values[0]!, from * POSE_CHANNELS);
    } finally {
      input.dispose();
      smoothed.dispose();
    }
  }
  return out;
}

/**
 * Builds the dataset: sorts clips by name, computes features, reconciles lengths, smooths poses, splits every
 * clip 7:1:2 by time, lists windows, and takes statistics from the train split only.
 */
export async function buildDataset(engine: Engine, inputs: readonly ClipInput[], options: BuildOptions = {}): Promise<BuiltDataset> {
  if (inputs.length === 0) throw new RangeError('buildDataset: no clips');
  const sorted = [...inputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  sorted.forEach((clip, i) => {
    checkInput(clip);
    if (i > 0 && sorted[i - 1]!.name === clip.name) throw new RangeError(`buildDataset: two clips are named '${clip.name}'`);
  });
  const units = new Set(sorted.map((c) => c.pose.unit));
  if (units.size > 1) {
    const list = (u: TranslationUnit) => sorted.filter((c) => c.pose.unit === u).map((c) => c.name).join(', ');
    throw new RangeError(`clips mix pose translation units: 'bfm' (Deep3DFaceRecon .mat: ${list('bfm')}) and 'mm' (OpenFace .csv: ${list('mm')}); use one tracker for a dataset`);
  }
  const featureConfig = resolveFeatureConfig(sorted, options);
  const sigma = options.sigma ?? DEFAULT_SMOOTHING.sigma;
  const spec = { sigma, halfWindow: options.halfWindow ?? Math.ceil(3 * sigma) };
  if (!(sigma > 0 && Number.isFinite(sigma)) || !Number.isInteger(spec.halfWindow) || spec.halfWindow < 0) {
    throw new RangeError(`buildDataset: smoothing sigma ${sigma} and half-window ${spec.halfWindow}, expected sigma > 0 frames and an integer half-window >= 0`);
  }
  const windowing = { length: options.windowLength ?? DEFAULT_WINDOWING.length, stride: options.windowStride ?? DEFAULT_WINDOWING.stride };
  for (const [key, v] of Object.entries(windowing)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`buildDataset: window ${key} ${v}, expected an integer >= 1`);
  }
  const F = featureConfig.features;

  const clips: BuiltClip[] = [];
  const entries: ClipEntry[] = [];
  const notes: string[] = [];
  for (const input of sorted) {
    const features = await clipFeatures(engine, input, featureConfig);
    const frames = reconcileFrames(input.name, features.frames, input.pose.frames);
    if (frames === 0) throw new RangeError(`clip '${input.name}': no frames`);
    notes.push(...(input.pose.notes ?? []));
    if (features.frames !== input.pose.frames) {
      notes.push(`clip '${input.name}': audio has ${features.frames} frames and the pose track ${input.pose.frames}; trimmed to ${frames}`);
    }
    const segments = splitSegments(frames);
    const poseRaw = Float32Array.from(unwrapEulerAngles(input.pose.values, input.pose.frames).subarray(0, frames * POSE_CHANNELS));
    clips.push({
      name: input.name,
      frames,
      features: features.values.slice(0, frames * F),
      pose: await smoothPoses(engine, input.name, poseRaw, segments, spec.sigma, spec.halfWindow),
      poseRaw,
      face: input.face ? input.face.slice(0, frames * FACE_CHANNELS) : null,
    });
    entries.push({ name: input.name, identity: input.identity, frames, hasFace: input.face !== null, file: `clips/${input.name}.safetensors`, segments });
  }
  const windows = Object.fromEntries(SPLITS.map((split) => [
    split,
    entries.flatMap((entry, c) => windowStarts(entry.segments[split], windowing.length, windowing.stride).map((s): WindowRef => [c, s])),
  ])) as Record<Split, WindowRef[]>;

  // Statistics: train frames only, so nothing of val or test leaks into normalisation or the rest pose.
  const pose = new ChannelAccumulator(POSE_CHANNELS);
  const face = new ChannelAccumulator(FACE_CHANNELS);
  const features = new ChannelAccumulator(F);
  const perIdentity = new Map<string, ChannelAccumulator>();
  entries.forEach((entry, i) => {
    const clip = clips[i]!;
    const [from, to] = entry.segments.train;
    pose.add(clip.pose, from, to);
    features.add(clip.features, from, to);
    if (clip.face) face.add(clip.face, from, to);
    const own = perIdentity.get(entry.identity) ?? new ChannelAccumulator(POSE_CHANNELS);
    own.add(clip.pose, from, to);
    perIdentity.set(entry.identity, own);
  });
  const identities: IdentityEntry[] = [...perIdentity.keys()].sort().map((name) => {
    const { mean, std } = perIdentity.get(name)!.stats();
    const motionPose = poseStepRms(entries.flatMap((entry, i) => (entry.identity === name ? [{ pose: clips[i]!.pose, ranges: [entry.segments.train] }] : [])));
    return { name, meanPose: mean, stdPose: std, motionPose, trainFrames: perIdentity.get(name)!.count };
  });

  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    featureConfig,
    smoothing: { sigma: spec.sigma, halfWindow: spec.halfWindow },
    poseUnit: [...units][0]!,
    windowing,
    identities,
    clips: entries,
    windows,
    stats: { pose: pose.stats(), face: face.count > 0 ? face.stats() : null, features: features.stats() },
  };
  return { manifest, clips, notes };
}

/** The bytes of clips/<name>.safetensors: features [frames, F], pose and poseRaw [frames, 6], face [frames, 144]. */
export function clipFileBytes(clip: BuiltClip): Uint8Array {
  const F = clip.features.length / clip.frames;
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {
    features: { shape: [clip.frames, F], data: clip.features },
    pose: { shape: [clip.frames, POSE_CHANNELS], data: clip.pose },
    poseRaw: { shape: [clip.frames, POSE_CHANNELS], data: clip.poseRaw },
  };
  if (clip.face) tensors.face = { shape: [clip.frames, FACE_CHANNELS], data: clip.face };
  return writeSafetensors(tensors, { format: 'posedyn-dataset-clip', clip: clip.name });
}
