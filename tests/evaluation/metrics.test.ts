// The evaluation's metrics against values computed by hand (talking-head/evaluation/*.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InitRandom } from '../../core/nn/init.ts';
import { audioPoseCorrelation, pearson } from '../../talking-head/evaluation/audio-pose-correlation.ts';
import { bootstrapMean, percentile } from '../../talking-head/evaluation/bootstrap.ts';
import { faceVertexDistances } from '../../talking-head/evaluation/face-distances.ts';
import { OneClassSvm } from '../../talking-head/evaluation/one-class-svm.ts';
import { meanPoseSequence, nearestTrainingStretch, randomTrainingStretch, stretchPoses } from '../../talking-head/evaluation/pose-baselines.ts';
import { jitter, meanOf, motionDistance, motionEnergy, poseDistance, windowBoundaryJumps } from '../../talking-head/evaluation/pose-distances.ts';
import { poseStatistics, statisticsGap } from '../../talking-head/evaluation/pose-statistics.ts';
import { inMemoryDataset } from './in-memory-dataset.ts';
import { windowJoinFrames } from '../../talking-head/inference/pose-windows.ts';

const close = (actual: number, expected: number, what: string, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * (1 + Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);

test('pearson is 1 for a line, -1 for a falling line, 0.5 for [1,2,3] vs [1,3,2] and 0 against a constant', () => {
  close(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1, 'rising');
  close(pearson([1, 2, 3, 4], [8, 6, 4, 2]), -1, 'falling');
  // means 2 and 2: sum dx dy = 1, sum dx^2 = sum dy^2 = 2
  close(pearson([1, 2, 3], [1, 3, 2]), 0.5, 'hand');
  assert.is(pearson([1, 2, 3], [0.3, 0.3, 0.3]), 0);
  assert.throws(() => pearson([1, 2], [1, 2, 3]), /2 and 3 values/);
});

test('audioPoseCorrelation (Eq. 9) puts feature f x channel c at f * C + c', () => {
  // 3 frames, F = 2 features, C = 2 channels
  const audio = [1, 1, 2, 3, 3, 2]; // feature 0: 1,2,3; feature 1: 1,3,2
  const pose = [10, 0, 20, 0, 30, 0]; // channel 0: 10,20,30; channel 1 constant
  const r = audioPoseCorrelation(audio, pose, 2, 2);
  assert.equal(r.length, 4);
  close(r[0]!, 1, 'feature 0 x channel 0');
  assert.is(r[1], 0, 'feature 0 x constant channel');
  close(r[2]!, 0.5, 'feature 1 x channel 0');
  assert.is(r[3], 0);
});

test('pose and motion distance are per-frame, per-channel mean squares (hand-computed, 2 channels)', () => {
  const real = [0, 0, 1, 1, 2, 2];
  const generated = [0, 1, 1, 1, 4, 2];
  // squares: frame 0: 0 + 1, frame 1: 0, frame 2: 4 -> 5 / 2 channels over 3 frames
  const pose = poseDistance(real, generated, 2);
  assert.equal(pose, { sum: 2.5, count: 3 });
  close(meanOf([pose]), 5 / 6, 'pose mean');
  // real steps (1,1),(1,1); generated (1,0),(3,1); residuals (0,1),(-2,0) -> 1 + 4 = 5 / 2 over 2 steps
  assert.equal(motionDistance(real, generated, 2), { sum: 2.5, count: 2 });
  assert.equal(motionEnergy(real, 2), { sum: 2, count: 2 });
  assert.throws(() => poseDistance([0, 0, 0], [0, 0, 0], 2), /whole frames of 2 channels/);
});

test('jitter is the mean squared second difference: t^2 has second difference 2 everywhere', () => {
  assert.equal(jitter([0, 1, 4, 9], 1), { sum: 8, count: 2 });
  assert.equal(jitter([0, 1, 2, 3, 4], 1), { sum: 0, count: 3 }, 'a straight line does not jitter');
});

test('window boundary jumps are measured where windows join: every hop whose previous window was a full one', () => {
  // hop 2: boundaries at frames 2 (3 - 0) and 4 (5 - 3)
  assert.equal(windowBoundaryJumps([0, 0, 3, 3, 5], { hop: 2, overlap: 0 }, 1), { sum: 13, count: 2 });
  assert.equal(windowBoundaryJumps([0, 1, 2], { hop: 256, overlap: 0 }, 1), { sum: 0, count: 0 }, 'one window: no boundary');
  // hop 2, overlap 2 (windows of 4): the 3 frames after frame 2 are one end window, no join at 4
  assert.equal(windowBoundaryJumps([0, 0, 3, 3, 5], { hop: 2, overlap: 2 }, 1), { sum: 9, count: 1 });
  assert.equal(windowJoinFrames({ hop: 224, overlap: 32 }, 450), [224], 'the 226 frames after 224 are one end window');
  assert.equal(windowJoinFrames({ hop: 224, overlap: 32 }, 480), [224, 448]);
});

function twoPeople() {
  const frames = 12;
  // alice: clip a1 with feature = t (one feature), pose channel 0 = 100 + t; clip a2 (test) has feature = 5.2 + t
  const clip = (name: string, identity: string, feature: (t: number) => number, pose: (t: number) => number, segments: Record<'train' | 'val' | 'test', [number, number]>) => ({
    name, identity, features: Array.from({ length: frames }, (_, t) => feature(t)),
    pose: Array.from({ length: frames * 6 }, (_, i) => (i % 6 === 0 ? pose(Math.floor(i / 6)) : 0)), segments,
  });
  return inMemoryDataset(1, [
    clip('a1', 'alice', (t) => t, (t) => 100 + t, { train: [0, 12], val: [12, 12], test: [12, 12] }),
    clip('b1', 'bob', (t) => t + 0.1, (t) => -t, { train: [0, 12], val: [12, 12], test: [12, 12] }),
  ], { alice: [1, 2, 3, 4, 5, 6] });
}

test('nearest neighbour picks the same person\'s training stretch with the smallest mean per-frame feature distance', () => {
  const dataset = twoPeople();
  // audio 5.2, 6.2, 7.2: alice's stretch starting at 5 is 0.04 a frame away, at 6 it is 0.64
  const best = nearestTrainingStretch(dataset, 0, [5.2, 6.2, 7.2]);
  assert.is(best.clipIndex, 0, 'alice only, although bob\'s 5.1, 6.1, 7.1 would be nearer');
  assert.is(best.start, 5);
  close(best.distance, 0.04, 'distance', 1e-6);
  assert.equal(Array.from(stretchPoses(dataset, best, 3).filter((_, i) => i % 6 === 0)), [105, 106, 107]);
  assert.throws(() => nearestTrainingStretch(dataset, 0, new Array(13).fill(0)), /no training segment of 13 frames/);
});

test('the mean-pose baseline repeats the identity\'s rest pose; random stretches stay inside the person\'s training segments', () => {
  const dataset = twoPeople();
  const still = meanPoseSequence(dataset, 0, 3);
  assert.equal(Array.from(still), [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
  const random = new InitRandom(3);
  const starts = new Set<number>();
  for (let k = 0; k < 200; k++) {
    const s = randomTrainingStretch(dataset, 1, 10, random);
    assert.is(s.clipIndex, 1);
    assert.ok(s.start >= 0 && s.start + 10 <= 12, `start ${s.start}`);
    starts.add(s.start);
  }
  assert.equal([...starts].sort(), [0, 1, 2], 'every valid start is drawn');
});

test('bootstrap: percentiles interpolate, identical units give a zero-width interval, the value is the pooled mean', () => {
  close(percentile([0, 10], 0.25), 2.5, 'interpolated');
  const same = bootstrapMean([{ sum: 2, count: 4 }, { sum: 1, count: 2 }, { sum: 3, count: 6 }], { resamples: 200 });
  assert.equal(same, { value: 0.5, low: 0.5, high: 0.5 });
  const spread = bootstrapMean([{ sum: 0, count: 1 }, { sum: 1, count: 1 }, { sum: 2, count: 1 }, { sum: 3, count: 1 }], { resamples: 500 });
  close(spread.value, 1.5, 'pooled mean');
  assert.ok(spread.low < 1.5 && spread.high > 1.5 && spread.low >= 0 && spread.high <= 3, `interval [${spread.low}, ${spread.high}]`);
});

test('one-class SVM accepts inliers of a Gaussian blob, rejects far outliers, and leaves about nu of its training points out', () => {
  const random = new InitRandom(5);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const train = Array.from({ length: 300 }, () => [gaussian(), gaussian()]);
  const svm = OneClassSvm.fit(train, { nu: 0.1, gamma: 0.5 });
  const trainAcceptance = svm.acceptanceRate(train);
  assert.ok(trainAcceptance >= 0.85 && trainAcceptance <= 0.95, `training acceptance ${trainAcceptance}, expected about 1 - nu = 0.9`);
  const inliers = Array.from({ length: 200 }, () => [0.5 * gaussian(), 0.5 * gaussian()]);
  const outliers = Array.from({ length: 200 }, () => {
    const angle = 2 * Math.PI * random.next();
    return [5 * Math.cos(angle), 5 * Math.sin(angle)];
  });
  assert.ok(svm.acceptanceRate(inliers) >= 0.97, `inliers accepted ${svm.acceptanceRate(inliers)}`);
  assert.is(svm.acceptanceRate(outliers), 0, 'every point 5 std out is rejected');
  assert.ok(svm.decision([0, 0]) > 0 && svm.decision([0, 5]) < 0, 'decision value: positive inside, negative outside');
  const sum = svm.alphas.reduce((a, b) => a + b, 0);
  close(sum, 1, 'sum of alphas', 1e-9);
  assert.ok(svm.alphas.every((a) => a <= 1 / (0.1 * 300) + 1e-12), 'alphas within the box 1 / (nu n)');
});

test('face distances: the Gram form equals per-vertex mean squares of decoded residuals (identity basis, 2 vertices)', () => {
  // With G = I, ||B r||^2 = ||r||^2; V = 2 vertices divides.
  const gram = new Float64Array(144 * 144);
  for (let i = 0; i < 144; i++) gram[i * 144 + i] = 1;
  const real = new Float32Array(2 * 144);
  const generated = new Float32Array(2 * 144);
  generated[0] = 1; // frame 0 residual -1 on coefficient 0
  generated[144] = 3; // frame 1 residual -3
  const d = faceVertexDistances(real, generated, gram, 2);
  assert.equal(d.shape, { sum: (1 + 9) / 2, count: 2 });
  assert.equal(d.motion, { sum: 4 / 2, count: 1 });
});

test('pose statistics and their gap: means, population stds, motion energy and the log motion ratio', () => {
  const a = poseStatistics([[0, 2, 4]], 1);
  assert.equal(a.mean, [2]);
  close(a.std[0]!, Math.sqrt(8 / 3), 'std');
  assert.is(a.motion, 4);
  const b = poseStatistics([[1, 2], [3, 4]], 1);
  assert.equal(b.mean, [2.5]);
  assert.is(b.motion, 1, 'motion within sequences only (no step from 2 to 3)');
  const gap = statisticsGap(a, b);
  close(gap.meanGap, 0.5, 'mean gap');
  close(gap.motionGap, Math.log(4), 'motion gap');
});

test.run();
