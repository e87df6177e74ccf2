// PoseGAN over a sequence longer than its T-frame training window (PAPER.md Sec. 4.1 inference): windows
// chained through their initial pose, each starting where the previous one left the head.
//   the paper: the first window starts at the rest pose, each next one at the last pose of the previous one,
//     the tail (fewer than T frames left) padded to T and cut back;
//   (ours, config windowOverlap, anchorInitialPose) windows overlap: a full window keeps T - overlap frames,
//     the next starts at the previous one's pose there and fades in over the overlap;
//   (ours) the end window: when frames before the tail have poses (a full window ran before it), the last
//     window is a full T-frame window ending at the sequence's end, started at the pose already generated T
//     frames before the end, and keeps only its frames past the previous window's. A short window run on the
//     tail alone sees as little as one hop of audio and drifts off the level the previous windows held (the
//     demo's last 2.3 s fell to about 0 on all three angles); a full window is what the generator was trained on.
import { zeros } from '../../core/creation.ts';
import { contextWindows } from '../features/audio-features.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { mulScalar, sub } from '../../core/ops/elementwise.ts';
import { concat, pad, slice } from '../../core/ops/layout.ts';
import { reshape } from '../../core/ops/reshape.ts';
import type { Tensor } from '../../core/tensor.ts';
import { crossFade } from '../ops/cross-fade.ts';
import type { PoseGenerator } from '../posegan/generator.ts';
import { generatorNoise } from '../posegan/noise.ts';

/**
 * Frames the generator runs on for a window of `valid` real frames: the training length T for full windows;
 * for a short clip (no frames before it to start a full window from) `valid` rounded up to the U-Net's
 * down-sampling factor. (ours) The generator is fully convolutional, and padding a short clip with silence up
 * to T would let hundreds of silent frames shift GroupNorm's statistics over the real ones.
 */
export function generatorWindowFrames(config: PoseGenerator['config'], valid: number): number {
  const factor = 2 ** (config.unetChannels.length - 1);
  return Math.min(config.frames, Math.ceil(valid / factor) * factor);
}

/**
 * The initial pose of the window after one that generated `poses` [L, 6]: its last pose (the paper), or, for a
 * generator whose first frame is its initial pose exactly (config anchorInitialPose), the last pose moved on by
 * the last step, so the join neither jumps nor repeats a frame. [1, 6].
 */
export function chainPose(config: PoseGenerator['config'], poses: Tensor): Tensor {
  const [length, channels] = poses.shape as [number, number];
  const last = slice(poses, [length - 1, 0], [1, channels]);
  if (!config.anchorInitialPose || length < 2) return last;
  return sub(mulScalar(last, 2), slice(poses, [length - 2, 0], [1, channels]));
}

/** The seed of the generator's noise stream when the caller gives none (generation repeats exactly). */
export const DEFAULT_NOISE_SEED = 1;

/** Frames a full inference window keeps before the next one starts (config windowOverlap). */
export function windowHop(config: PoseGenerator['config']): number {
  return config.frames - config.windowOverlap;
}

/** How windows are spaced: a full window keeps `hop` frames, and the next one starts there. */
export interface WindowSpacing {
  readonly hop: number;
  readonly overlap: number;
}

export function windowSpacing(config: PoseGenerator['config']): WindowSpacing {
  return { hop: windowHop(config), overlap: config.windowOverlap };
}

/**
 * The frames of a sequence of `frames` where one window hands over to the next (generatePoseWindows' plan): every
 * k hop whose previous window was a full one (it started at least T = hop + overlap frames before the end); the
 * frames after the last of them are one window's, however many hops they span.
 */
export function windowJoinFrames(spacing: WindowSpacing, frames: number): number[] {
  const joins: number[] = [];
  for (let b = spacing.hop; b < frames && b + spacing.overlap <= frames; b += spacing.hop) joins.push(b);
  return joins;
}

/** Where the next window starts. */
export interface WindowChain {
  /** Its initial pose [1, 6]. */
  readonly initial: Tensor;
  /** The previous window's frames past its kept ones [K, 6], to cross-fade into the next window's first frames (or none). */
  readonly tail: Tensor | null;
  /** The previous window's kept poses [H, 6], the frames just before the next one: where an end window finds its initial pose. */
  readonly history: Tensor | null;
}

/** The normalised per-frame features [N, F] context windows were cut from, and the windows' centre column. */
export interface FrameFeatures {
  readonly perFrame: Tensor;
  readonly centre: number;
}

/**
 * Inference's audio input from normalised per-frame features [N, F]: the context windows [N, F, context] the
 * networks read, and the features themselves, from which their encoders compute the first layer once a frame.
 */
export function frameInputs(perFrame: Tensor, context: number, centre: number): { windows: Tensor; features: FrameFeatures } {
  return { windows: contextWindows(perFrame, context, centre), features: { perFrame, centre } };
}

/** Refuses features that are not the n frames the windows were cut from (`op` names the caller). */
export function assertFrameFeatures(op: string, features: FrameFeatures, n: number): void {
  if (features.perFrame.rank !== 2 || features.perFrame.shape[0] !== n) {
    throw new RangeError(`${op}: features.perFrame has shape [${features.perFrame.shape.join(', ')}]; expected the ${n} frames the windows were cut from, [${n}, F]`);
  }
}

export interface PoseWindowOptions {
  /** Poses to return (default all after `lead`): the windows beyond them are the last window's look-ahead (streaming). */
  readonly frames?: number;
  /** false: every window starts at `initial` (the no-initial-pose ablation); default true, the paper's chaining. */
  readonly chain?: boolean;
  /** Where the previous call stopped (streaming: its `next`); `initial` is its initial pose. */
  readonly previous?: Pick<WindowChain, 'tail' | 'history'>;
  /**
   * The windows' first `lead` rows are frames before the first one to generate, whose poses are the last `lead`
   * rows of previous.history (streaming: the audio an end window needs); default 0.
   */
  readonly lead?: number;
  readonly noiseSeed?: number;
  /**
   * The normalised per-frame features [N, F] the windows were cut from, with the context's centre column
   * (contextWindows(perFrame, W, centre) === windows): the encoder then computes its first layer once a frame
   * (PoseGenerator.encodeFrames), the same values as from the windows up to float rounding.
   */
  readonly features?: FrameFeatures;
}

/**
 * One generator run: it starts at window row `start` and runs `length` frames (`valid` of them real); its rows
 * [skip, skip + kept) are the output's frames s...
 */
export interface WindowPlan {
  readonly s: number;
  readonly start: number;
  readonly valid: number;
  readonly skip: number;
  readonly kept: number;
  readonly length: number;
}

/**
 * The windows generatePoseWindows runs on n window rows, generating `frames` frames from row `lead`, with the
 * poses of the rows before `lead` given; `endWindows`: the tail may be an end window (this file's header).
 * Exported for the TF.js peer of the benchmarks, which runs the same windows.
 */
export function windowPlan(config: PoseGenerator['config'], n: number, lead: number, frames: number, endWindows: boolean): WindowPlan[] {
  const t = config.frames;
  const hop = windowHop(config);
  const plan: WindowPlan[] = [];
  for (let s = lead, kept = 0; s < lead + frames; s += kept) {
    const left = n - s;
    const want = lead + frames - s;
    if (left >= t) {
      kept = Math.min(hop, want);
      plan.push({ s, start: s, valid: t, skip: 0, kept, length: t });
      continue;
    }
    // Poses exist from the previous window's first kept row (or row 0, the lead's); the end window needs the one at n - T.
    const knownFrom = plan.length > 0 ? plan[plan.length - 1]!.s : 0;
    kept = Math.min(left, want);
    if (endWindows && n >= t && n - t >= knownFrom) plan.push({ s, start: n - t, valid: t, skip: t - left, kept, length: t });
    else plan.push({ s, start: s, valid: left, skip: 0, kept, length: generatorWindowFrames(config, left) });
  }
  return plan;
}

/**
 * PoseGAN over a sequence of windows [N, F, W] (normalised), initial [1, 6] normalised. Windows start every
 * windowHop(config) frames: a full window (T frames) keeps its first T - windowOverlap poses. Each window after
 * the first starts at the previous window's pose where it begins (with windowOverlap > 0, ours), its first
 * windowOverlap frames cross-faded from the previous window's frames there, so neither window's edge shows;
 * without overlap, at chainPose of the previous window's poses (the paper). The tail (fewer than T frames
 * left) is an end window (this file's header) when the chain overlaps and poses T frames before the end are
 * known; else a short window of its own. A generator with noise channels draws each window's noise from
 * `noiseSeed`'s stream. Returns the normalised poses [frames, 6] and where the next window would start.
 */
export function generatePoseWindows(generator: PoseGenerator, windows: Tensor, initial: Tensor, options: PoseWindowOptions = {}): { poses: Tensor; next: WindowChain } {
  const c = generator.config;
  const noise = new InitRandom(options.noiseSeed ?? DEFAULT_NOISE_SEED);
  const n = windows.shape[0]!;
  const lead = options.lead ?? 0;
  const chain = options.chain ?? true;
  const history = chain ? (options.previous?.history ?? null) : null;
  const known = history?.shape[0] ?? 0;
  if (!(Number.isInteger(lead) && lead >= 0 && lead <= known && lead < n)) throw new RangeError(`generatePoseWindows: lead ${lead} needs previous.history with at least that many rows (has ${known}) and fewer than ${n} windows`);
  const frames = options.frames ?? n - lead;
  if (!(Number.isInteger(frames) && frames >= 1 && frames <= n - lead)) throw new RangeError(`generatePoseWindows: ${frames} frames asked of ${n - lead} windows`);
  const plan = windowPlan(c, n, lead, frames, chain && c.windowOverlap > 0);
  // Every frame's audio encoded once (the encoder sees one frame at a time); a short window, when shorter than
  // the U-Net's factor allows, reads zero windows past the end, encoded as forward would encode them.
  const past = Math.max(...plan.map((p) => p.start + p.length)) - n;
  const features = options.features;
  if (features) assertFrameFeatures('generatePoseWindows', features, n);
  // Past the end: zero windows (not windows of a zero-extended sequence), so those come from the windows path.
  const encoded = !features
    ? generator.encodeAudio(past > 0 ? pad(windows, [0, 0, 0], [past, 0, 0]) : windows)
    : past > 0
      ? concat([generator.encodeFrames(features.perFrame, features.centre), generator.encodeAudio(zeros(windows.engine, [past, ...windows.shape.slice(1)]))], 2)
      : generator.encodeFrames(features.perFrame, features.centre);
  const embedding = encoded.shape[1]!;
  const channels = c.poseChannels;
  const parts: Tensor[] = [];
  // The poses of the frames just before the window being planned: [knownFrom, knownFrom + rows).
  let knownPoses = history && lead > 0 ? { poses: slice(history, [known - lead, 0], [lead, channels]), from: 0 } : null;
  let next: WindowChain = { initial, tail: chain ? (options.previous?.tail ?? null) : null, history: null };
  for (const { s, start, valid, skip, kept, length } of plan) {
    const sequence = slice(encoded, [0, 0, start], [1, embedding, length]);
    const startPose = start === s ? next.initial : slice(knownPoses!.poses, [start - knownPoses!.from, 0], [1, channels]);
    const out = generator.forwardEncoded(sequence, startPose, generatorNoise(windows.engine, noise, generator.noiseShape(1, length)));
    let poses = reshape(slice(out, [0, skip, 0], [1, valid - skip, channels]), [valid - skip, channels]);
    // (1 - j/K) tail_j + (j/K) poses_j over the first K = min(tail, window) frames: one kernel (talking-head/ops/cross-fade.ts)
    if (next.tail) poses = crossFade(poses, next.tail);
    const own = valid - skip;
    const keptPoses = kept === own ? poses : slice(poses, [0, 0], [kept, channels]);
    parts.push(keptPoses);
    knownPoses = { poses: keptPoses, from: s };
    if (!chain) next = { initial, tail: null, history: null };
    else if (kept < own) next = { initial: slice(poses, [kept, 0], [1, channels]), tail: slice(poses, [kept, 0], [own - kept, channels]), history: keptPoses };
    else next = { initial: chainPose(c, poses), tail: null, history: keptPoses };
    // Each window to the GPU as soon as it is recorded, so the GPU runs it while the next one is recorded (without
    // this the whole sequence went as one batch at the end: generation of 60 s ran 63.9 ms against 47.3, core/kernels/PERFORMANCE.md).
    windows.engine.flush();
  }
  return { poses: parts.length === 1 ? parts[0]! : concat(parts, 0), next };
}

/** generatePoseWindows' poses: the whole sequence [N, 6], windows chained as inference does. */
export function generatePoseSequence(generator: PoseGenerator, windows: Tensor, initial: Tensor, options: PoseWindowOptions = {}): Tensor {
  return generatePoseWindows(generator, windows, initial, options).poses;
}
