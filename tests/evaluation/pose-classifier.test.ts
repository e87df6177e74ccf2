// Table 4's head-pose classifier: its loss against a hand-computed value, its motion windows, and that it
// learns a separable synthetic task (talking-head/evaluation/pose-classifier.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { accuracy, classifierProbabilities, motionScale, motionWindows, trainPoseClassifier, weightedCrossEntropy } from '../../talking-head/evaluation/pose-classifier.ts';
import { testEngine } from '../helpers/engine.ts';

const engine = await testEngine();

test('weighted cross-entropy of logits [1, 2, 3] with class 2 is log(e + e^2 + e^3) - 3', async () => {
  const loss = engine.tidy(() => engine.keep(weightedCrossEntropy(tensor(engine, [1, 2, 3, 0, 0, 0], [2, 3]), tensor(engine, [0, 0, 0.75, 0.25, 0, 0], [2, 3]))));
  const expected = 0.75 * (Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3) + 0.25 * Math.log(3);
  const value = await loss.item();
  loss.dispose();
  assert.ok(Math.abs(value - expected) < 1e-5, `loss ${value}, expected ${expected}`);
});

test('motion windows hold scaled first differences in [N, 6, W - 1] and remember their sequence', () => {
  const pose = Array.from({ length: 5 * 6 }, (_, i) => (i % 6 === 1 ? Math.floor(i / 6) ** 2 : 0)); // yaw = t^2
  const windows = motionWindows([{ pose, label: 3 }, { pose: pose.slice(0, 12), label: 1 }], 3, 2, 6, [1, 2, 1, 1, 1, 1]);
  assert.is(windows.count, 2, 'starts 0 and 2 in the first sequence; the second (2 frames) is too short');
  assert.is(windows.steps, 2);
  assert.equal(Array.from(windows.labels), [3, 3]);
  assert.equal(Array.from(windows.source), [0, 0]);
  // yaw differences 1, 3, 5, 7 halved by the scale 2: window 0 -> 0.5, 1.5; window 1 -> 2.5, 3.5
  assert.equal(Array.from(windows.inputs.subarray(2, 4)), [0.5, 1.5]);
  assert.equal(Array.from(windows.inputs.subarray(12 + 2, 12 + 4)), [2.5, 3.5]);
  assert.equal(Array.from(windows.inputs.subarray(0, 2)), [0, 0]);
});

/** Person 0 nods (pitch, period 8 frames), person 1 shakes slowly (yaw, period 24); random phase, amplitude, noise. */
function people(count: number, seed: number) {
  const random = new InitRandom(seed);
  return Array.from({ length: count }, (_, k) => {
    const label = k % 2;
    const phase = 2 * Math.PI * random.next();
    const amplitude = 0.5 + random.next();
    const pose = Array.from({ length: 64 * 6 }, (_, i) => {
      const t = Math.floor(i / 6);
      const c = i % 6;
      const moving = label === 0 ? c === 0 : c === 1;
      return (moving ? amplitude * Math.sin((2 * Math.PI * t) / (label === 0 ? 8 : 24) + phase) : 0) + 0.05 * (random.next() - 0.5);
    });
    return { pose, label };
  });
}

test('the classifier learns to tell a nodding person from a head-shaking one on unseen sequences', async () => {
  const raw = motionWindows(people(16, 1), 16, 4);
  const scale = motionScale(raw);
  const train = motionWindows(people(16, 1), 16, 4, 6, scale);
  const { classifier, losses } = await trainPoseClassifier(engine, train, { classes: 2, steps: 80, batch: 32, learningRate: 3e-3, width: 16, seed: 2 });
  const test = motionWindows(people(8, 99), 16, 8, 6, scale);
  const probabilities = await classifierProbabilities(engine, classifier, test);
  classifier.dispose();
  assert.ok(losses.at(-1)! < losses[0]!, `loss fell: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
  const acc = accuracy(probabilities, test.labels, 2);
  assert.ok(acc >= 0.95, `held-out accuracy ${acc}`);
  for (let n = 0; n < test.count; n++) assert.ok(Math.abs(probabilities[2 * n]! + probabilities[2 * n + 1]! - 1) < 1e-5, 'probabilities sum to 1');
});

test.run();
