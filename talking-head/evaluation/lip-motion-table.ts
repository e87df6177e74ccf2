// The lip-motion row (ours, standing in for the paper's SyncNet score, Table 5, which needs SyncNet's
// weights): does the generated mouth open and close with the real one? On every test segment, the mouth
// opening of the generated faces and of the real ones (the inner-lip gap of the decoded face, mouth-opening.ts;
// with the fitted model the real coefficients' gap follows the gap tracked in the video at r 0.82-0.96 on the
// test split, talking-head/face/fitted/), then per method:
//   r               Pearson's r between generated and real opening over a segment's frames, averaged over
//                   segments weighted by their frames (bootstrap interval over segments)
//   pooled r        the same over all test frames at once (also credits getting each person's level right)
//   opening error   RMS of generated - real opening, cm (frames pooled over segments)
//   amplitude       std of the generated opening within segments / the real one's (1 = as lively as the real mouth)
//   loudness r      r between the opening and the speech's loudness (the front end's log-energy feature), per
//                   segment and averaged as r; the real mouth's is the reference (speech opens the mouth)
// A still mouth (the person's mean face over the training frames, every frame) is the floor: r = 0 (a constant
// correlates with nothing, audio-pose-correlation.ts's convention), amplitude 0. Each network sees the real
// pose of every test frame, as in Table 3.
import type { Dataset } from '../data/dataset.ts';
import { FACE_CHANNELS } from '../data/dataset-format.ts';
import type { MouthOpeningDecoder } from '../face/mouth-opening.ts';
import { pearson } from './audio-pose-correlation.ts';
import { type BootstrapOptions, type Estimate, bootstrapMean, bootstrapPairedDifference } from './bootstrap.ts';
import { type FaceGenerations, realFaceCoefficients } from './face-table.ts';
import type { FrameSum } from './pose-distances.ts';
import type { EvaluationSegment } from './pose-methods.ts';

export const STILL_MOUTH = 'Still mouth';
export const REAL_MOUTH = 'Real';

export interface LipMotionRow {
  readonly method: string;
  readonly correlation: Estimate;
  readonly pooledCorrelation: number;
  /** cm */
  readonly openingError: Estimate;
  readonly amplitude: number;
  /** null when the features have no loudness channel */
  readonly loudnessCorrelation: Estimate | null;
  /** mean opening, cm */
  readonly meanOpening: number;
}

export interface LipMotionDifference {
  readonly method: string;
  readonly baseline: string;
  /** method - baseline of the segment-averaged r, paired by segment */
  readonly correlation: Estimate;
}

export interface LipMotionTable {
  readonly faceModel: string;
  readonly segments: number;
  readonly frames: number;
  /** the feature the loudness column reads, or null */
  readonly loudnessFeature: string | null;
  /** the real mouth first, then the methods, then the still mouth */
  readonly rows: readonly LipMotionRow[];
  readonly differences: readonly LipMotionDifference[];
}

/** Index of the front end's log-energy (loudness) feature, or null for precomputed features. */
export function loudnessFeature(dataset: Dataset): number | null {
  const config = dataset.manifest.featureConfig;
  return config.frontEnd === 'logmel-pitch-v1' ? config.nMels : null;
}

/** Per identity (index), the mouth opening of the mean face of its training frames (cm). */
export function stillMouthOpenings(dataset: Dataset, decoder: MouthOpeningDecoder): Map<number, number> {
  const sums = new Map<number, { sum: Float64Array; count: number }>();
  for (const clip of dataset.clips) {
    if (!clip.face) continue;
    const own = sums.get(clip.identityIndex) ?? { sum: new Float64Array(FACE_CHANNELS), count: 0 };
    const [from, to] = clip.entry.segments.train;
    for (let t = from; t < to; t++) for (let k = 0; k < FACE_CHANNELS; k++) own.sum[k]! += clip.face[t * FACE_CHANNELS + k]!;
    own.count += to - from;
    sums.set(clip.identityIndex, own);
  }
  return new Map([...sums].map(([identity, { sum, count }]) => [identity, decoder.opening(sum.map((s) => s / Math.max(1, count)))]));
}

function spread(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= Math.max(1, values.length);
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return squares;
}

interface MethodUnits {
  readonly correlation: FrameSum[];
  readonly squaredError: FrameSum[];
  readonly loudness: FrameSum[];
  readonly openings: number[];
  spread: number;
}

export function lipMotionTable(dataset: Dataset, generations: FaceGenerations, decoder: MouthOpeningDecoder, bootstrap: BootstrapOptions, comparisons: readonly (readonly [string, string])[] = []): LipMotionTable {
  const segments = generations.segments;
  if (segments.length === 0) throw new Error('lip-motion table: no test segment with face coefficients');
  const loudnessIndex = loudnessFeature(dataset);
  const F = dataset.manifest.featureConfig.features;
  const loudnessOf = (s: EvaluationSegment) => {
    const features = dataset.clips[s.clipIndex]!.features;
    return Float32Array.from({ length: s.length }, (_, t) => features[(s.range[0] + t) * F + loudnessIndex!]!);
  };
  const real = segments.map((s) => decoder.sequence(realFaceCoefficients(dataset, s)));
  const still = stillMouthOpenings(dataset, decoder);
  const openingsOf = new Map<string, Float64Array[]>([[REAL_MOUTH, real]]);
  for (const [name, generated] of generations.methods) openingsOf.set(name, generated.map((g) => decoder.sequence(g)));
  openingsOf.set(STILL_MOUTH, segments.map((s) => new Float64Array(s.length).fill(still.get(s.identityIndex) ?? NaN)));

  const realSpread = real.reduce((a, r) => a + spread(r), 0);
  const allReal = real.flatMap((r) => [...r]);
  const units = new Map<string, MethodUnits>();
  for (const [name, openings] of openingsOf) {
    const own: MethodUnits = { correlation: [], squaredError: [], loudness: [], openings: [], spread: 0 };
    segments.forEach((s, k) => {
      const o = openings[k]!;
      own.correlation.push({ sum: s.length * pearson(o, real[k]!), count: s.length });
      let squared = 0;
      for (let t = 0; t < s.length; t++) squared += (o[t]! - real[k]![t]!) ** 2;
      own.squaredError.push({ sum: squared, count: s.length });
      if (loudnessIndex !== null) own.loudness.push({ sum: s.length * pearson(o, loudnessOf(s)), count: s.length });
      own.openings.push(...o);
      own.spread += spread(o);
    });
    units.set(name, own);
  }
  const rows = [...units].map(([method, u]): LipMotionRow => {
    const error = bootstrapMean(u.squaredError, bootstrap);
    return {
      method,
      correlation: bootstrapMean(u.correlation, bootstrap),
      pooledCorrelation: pearson(u.openings, allReal),
      openingError: { value: Math.sqrt(error.value), low: Math.sqrt(error.low), high: Math.sqrt(error.high) },
      amplitude: Math.sqrt(u.spread / realSpread),
      loudnessCorrelation: loudnessIndex === null ? null : bootstrapMean(u.loudness, bootstrap),
      meanOpening: u.openings.reduce((a, b) => a + b, 0) / u.openings.length,
    };
  });
  const differences = comparisons.map(([method, baseline]): LipMotionDifference => {
    const [a, b] = [units.get(method), units.get(baseline)];
    if (!a || !b) throw new Error(`lip-motion table: cannot compare '${method}' with '${baseline}' (methods: ${[...units.keys()].join(', ')})`);
    return { method, baseline, correlation: bootstrapPairedDifference(a.correlation, b.correlation, bootstrap) };
  });
  return {
    faceModel: decoder.model.name,
    segments: segments.length,
    frames: segments.reduce((n, s) => n + s.length, 0),
    loudnessFeature: loudnessIndex === null ? null : `feature ${loudnessIndex} (log energy, dB) of ${dataset.manifest.featureConfig.frontEnd}`,
    rows,
    differences,
  };
}
