// Table 1, the audio-pose correlation check: every window of W frames becomes its F x 6 Pearson correlations
// between audio features and pose channels (Eq. 9, audio-pose-correlation.ts); a one-class SVM is trained on
// the real training windows; we report the fraction of windows it accepts for real test windows, for the same
// test windows with the pose replaced by a random real pose stretch of the same person from the training split
// ("Random", the paper's negative), and for every method's generated poses on the test audio.
// A segment's acceptance pools its windows (and draws); segments are bootstrapped.
import { InitRandom } from '../../core/nn/init.ts';
import type { Dataset } from '../data/dataset.ts';
import { type BootstrapOptions, type Estimate, bootstrapMean } from './bootstrap.ts';
import { audioPoseCorrelation } from './audio-pose-correlation.ts';
import { OneClassSvm } from './one-class-svm.ts';
import { randomTrainingStretch, stretchPoses } from './pose-baselines.ts';
import type { EvaluationSegment, MethodDraws } from './pose-methods.ts';
import type { FrameSum } from './pose-distances.ts';

export interface CorrelationSettings {
  readonly window: number;
  readonly trainStride: number;
  readonly testStride: number;
  /** the one-class SVM's nu (upper bound on the training windows left outside) */
  readonly nu: number;
  readonly seed: number;
}

export interface CorrelationTable {
  readonly settings: CorrelationSettings;
  readonly features: number;
  readonly trainWindows: number;
  readonly gamma: number;
  readonly supportVectors: number;
  /** acceptance of the training windows themselves (about 1 - nu) */
  readonly trainAcceptance: number;
  readonly testWindows: number;
  /** 'Real', 'Random' and every method -> fraction accepted */
  readonly acceptance: Record<string, Estimate>;
  /** identity -> Real and Random acceptance (the paper reports per-person ranges) */
  readonly perIdentity: Record<string, { readonly real: number; readonly random: number; readonly windows: number }>;
}

/** Window starts every `stride` frames inside a sequence of `frames` frames. */
function starts(frames: number, window: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + window <= frames; s += stride) out.push(s);
  return out;
}

function windowFeatures(audio: Float32Array, pose: Float32Array, start: number, window: number, features: number): Float64Array {
  return audioPoseCorrelation(audio.subarray(start * features, (start + window) * features), pose.subarray(start * 6, (start + window) * 6), features);
}

export function correlationTable(dataset: Dataset, segments: readonly EvaluationSegment[], methods: Readonly<Record<string, MethodDraws>>, settings: CorrelationSettings, bootstrap: BootstrapOptions): CorrelationTable {
  const F = dataset.featureCount;
  const W = settings.window;
  const training: Float64Array[] = [];
  for (const clip of dataset.clips) {
    const [from, to] = clip.entry.segments.train;
    const audio = clip.normalised.features.subarray(from * F, to * F);
    const pose = clip.normalised.pose.subarray(from * 6, to * 6);
    for (const s of starts(to - from, W, settings.trainStride)) training.push(windowFeatures(audio, pose, s, W, F));
  }
  const svm = OneClassSvm.fit(training, { nu: settings.nu });
  const random = new InitRandom(settings.seed);
  const accepted = (audio: Float32Array, pose: Float32Array, start: number) => (svm.accepts(windowFeatures(audio, pose, start, W, F)) ? 1 : 0);

  const real: FrameSum[] = [];
  const randomPose: FrameSum[] = [];
  const perIdentity: Record<string, { real: number; random: number; windows: number }> = {};
  for (const s of segments) {
    const windowStarts = starts(s.length, W, settings.testStride);
    let r = 0;
    let n = 0;
    for (const start of windowStarts) {
      r += accepted(s.audio, s.real, start);
      const replacement = stretchPoses(dataset, randomTrainingStretch(dataset, s.identityIndex, W, random), W);
      n += svm.accepts(audioPoseCorrelation(s.audio.subarray(start * F, (start + W) * F), replacement, F)) ? 1 : 0;
    }
    real.push({ sum: r, count: windowStarts.length });
    randomPose.push({ sum: n, count: windowStarts.length });
    const name = dataset.manifest.identities[s.identityIndex]!.name;
    const entry = perIdentity[name] ?? { real: 0, random: 0, windows: 0 };
    perIdentity[name] = { real: entry.real + r, random: entry.random + n, windows: entry.windows + windowStarts.length };
  }
  const acceptance: Record<string, Estimate> = {
    Real: bootstrapMean(real.filter((p) => p.count > 0), bootstrap),
    Random: bootstrapMean(randomPose.filter((p) => p.count > 0), bootstrap),
  };
  for (const [method, draws] of Object.entries(methods)) {
    const perSegment = segments.map((s, k) => {
      const windowStarts = starts(s.length, W, settings.testStride);
      const d = draws[k]!;
      const sum = d.reduce((total, pose) => total + windowStarts.reduce((a, start) => a + accepted(s.audio, pose, start), 0), 0) / d.length;
      return { sum, count: windowStarts.length };
    });
    acceptance[method] = bootstrapMean(perSegment.filter((p) => p.count > 0), bootstrap);
  }
  return {
    settings, features: F, trainWindows: training.length, gamma: svm.gamma, supportVectors: svm.supportVectors.length,
    trainAcceptance: svm.acceptanceRate(training), testWindows: real.reduce((a, p) => a + p.count, 0), acceptance,
    perIdentity: Object.fromEntries(Object.entries(perIdentity).map(([name, e]) => [name, { real: e.real / Math.max(e.windows, 1), random: e.random / Math.max(e.windows, 1), windows: e.windows }])),
  };
}
