// Distances between a generated pose sequence and the real one (Table 2), and the smoothness measures of the
// ablations. Every sequence is row-major [T, C] (C = 6 pose channels) in the dataset's normalised units: each
// channel z-scored with the training split's mean and std (talking-head/data/dataset.ts), so 1.0 is the spread of
// a channel over the training poses and every channel counts the same whatever its raw unit (rad, BFM units).
//
// Definitions (ours; the paper does not define its units):
//   pose distance    mean over frames t and channels c of (y_tc - ŷ_tc)^2
//   motion distance  mean over t = 1..T-1 and c of ((y_tc - y_(t-1)c) - (ŷ_tc - ŷ_(t-1)c))^2
// i.e. Eq. (3) and Eq. (4) divided by the frames and the channels (without Eq. 3's initial-pose term).
// Sums and counts are kept apart so segments of different lengths pool frame-weighted and can be bootstrapped.
import { type WindowSpacing, windowJoinFrames } from '../inference/pose-windows.ts';

/** A sum over frames (or frame pairs) and how many there were; the mean is sum / count. */
export interface FrameSum {
  readonly sum: number;
  readonly count: number;
}

export function meanOf(parts: readonly FrameSum[]): number {
  let sum = 0;
  let count = 0;
  for (const p of parts) {
    sum += p.sum;
    count += p.count;
  }
  return count > 0 ? sum / count : NaN;
}

function frameCount(what: string, values: ArrayLike<number>, channels: number): number {
  if (!Number.isInteger(channels) || channels < 1 || values.length % channels !== 0) {
    throw new RangeError(`${what}: ${values.length} values are not whole frames of ${channels} channels`);
  }
  return values.length / channels;
}

function sameLength(what: string, real: ArrayLike<number>, generated: ArrayLike<number>): void {
  if (real.length !== generated.length) throw new RangeError(`${what}: real has ${real.length} values, generated ${generated.length}`);
}

/** Sum over frames of the per-channel mean squared distance; count = frames. */
export function poseDistance(real: ArrayLike<number>, generated: ArrayLike<number>, channels = 6): FrameSum {
  sameLength('poseDistance', real, generated);
  const frames = frameCount('poseDistance', real, channels);
  let sum = 0;
  for (let i = 0; i < real.length; i++) sum += (real[i]! - generated[i]!) ** 2;
  return { sum: sum / channels, count: frames };
}

/** Sum over frame pairs (t - 1, t) of the per-channel mean squared motion residual; count = frames - 1. */
export function motionDistance(real: ArrayLike<number>, generated: ArrayLike<number>, channels = 6): FrameSum {
  sameLength('motionDistance', real, generated);
  const frames = frameCount('motionDistance', real, channels);
  let sum = 0;
  for (let t = 1; t < frames; t++) {
    for (let c = 0; c < channels; c++) {
      const i = t * channels + c;
      const residual = (real[i]! - real[i - channels]!) - (generated[i]! - generated[i - channels]!);
      sum += residual * residual;
    }
  }
  return { sum: sum / channels, count: Math.max(0, frames - 1) };
}

/** Motion energy: sum over t = 1..T-1 of mean_c (y_tc - y_(t-1)c)^2; count = frames - 1. */
export function motionEnergy(pose: ArrayLike<number>, channels = 6): FrameSum {
  const frames = frameCount('motionEnergy', pose, channels);
  let sum = 0;
  for (let i = channels; i < frames * channels; i++) sum += (pose[i]! - pose[i - channels]!) ** 2;
  return { sum: sum / channels, count: Math.max(0, frames - 1) };
}

/**
 * Jitter (the no-motion-loss ablation): sum over t = 1..T-2 of mean_c (y_(t+1)c - 2 y_tc + y_(t-1)c)^2, the
 * squared second difference (acceleration); count = frames - 2. Tracking jitter and a generator without
 * L_p-motion both show up here far more than in the first difference.
 */
export function jitter(pose: ArrayLike<number>, channels = 6): FrameSum {
  const frames = frameCount('jitter', pose, channels);
  let sum = 0;
  for (let t = 1; t + 1 < frames; t++) {
    for (let c = 0; c < channels; c++) {
      const i = t * channels + c;
      sum += (pose[i + channels]! - 2 * pose[i]! + pose[i - channels]!) ** 2;
    }
  }
  return { sum: sum / channels, count: Math.max(0, frames - 2) };
}

/**
 * The jumps where one generation window hands over to the next (the no-initial-pose ablation): at every join
 * b of windowJoinFrames (windows `spacing.hop` apart), mean_c (y_bc - y_(b-1)c)^2; count = joins.
 */
export function windowBoundaryJumps(pose: ArrayLike<number>, spacing: WindowSpacing, channels = 6): FrameSum {
  const frames = frameCount('windowBoundaryJumps', pose, channels);
  if (!Number.isInteger(spacing.hop) || spacing.hop < 1) throw new RangeError(`windowBoundaryJumps: window hop ${spacing.hop}, expected a positive integer`);
  let sum = 0;
  let count = 0;
  for (const b of windowJoinFrames(spacing, frames)) {
    for (let c = 0; c < channels; c++) sum += (pose[b * channels + c]! - pose[(b - 1) * channels + c]!) ** 2;
    count++;
  }
  return { sum: sum / channels, count };
}
