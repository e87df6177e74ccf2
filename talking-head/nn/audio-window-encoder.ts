// The per-frame audio encoder shared by PoseGAN's generator and PGFace: a small CNN over one frame's window
// of 16 feature frames. x [N, F, 16] -> [N, embedding].
//
// The paper calls PoseGAN's an "enhanced" CNN audio encoder without further detail; ours (documented choice):
//   conv1d(F -> c1, k3, pad 1) -> leaky ReLU           [N, c1, 16]
//   conv1d(c1 -> c2, k3, stride 2, pad 1) -> leaky     [N, c2, 8]
//   conv1d(c2 -> c2, k3, stride 2, pad 1) -> leaky     [N, c2, 4]
//   flatten -> linear(4 c2 -> embedding) -> leaky      [N, embedding]
// Convolving along the window's time axis with the features as channels mirrors the DeepSpeech-window
// encoders of VOCA and the paper's predecessors (x in R^(29 x 16) a frame).
//
// forwardFrames computes the same function from the per-frame features the windows were cut from (inference):
// the first layer once a feature frame, not once a window column (talking-head/ops/sequence-windows.ts), which
// was two thirds of the encoder's work and half of PoseGAN's generation time (issue 16).
import type { Engine } from '../../core/engine.ts';
import type { InitRandom } from '../../core/nn/init.ts';
import { Conv1d, Linear } from '../../core/nn/layers.ts';
import { conv1d } from '../../core/ops/conv1d.ts';
import { Module } from '../../core/nn/module.ts';
import { tensor } from '../../core/creation.ts';
import { expand, leakyRelu, mul } from '../../core/ops/elementwise.ts';
import { permute } from '../../core/ops/layout.ts';
import { reshape } from '../../core/ops/reshape.ts';
import { assertRank } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';
import { contextWindows } from '../features/audio-features.ts';
import { sequenceWindows } from '../ops/sequence-windows.ts';

export interface AudioWindowEncoderConfig {
  readonly featureCount: number;
  readonly windowFrames: number;
  readonly channels: readonly [number, number];
  readonly embedding: number;
  readonly leakySlope: number;
}

export class AudioWindowEncoder extends Module {
  readonly config: AudioWindowEncoderConfig;
  readonly #conv1: Conv1d;
  readonly #conv2: Conv1d;
  readonly #conv3: Conv1d;
  readonly #project: Linear;
  readonly #reducedLength: number;
  /** forwardFrames' masks of the first layer's weights, [3, c1 F 3]: all taps, all but the first, all but the last. */
  #tapMasks: Tensor | null = null;

  constructor(engine: Engine, name: string, config: AudioWindowEncoderConfig, random: InitRandom) {
    super();
    this.config = config;
    const [c1, c2] = config.channels;
    this.#conv1 = this.registerModule('conv1', new Conv1d(engine, `${name}.conv1`, { inChannels: config.featureCount, outChannels: c1, kernelSize: 3, padding: 1 }, random));
    this.#conv2 = this.registerModule('conv2', new Conv1d(engine, `${name}.conv2`, { inChannels: c1, outChannels: c2, kernelSize: 3, stride: 2, padding: 1 }, random));
    this.#conv3 = this.registerModule('conv3', new Conv1d(engine, `${name}.conv3`, { inChannels: c2, outChannels: c2, kernelSize: 3, stride: 2, padding: 1 }, random));
    this.#reducedLength = Math.floor((Math.floor((config.windowFrames - 1) / 2) + 1 - 1) / 2) + 1;
    this.#project = this.registerModule('project', new Linear(engine, `${name}.project`, c2 * this.#reducedLength, config.embedding, random));
  }

  /** windows [N, F, W] -> [N, embedding] */
  forward(windows: Tensor): Tensor {
    assertRank('AudioWindowEncoder', 'windows', windows.shape, 3, `[frames, features=${this.config.featureCount}, window=${this.config.windowFrames}]`);
    const slope = this.config.leakySlope;
    return this.#afterFirstLayer(this.#conv1.forward(windows, { leakySlope: slope }));
  }

  /**
   * forward(contextWindows(perFrame, W, centre)) from the per-frame features perFrame [N, F] themselves: window i
   * holds frames i - centre .. i - centre + W - 1, zero outside the sequence. The first layer (k 3, pad 1) is
   * computed over the sequence, extended by centre + 1 zero frames each side, with all three taps, without the
   * first and without the last (one convolution of 3 c1 channels), and sequenceWindows cuts column j of window
   * i from position i + j: the frame i - centre + j the windowed layer centres on, its first tap dropped at
   * j = 0 and its last at j = W - 1, where the window's own zero padding stands in for a real frame. Equal to
   * forward up to float rounding (tests/models/audio-window-encoder.test.ts). Needs W >= 2 and W - 1 <= 2 centre
   * (the symmetric padding must reach the last window's last column); otherwise it cuts the windows and runs forward.
   */
  forwardFrames(perFrame: Tensor, centre: number): Tensor {
    assertRank('AudioWindowEncoder', 'per-frame features', perFrame.shape, 2, `[frames, features=${this.config.featureCount}]`);
    const [frames, features] = perFrame.shape as [number, number];
    const W = this.config.windowFrames;
    if (W < 2 || W - 1 > 2 * centre || frames === 0) {
      const windows = contextWindows(perFrame, W, centre);
      return this.forward(windows);
    }
    const { weight, bias } = this.#conv1;
    const c1 = weight.shape[0]!;
    // [w; w without its first tap; w without its last] in one product broadcast along its first axis only (the
    // vec4 path: a mask [3, 1, 1, 3] broadcast on two axes cost SwiftShader 0.8 ms for 4,176 values)
    const size = weight.size;
    this.#tapMasks ??= perFrame.engine.keep(tensor(perFrame.engine, Float32Array.from({ length: 3 * size }, (_, i) => {
      const stack = Math.floor(i / size);
      const tap = i % 3;
      return (stack === 1 && tap === 0) || (stack === 2 && tap === 2) ? 0 : 1;
    }), [3, size], 'encoder.tap-masks'));
    const stackedWeight = reshape(mul(reshape(weight, [1, size]), this.#tapMasks), [3 * c1, features, 3]);
    const stackedBias = bias ? reshape(expand(reshape(bias, [1, c1]), [3, c1]), [3 * c1]) : null;
    // position o of the output centres on frame o - centre - 1 + 1 = o - centre: column j of window i is o = i + j
    const sequence = permute(reshape(perFrame, [1, frames, features]), [0, 2, 1]);
    const stacked = conv1d(sequence, stackedWeight, stackedBias, { padding: centre + 1 });
    const first = sequenceWindows(reshape(stacked, stacked.shape.slice(1)), { frames, window: W, slope: this.config.leakySlope });
    return this.#afterFirstLayer(first);
  }

  override dispose(): void {
    super.dispose();
    this.#tapMasks?.dispose();
    this.#tapMasks = null;
  }

  /** The layers after the first: h1 [N, c1, W] -> [N, embedding]. */
  #afterFirstLayer(h1: Tensor): Tensor {
    const slope = this.config.leakySlope;
    let h = this.#conv2.forward(h1, { leakySlope: slope });
    h = this.#conv3.forward(h, { leakySlope: slope });
    return leakyRelu(this.#project.forward(reshape(h, [h1.shape[0]!, -1])), slope);
  }
}
