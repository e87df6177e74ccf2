// Table 4: train the head-pose identity classifier (pose-classifier.ts) on the training split, report its
// accuracy on the real test segments, and its mean confidence in the correct identity on each method's poses
// for the same segments (windows of every method cut at the same places as the real ones).
// A segment's confidence is the mean over its windows (and the method's draws) of p(correct identity);
// segments pool window-weighted and are bootstrapped.
import type { Engine } from '../../core/engine.ts';
import type { Dataset } from '../data/dataset.ts';
import { type BootstrapOptions, type Estimate, bootstrapMean } from './bootstrap.ts';
import type { EvaluationSegment, MethodDraws } from './pose-methods.ts';
import type { FrameSum } from './pose-distances.ts';
import { type LabelledPoseSequence, type PoseIdentityClassifier, accuracy, classifierProbabilities, motionScale, motionWindows, trainPoseClassifier } from './pose-classifier.ts';

export interface ClassifierSettings {
  /** frames a window (W); W - 1 motion steps */
  readonly window: number;
  readonly trainStride: number;
  readonly testStride: number;
  readonly steps: number;
  readonly batch: number;
  readonly learningRate: number;
  readonly width: number;
  readonly seed: number;
}

/** A trained classifier and the input scale it was trained with. */
export interface IdentityClassifier {
  readonly classifier: PoseIdentityClassifier;
  readonly scale: number[];
  readonly settings: ClassifierSettings;
  readonly classes: number;
}

export interface ClassifierTable {
  readonly settings: ClassifierSettings;
  readonly classes: string[];
  readonly trainWindows: number;
  readonly testWindows: number;
  readonly testAccuracy: number;
  readonly perIdentityAccuracy: Record<string, number>;
  /** the training loss every 25 steps */
  readonly trainLoss: number[];
  /** method -> mean confidence in the correct identity (the real poses under 'Real') */
  readonly confidence: Record<string, Estimate>;
}

export async function trainIdentityClassifier(engine: Engine, dataset: Dataset, settings: ClassifierSettings): Promise<{ model: IdentityClassifier; trainWindows: number; trainLoss: number[] }> {
  const sequences: LabelledPoseSequence[] = dataset.clips.map((c) => {
    const [from, to] = c.entry.segments.train;
    return { pose: c.normalised.pose.subarray(from * 6, to * 6), label: c.identityIndex };
  });
  const raw = motionWindows(sequences, settings.window, settings.trainStride);
  const scale = motionScale(raw);
  const data = motionWindows(sequences, settings.window, settings.trainStride, 6, scale);
  const classes = dataset.manifest.identities.length;
  const { classifier, losses } = await trainPoseClassifier(engine, data, {
    classes, steps: settings.steps, batch: settings.batch, learningRate: settings.learningRate, width: settings.width, seed: settings.seed,
  });
  return { model: { classifier, scale, settings, classes }, trainWindows: data.count, trainLoss: losses };
}

/** Per sequence: the sum over its windows of p(label) and the number of windows. */
export async function correctIdentityConfidence(engine: Engine, model: IdentityClassifier, sequences: readonly LabelledPoseSequence[]): Promise<FrameSum[]> {
  const windows = motionWindows(sequences, model.settings.window, model.settings.testStride, 6, model.scale);
  const probabilities = await classifierProbabilities(engine, model.classifier, windows);
  const out = sequences.map(() => ({ sum: 0, count: 0 }));
  for (let n = 0; n < windows.count; n++) {
    const k = windows.source[n]!;
    out[k]!.sum += probabilities[n * model.classes + windows.labels[n]!]!;
    out[k]!.count++;
  }
  return out;
}

export async function identityClassifierTable(
  engine: Engine, dataset: Dataset, model: IdentityClassifier, trained: { trainWindows: number; trainLoss: number[] },
  segments: readonly EvaluationSegment[], methods: Readonly<Record<string, MethodDraws>>, bootstrap: BootstrapOptions,
): Promise<ClassifierTable> {
  const names = dataset.manifest.identities.map((i) => i.name);
  const realSequences = segments.map((s) => ({ pose: s.real, label: s.identityIndex }));
  const realWindows = motionWindows(realSequences, model.settings.window, model.settings.testStride, 6, model.scale);
  const probabilities = await classifierProbabilities(engine, model.classifier, realWindows);
  const perIdentityAccuracy: Record<string, number> = {};
  names.forEach((name, k) => {
    const picks = [...realWindows.labels.keys()].filter((n) => realWindows.labels[n] === k);
    if (picks.length === 0) return;
    const p = new Float32Array(picks.length * names.length);
    picks.forEach((n, i) => p.set(probabilities.subarray(n * names.length, (n + 1) * names.length), i * names.length));
    perIdentityAccuracy[name] = accuracy(p, Int32Array.from(picks.map(() => k)), names.length);
  });
  const confidence: Record<string, Estimate> = { Real: bootstrapMean(await correctIdentityConfidence(engine, model, realSequences), bootstrap) };
  for (const [method, draws] of Object.entries(methods)) {
    const drawCount = Math.max(...draws.map((d) => d.length));
    const perDraw: FrameSum[][] = [];
    for (let d = 0; d < drawCount; d++) {
      perDraw.push(await correctIdentityConfidence(engine, model, segments.map((s, k) => ({ pose: draws[k]![Math.min(d, draws[k]!.length - 1)]!, label: s.identityIndex }))));
    }
    const perSegment = segments.map((_, k) => ({ sum: perDraw.reduce((a, p) => a + p[k]!.sum, 0) / drawCount, count: perDraw[0]![k]!.count }));
    confidence[method] = bootstrapMean(perSegment.filter((p) => p.count > 0), bootstrap);
  }
  return {
    settings: model.settings, classes: names, trainWindows: trained.trainWindows, testWindows: realWindows.count,
    testAccuracy: accuracy(probabilities, realWindows.labels, names.length), perIdentityAccuracy, trainLoss: trained.trainLoss, confidence,
  };
}
