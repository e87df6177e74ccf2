// Per-segment scores of every method, pooled and bootstrapped over segments: Table 2 (pose and motion
// distance to the real poses) and the jitter of the no-motion-loss ablation. A segment's score is the mean over
// its draws (pose-methods.ts) of each draw's FrameSum, so a method with several draws counts once a segment.
import { type BootstrapOptions, type Estimate, bootstrapMean } from './bootstrap.ts';
import type { EvaluationSegment, MethodDraws } from './pose-methods.ts';
import { type FrameSum, jitter, meanOf, motionDistance, motionEnergy, poseDistance } from './pose-distances.ts';

/** The mean over draws of a per-draw FrameSum (counts are equal across draws of one segment). */
export function averageOverDraws(draws: readonly Float32Array[], score: (pose: Float32Array) => FrameSum): FrameSum {
  if (draws.length === 0) throw new RangeError('averageOverDraws: a segment without draws');
  const parts = draws.map(score);
  return { sum: parts.reduce((a, p) => a + p.sum, 0) / parts.length, count: parts[0]!.count };
}

export interface DistanceRow {
  readonly method: string;
  readonly draws: number;
  /** Table 2: normalised units squared, per frame and channel */
  readonly pose: Estimate;
  readonly motion: Estimate;
  /** mean squared second difference per frame and channel (the jitter of the ablation) */
  readonly jitter: Estimate;
  /** the generated poses' own motion energy, mean_t,c (ŷ_t - ŷ_(t-1))_c^2: a static output has 0 */
  readonly motionEnergy: Estimate;
  /** pooled pose and motion distance of each draw on its own (for models: one a training seed) */
  readonly perDraw: { readonly pose: number; readonly motion: number }[];
  /** per-segment pose and motion means, in segment order */
  readonly perSegment: { readonly clip: string; readonly pose: number; readonly motion: number }[];
}

export function distanceRow(method: string, segments: readonly EvaluationSegment[], draws: MethodDraws, bootstrap: BootstrapOptions): DistanceRow {
  if (draws.length !== segments.length) throw new RangeError(`distanceRow ${method}: draws for ${draws.length} segments, expected ${segments.length}`);
  const pose = segments.map((s, k) => averageOverDraws(draws[k]!, (g) => poseDistance(s.real, g)));
  const motion = segments.map((s, k) => averageOverDraws(draws[k]!, (g) => motionDistance(s.real, g)));
  const jitters = draws.map((d) => averageOverDraws(d, (g) => jitter(g)));
  return {
    method,
    draws: Math.max(...draws.map((d) => d.length)),
    pose: bootstrapMean(pose, bootstrap),
    motion: bootstrapMean(motion, bootstrap),
    jitter: bootstrapMean(jitters, bootstrap),
    motionEnergy: bootstrapMean(draws.map((d) => averageOverDraws(d, (g) => motionEnergy(g))), bootstrap),
    perDraw: Array.from({ length: Math.min(...draws.map((d) => d.length)) }, (_, d) => ({
      pose: meanOf(segments.map((s, k) => poseDistance(s.real, draws[k]![d]!))),
      motion: meanOf(segments.map((s, k) => motionDistance(s.real, draws[k]![d]!))),
    })),
    perSegment: segments.map((s, k) => ({ clip: s.clip, pose: pose[k]!.sum / pose[k]!.count, motion: motion[k]!.sum / Math.max(motion[k]!.count, 1) })),
  };
}

/** The real poses' own jitter and motion energy (the references for the generated ones). */
export function realSmoothness(segments: readonly EvaluationSegment[], bootstrap: BootstrapOptions): { jitter: Estimate; motionEnergy: Estimate } {
  return { jitter: bootstrapMean(segments.map((s) => jitter(s.real)), bootstrap), motionEnergy: bootstrapMean(segments.map((s) => motionEnergy(s.real)), bootstrap) };
}
