// Does generated head motion move like the person (issue 14)? Measures of a set of pose sequences against a
// real reference, per identity, in the dataset's normalised units (each channel z-scored with the training
// split's statistics, talking-head/data/dataset.ts):
//   motion energy    mean over frames and the chosen channels of (y_tc - y_(t-1)c)^2, within sequences
//   std              per channel, the square root of the within-sequence variance pooled over sequences
//                    (each sequence about its own mean, so a set of clips with different rest poses is not
//                    counted as motion)
//   jitter           mean over frames and channels of (y_(t+1)c - 2 y_tc + y_(t-1)c)^2 (the tremble)
//   window joins     at every boundary b of the generation windows, mean_c (y_bc - y_(b-1)c)^2, against the
//                    95th percentile of the real frame-to-frame motion mean_c (y_tc - y_(t-1)c)^2
// Each is reported over the rotation channels (pitch, yaw, roll: how the head nods, turns and tilts) and over all
// six. The translation channels of Deep3DFaceRecon tracks of aligned face crops (styletalk) are mostly tracking
// noise: their frame-to-frame energy is 10-30x the rotations' in normalised units and nearly white (jitter about
// equal to motion energy), and in raw units it is under a millimetre (tx, ty) to about a millimetre (tz) a frame.
// Intervals of motion energy: percentile bootstrap over blocks of BLOCK_FRAMES frames (one identity may have a
// single test segment, so segments cannot be the unit).
import { type BootstrapOptions, type Estimate, bootstrapMean, percentile } from './bootstrap.ts';
import type { FrameSum } from './pose-distances.ts';
import { type WindowSpacing, windowJoinFrames } from '../inference/pose-windows.ts';

export const POSE_CHANNEL_NAMES = ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz'] as const;
export const ROTATION_CHANNELS: readonly number[] = [0, 1, 2];
export const ALL_CHANNELS: readonly number[] = [0, 1, 2, 3, 4, 5];
export const BLOCK_FRAMES = 32;

export interface MotionProfile {
  readonly sequences: number;
  readonly frames: number;
  /** per channel (6) */
  readonly std: number[];
  readonly motion: number[];
  readonly jitter: number[];
}

function framesOf(pose: ArrayLike<number>, channels: number): number {
  const frames = pose.length / channels;
  if (!Number.isInteger(frames)) throw new RangeError(`motion realism: a sequence of ${pose.length} values is not whole frames of ${channels} channels`);
  return frames;
}

/** Per-channel within-sequence std, motion energy and jitter of a set of sequences [T, channels]. */
export function motionProfile(sequences: readonly ArrayLike<number>[], channels = 6): MotionProfile {
  const centred = new Array<number>(channels).fill(0);
  const motion = new Array<number>(channels).fill(0);
  const jitter = new Array<number>(channels).fill(0);
  let frames = 0;
  let motionCount = 0;
  let jitterCount = 0;
  for (const pose of sequences) {
    const n = framesOf(pose, channels);
    for (let c = 0; c < channels; c++) {
      let mean = 0;
      for (let t = 0; t < n; t++) mean += pose[t * channels + c]! / n;
      for (let t = 0; t < n; t++) {
        const v = pose[t * channels + c]!;
        centred[c]! += (v - mean) ** 2;
        if (t > 0) motion[c]! += (v - pose[(t - 1) * channels + c]!) ** 2;
        if (t > 0 && t + 1 < n) jitter[c]! += (pose[(t + 1) * channels + c]! - 2 * v + pose[(t - 1) * channels + c]!) ** 2;
      }
    }
    frames += n;
    motionCount += Math.max(0, n - 1);
    jitterCount += Math.max(0, n - 2);
  }
  return {
    sequences: sequences.length, frames,
    std: centred.map((s) => Math.sqrt(s / Math.max(frames, 1))),
    motion: motion.map((s) => s / Math.max(motionCount, 1)),
    jitter: jitter.map((s) => s / Math.max(jitterCount, 1)),
  };
}

/** The mean over `channels` of a per-channel measure. */
export function overChannels(values: readonly number[], channels: readonly number[]): number {
  return channels.reduce((a, c) => a + values[c]!, 0) / channels.length;
}

/** Blocks of BLOCK_FRAMES frames (the last one shorter) of every sequence: sum of mean_c step^2 within each, and its count. */
function motionBlocks(sequences: readonly ArrayLike<number>[], channels: readonly number[], width: number): FrameSum[] {
  const blocks: FrameSum[] = [];
  for (const pose of sequences) {
    const n = framesOf(pose, width);
    for (let start = 0; start + 1 < n; start += BLOCK_FRAMES) {
      const end = Math.min(n, start + BLOCK_FRAMES + 1);
      let sum = 0;
      for (let t = start + 1; t < end; t++) for (const c of channels) sum += (pose[t * width + c]! - pose[(t - 1) * width + c]!) ** 2;
      blocks.push({ sum: sum / channels.length, count: end - start - 1 });
    }
  }
  return blocks;
}

/** Motion energy over `channels` with its block-bootstrap interval. */
export function motionEnergyEstimate(sequences: readonly ArrayLike<number>[], channels: readonly number[], bootstrap: BootstrapOptions, width = 6): Estimate {
  return bootstrapMean(motionBlocks(sequences, channels, width), bootstrap);
}

export interface RealismRow {
  readonly identity: string;
  readonly method: string;
  readonly sequences: number;
  readonly frames: number;
  /** generated / real motion energy over the rotation channels and over all six (interval: the generated side's bootstrap) */
  readonly motionRatio: Estimate;
  readonly motionRatioAll: Estimate;
  /** generated / real within-sequence std of pitch, yaw, roll */
  readonly rotationStdRatio: number[];
  /** generated / real jitter over the rotation channels and over all six */
  readonly jitterRatio: number;
  readonly jitterRatioAll: number;
}

const ratio = (e: Estimate, reference: number): Estimate => ({ value: e.value / reference, low: e.low / reference, high: e.high / reference });

/** One method's poses for one identity against that identity's real poses. */
export function realismRow(identity: string, method: string, generated: readonly ArrayLike<number>[], real: readonly ArrayLike<number>[], bootstrap: BootstrapOptions): RealismRow {
  const ours = motionProfile(generated);
  const theirs = motionProfile(real);
  return {
    identity, method, sequences: ours.sequences, frames: ours.frames,
    motionRatio: ratio(motionEnergyEstimate(generated, ROTATION_CHANNELS, bootstrap), overChannels(theirs.motion, ROTATION_CHANNELS)),
    motionRatioAll: ratio(motionEnergyEstimate(generated, ALL_CHANNELS, bootstrap), overChannels(theirs.motion, ALL_CHANNELS)),
    rotationStdRatio: ROTATION_CHANNELS.map((c) => ours.std[c]! / theirs.std[c]!),
    jitterRatio: overChannels(ours.jitter, ROTATION_CHANNELS) / overChannels(theirs.jitter, ROTATION_CHANNELS),
    jitterRatioAll: overChannels(ours.jitter, ALL_CHANNELS) / overChannels(theirs.jitter, ALL_CHANNELS),
  };
}

export interface JoinMeasure {
  readonly joins: number;
  /** the real frame-to-frame motion's 95th percentile, mean over the channels */
  readonly realP95: number;
  /** mean and largest squared jump at the joins, as multiples of realP95 */
  readonly meanRatio: number;
  readonly maxRatio: number;
  /**
   * The kink: mean and largest squared second difference mean_c (y_(b+1) - 2 y_b + y_(b-1))_c^2 at the joins, as
   * multiples of the real second differences' 95th percentile (a join can keep the position and still turn sharply).
   */
  readonly meanKinkRatio: number;
  readonly maxKinkRatio: number;
}

/** Frame-to-frame steps mean_c over `channels` of every frame of the sequences. */
export function frameSteps(sequences: readonly ArrayLike<number>[], channels: readonly number[], width = 6): number[] {
  const steps: number[] = [];
  for (const pose of sequences) {
    const n = framesOf(pose, width);
    for (let t = 1; t < n; t++) {
      let s = 0;
      for (const c of channels) s += (pose[t * width + c]! - pose[(t - 1) * width + c]!) ** 2;
      steps.push(s / channels.length);
    }
  }
  return steps;
}

/** Squared second differences mean_c over `channels` at every frame with two neighbours. */
function frameKinks(sequences: readonly ArrayLike<number>[], channels: readonly number[], width: number): number[] {
  const kinks: number[] = [];
  for (const pose of sequences) {
    const n = framesOf(pose, width);
    for (let t = 1; t + 1 < n; t++) kinks.push(kinkAt(pose, t, channels, width));
  }
  return kinks;
}

function kinkAt(pose: ArrayLike<number>, t: number, channels: readonly number[], width: number): number {
  let s = 0;
  for (const c of channels) s += (pose[(t + 1) * width + c]! - 2 * pose[t * width + c]! + pose[(t - 1) * width + c]!) ** 2;
  return s / channels.length;
}

/**
 * Squared jumps (and kinks) at every join b (windowJoinFrames: windows `spacing.hop` apart) of the generated sequences, against the real
 * steps' (and second differences') 95th percentile.
 */
export function windowJoins(generated: readonly ArrayLike<number>[], real: readonly ArrayLike<number>[], spacing: WindowSpacing, channels: readonly number[], width = 6): JoinMeasure {
  const realP95 = percentile(frameSteps(real, channels, width).sort((a, b) => a - b), 0.95);
  const realKinkP95 = percentile(frameKinks(real, channels, width).sort((a, b) => a - b), 0.95);
  const jumps: number[] = [];
  const kinks: number[] = [];
  for (const pose of generated) {
    const n = framesOf(pose, width);
    for (const b of windowJoinFrames(spacing, n)) {
      let s = 0;
      for (const c of channels) s += (pose[b * width + c]! - pose[(b - 1) * width + c]!) ** 2;
      jumps.push(s / channels.length);
      if (b + 1 < n) kinks.push(kinkAt(pose, b, channels, width));
    }
  }
  const meanOf = (xs: number[]) => xs.reduce((a, j) => a + j, 0) / xs.length;
  const ratios = (xs: number[], reference: number) => (xs.length ? [meanOf(xs) / reference, Math.max(...xs) / reference] : [NaN, NaN]);
  const [meanRatio, maxRatio] = ratios(jumps, realP95);
  const [meanKinkRatio, maxKinkRatio] = ratios(kinks, realKinkP95);
  return { joins: jumps.length, realP95, meanRatio: meanRatio!, maxRatio: maxRatio!, meanKinkRatio: meanKinkRatio!, maxKinkRatio: maxKinkRatio! };
}
