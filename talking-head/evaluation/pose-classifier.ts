// Table 4's head-pose classifier: a small 1-D CNN that tells identities apart from how the head moves.
//
// Input (ours, documented in the report): windows of W frames of pose *motion*, the first differences
// y_t - y_(t-1) of the normalised poses, W - 1 steps x 6 channels, each channel divided by its standard deviation
// over the training windows ([N, 6, W - 1], conv1d layout). Motion, not pose, so that a person's mean head
// position alone (which the mean-pose baseline reproduces exactly) does not identify them, as in the paper's
// "pose motion". The paper uses 256-frame windows; our test segments are shorter, so W is chosen so every test
// segment supplies at least one window.
//
// Network: conv(6 -> c, k5) -> leaky ReLU -> conv(c -> c, k5, stride 2) -> leaky ReLU -> conv(c -> 2c, k3,
// stride 2) -> leaky ReLU -> mean over time -> linear(2c -> K). Loss: softmax cross-entropy, each sample
// weighted by 1 / (its class's share of the training windows), so small identities count as much as large
// ones. Adam, fixed number of steps, seeded minibatches.
import { backward } from '../../core/autograd.ts';
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { Conv1d, Linear } from '../../core/nn/layers.ts';
import { Module } from '../../core/nn/module.ts';
import { exp, leakyRelu, log, mul, sub } from '../../core/ops/elementwise.ts';
import { mean, sum } from '../../core/ops/reduce.ts';
import { Adam } from '../../core/optim/adam.ts';
import type { Tensor } from '../../core/tensor.ts';

export interface LabelledPoseSequence {
  /** [T, channels] normalised poses */
  readonly pose: ArrayLike<number>;
  readonly label: number;
}

/** Motion windows [N, channels, W - 1] and their labels. */
export interface MotionWindows {
  readonly count: number;
  readonly channels: number;
  readonly steps: number;
  readonly inputs: Float32Array;
  readonly labels: Int32Array;
  /** which sequence each window came from */
  readonly source: Int32Array;
}

/**
 * Every window of `window` frames starting each `stride` frames in each sequence (none when shorter), as
 * first differences divided per channel by `scale` (default 1).
 */
export function motionWindows(sequences: readonly LabelledPoseSequence[], window: number, stride: number, channels = 6, scale?: ArrayLike<number>): MotionWindows {
  if (!Number.isInteger(window) || window < 2) throw new RangeError(`motionWindows: window ${window}, expected an integer >= 2`);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`motionWindows: stride ${stride}, expected a positive integer`);
  const steps = window - 1;
  const picks: [number, number][] = [];
  sequences.forEach((s, k) => {
    const frames = s.pose.length / channels;
    for (let start = 0; start + window <= frames; start += stride) picks.push([k, start]);
  });
  const inputs = new Float32Array(picks.length * channels * steps);
  const labels = new Int32Array(picks.length);
  const source = new Int32Array(picks.length);
  picks.forEach(([k, start], n) => {
    const pose = sequences[k]!.pose;
    labels[n] = sequences[k]!.label;
    source[n] = k;
    for (let c = 0; c < channels; c++) {
      const divide = scale ? Math.max(scale[c]!, 1e-6) : 1;
      for (let t = 0; t < steps; t++) {
        const i = (start + t + 1) * channels + c;
        inputs[(n * channels + c) * steps + t] = (pose[i]! - pose[i - channels]!) / divide;
      }
    }
  });
  return { count: picks.length, channels, steps, inputs, labels, source };
}

/** Per-channel standard deviation of the motion over windows (the classifier's input scale). */
export function motionScale(windows: MotionWindows): number[] {
  const { channels, steps, count } = windows;
  return Array.from({ length: channels }, (_, c) => {
    let s = 0;
    let s2 = 0;
    for (let n = 0; n < count; n++) {
      for (let t = 0; t < steps; t++) {
        const v = windows.inputs[(n * channels + c) * steps + t]!;
        s += v;
        s2 += v * v;
      }
    }
    const m = count * steps;
    return m > 0 ? Math.sqrt(Math.max(s2 / m - (s / m) ** 2, 0)) : 1;
  });
}

export class PoseIdentityClassifier extends Module {
  readonly classes: number;
  readonly #conv1: Conv1d;
  readonly #conv2: Conv1d;
  readonly #conv3: Conv1d;
  readonly #head: Linear;

  constructor(engine: Engine, channels: number, classes: number, width: number, random: InitRandom) {
    super();
    this.classes = classes;
    this.#conv1 = this.registerModule('conv1', new Conv1d(engine, 'classifier.conv1', { inChannels: channels, outChannels: width, kernelSize: 5, padding: 2 }, random));
    this.#conv2 = this.registerModule('conv2', new Conv1d(engine, 'classifier.conv2', { inChannels: width, outChannels: width, kernelSize: 5, stride: 2, padding: 2 }, random));
    this.#conv3 = this.registerModule('conv3', new Conv1d(engine, 'classifier.conv3', { inChannels: width, outChannels: 2 * width, kernelSize: 3, stride: 2, padding: 1 }, random));
    this.#head = this.registerModule('head', new Linear(engine, 'classifier.head', 2 * width, classes, random));
  }

  /** x [B, channels, L] -> logits [B, classes]. */
  forward(x: Tensor): Tensor {
    let h = leakyRelu(this.#conv1.forward(x), 0.1);
    h = leakyRelu(this.#conv2.forward(h), 0.1);
    h = leakyRelu(this.#conv3.forward(h), 0.1);
    return this.#head.forward(mean(h, 2));
  }
}

export interface ClassifierTrainingOptions {
  readonly classes: number;
  readonly steps?: number;
  readonly batch?: number;
  readonly learningRate?: number;
  readonly width?: number;
  readonly seed?: number;
}

/**
 * Softmax cross-entropy with per-sample weights folded into `targets` [B, K] (one-hot rows scaled by the
 * sample's weight / the batch's total weight): sum_bk targets_bk (logsumexp_k' z_bk' - z_bk). The row mean is
 * subtracted first (the loss is shift-invariant per row), which keeps exp() in range.
 */
export function weightedCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  const centred = sub(logits, mean(logits, 1, true));
  const logSumExp = log(sum(exp(centred), 1, true));
  return sum(mul(targets, sub(logSumExp, centred)));
}

/** Trains a classifier on motion windows; returns it (owned by the caller: dispose()) and its last losses. */
export async function trainPoseClassifier(engine: Engine, data: MotionWindows, options: ClassifierTrainingOptions): Promise<{ classifier: PoseIdentityClassifier; losses: number[] }> {
  const K = options.classes;
  if (data.count === 0) throw new Error('trainPoseClassifier: no training windows (are the training segments shorter than the window?)');
  const steps = options.steps ?? 300;
  const batch = Math.min(options.batch ?? 64, data.count);
  const random = new InitRandom(options.seed ?? 1);
  const classifier = new PoseIdentityClassifier(engine, data.channels, K, options.width ?? 32, random);
  const optimizer = new Adam(classifier.parameters(), { lr: options.learningRate ?? 1e-3 });
  const perClass = new Array<number>(K).fill(0);
  for (const label of data.labels) perClass[label]!++;
  const classWeight = perClass.map((n) => (n > 0 ? data.count / (K * n) : 0));
  const size = data.channels * data.steps;
  const losses: number[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const inputs = new Float32Array(batch * size);
      const targets = new Float32Array(batch * K);
      let total = 0;
      const picks = Array.from({ length: batch }, () => Math.floor(random.next() * data.count));
      for (const n of picks) total += classWeight[data.labels[n]!]!;
      picks.forEach((n, b) => {
        inputs.set(data.inputs.subarray(n * size, (n + 1) * size), b * size);
        targets[b * K + data.labels[n]!] = classWeight[data.labels[n]!]! / total;
      });
      const loss = engine.tidy(() => {
        classifier.train(true);
        const value = weightedCrossEntropy(classifier.forward(tensor(engine, inputs, [batch, data.channels, data.steps], 'classifier.inputs')), tensor(engine, targets, [batch, K], 'classifier.targets'));
        backward(value);
        optimizer.step();
        optimizer.zeroGrad();
        return engine.keep(value);
      });
      if (step % 25 === 0 || step === steps - 1) losses.push(await loss.item());
      loss.dispose();
    }
  } finally {
    optimizer.dispose();
  }
  classifier.train(false);
  return { classifier, losses };
}

/** Softmax probabilities [N, K] for every window, in chunks of 256. */
export async function classifierProbabilities(engine: Engine, classifier: PoseIdentityClassifier, data: MotionWindows): Promise<Float32Array> {
  const K = classifier.classes;
  const size = data.channels * data.steps;
  const out = new Float32Array(data.count * K);
  for (let start = 0; start < data.count; start += 256) {
    const n = Math.min(256, data.count - start);
    const logits = engine.noGrad(() => engine.tidy(() => engine.keep(classifier.forward(tensor(engine, data.inputs.subarray(start * size, (start + n) * size), [n, data.channels, data.steps], 'classifier.inputs')))));
    const values = await logits.read();
    logits.dispose();
    for (let i = 0; i < n; i++) {
      const row = values.subarray(i * K, (i + 1) * K);
      const top = Math.max(...row);
      const e = Array.from(row, (z) => Math.exp(z - top));
      const total = e.reduce((a, b) => a + b, 0);
      e.forEach((v, k) => {
        out[(start + i) * K + k] = v / total;
      });
    }
  }
  return out;
}

/** Fraction of windows whose most probable class is their label. */
export function accuracy(probabilities: Float32Array, labels: Int32Array, classes: number): number {
  if (labels.length === 0) return NaN;
  let correct = 0;
  labels.forEach((label, n) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probabilities[n * classes + k]! > probabilities[n * classes + best]!) best = k;
    if (best === label) correct++;
  });
  return correct / labels.length;
}
