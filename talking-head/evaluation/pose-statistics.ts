// Pose statistics of a set of sequences, for the personalisation check (paper Sec. 5.1): does fine-tuning on a
// new person move what the generator produces toward that person's real poses?
//   mean, std    per channel, pooled over every frame of every sequence
//   motion       motion energy: mean over neighbouring frames of mean_c (y_tc - y_(t-1)c)^2, within sequences
// and the gap between two sets of statistics:
//   meanGap      mean over channels of |mean_c - mean'_c|
//   stdGap       mean over channels of |std_c - std'_c|
//   motionGap    |log(motion / motion')| (a factor, symmetric in the two)
// In whatever units the poses are in (the report uses the pretrained model's normalised units).
import { motionEnergy } from './pose-distances.ts';

export interface PoseStatistics {
  readonly mean: number[];
  readonly std: number[];
  readonly motion: number;
  readonly frames: number;
}

export function poseStatistics(sequences: readonly ArrayLike<number>[], channels = 6): PoseStatistics {
  const sum = new Array<number>(channels).fill(0);
  const sumSquares = new Array<number>(channels).fill(0);
  let frames = 0;
  let motionSum = 0;
  let motionCount = 0;
  for (const pose of sequences) {
    const n = pose.length / channels;
    if (!Number.isInteger(n)) throw new RangeError(`poseStatistics: a sequence of ${pose.length} values is not whole frames of ${channels}`);
    for (let t = 0; t < n; t++) {
      for (let c = 0; c < channels; c++) {
        const v = pose[t * channels + c]!;
        sum[c]! += v;
        sumSquares[c]! += v * v;
      }
    }
    frames += n;
    const m = motionEnergy(pose, channels);
    motionSum += m.sum;
    motionCount += m.count;
  }
  const mean = sum.map((s) => (frames > 0 ? s / frames : NaN));
  const std = sumSquares.map((s, c) => (frames > 0 ? Math.sqrt(Math.max(s / frames - mean[c]! ** 2, 0)) : NaN));
  return { mean, std, motion: motionCount > 0 ? motionSum / motionCount : NaN, frames };
}

export interface StatisticsGap {
  readonly meanGap: number;
  readonly stdGap: number;
  readonly motionGap: number;
}

export function statisticsGap(a: PoseStatistics, target: PoseStatistics): StatisticsGap {
  const channels = a.mean.length;
  let meanGap = 0;
  let stdGap = 0;
  for (let c = 0; c < channels; c++) {
    meanGap += Math.abs(a.mean[c]! - target.mean[c]!) / channels;
    stdGap += Math.abs(a.std[c]! - target.std[c]!) / channels;
  }
  return { meanGap, stdGap, motionGap: Math.abs(Math.log(Math.max(a.motion, 1e-12) / Math.max(target.motion, 1e-12))) };
}
