// Confidence intervals by the percentile bootstrap over evaluation units (test segments): resample the units
// with replacement, recompute the pooled statistic, take the 2.5th and 97.5th percentiles. With few units
// (styletalk has nine test segments) the interval is wide and itself uncertain; it still shows which
// differences are within the noise of which segments happen to be tested.
import { InitRandom } from '../../core/nn/init.ts';
import { type FrameSum, meanOf } from './pose-distances.ts';

export interface Estimate {
  readonly value: number;
  /** 95% percentile-bootstrap interval (equal to value when there is one unit or none). */
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  readonly resamples?: number;
  readonly seed?: number;
}

/** Percentile `q` in [0, 1] of sorted values, linearly interpolated. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** The pooled mean sum / count over units (e.g. frames over segments) and its bootstrap interval. */
export function bootstrapMean(units: readonly FrameSum[], options: BootstrapOptions = {}): Estimate {
  const value = meanOf(units);
  if (units.length < 2) return { value, low: value, high: value };
  const resamples = options.resamples ?? 2000;
  const random = new InitRandom(options.seed ?? 1);
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    let count = 0;
    for (let k = 0; k < units.length; k++) {
      const u = units[Math.floor(random.next() * units.length)]!;
      sum += u.sum;
      count += u.count;
    }
    if (count > 0) draws.push(sum / count);
  }
  draws.sort((a, b) => a - b);
  return { value, low: percentile(draws, 0.025), high: percentile(draws, 0.975) };
}

/** Bootstrap of a difference of two pooled means measured on the same units (paired resampling). */
export function bootstrapPairedDifference(a: readonly FrameSum[], b: readonly FrameSum[], options: BootstrapOptions = {}): Estimate {
  if (a.length !== b.length) throw new RangeError(`bootstrapPairedDifference: ${a.length} and ${b.length} units`);
  const value = meanOf(a) - meanOf(b);
  if (a.length < 2) return { value, low: value, high: value };
  const resamples = options.resamples ?? 2000;
  const random = new InitRandom(options.seed ?? 1);
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const picks = Array.from({ length: a.length }, () => Math.floor(random.next() * a.length));
    draws.push(meanOf(picks.map((k) => a[k]!)) - meanOf(picks.map((k) => b[k]!)));
  }
  draws.sort((x, y) => x - y);
  return { value, low: percentile(draws, 0.025), high: percentile(draws, 0.975) };
}
