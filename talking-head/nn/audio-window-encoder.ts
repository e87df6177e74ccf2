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
import type { Engine } from '../../core/engine.ts';
import type { InitRandom } from '../../core/nn/init.ts';
import { Conv1d, Linear } from '../../core/nn/layers.ts';
import { Module } from '../../core/nn/module.ts';
import { leakyRelu } from '../../core/ops/elementwise.ts';
import { reshape } from '../../core/ops/reshape.ts';
import { assertRank } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';

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
    let h = this.#conv1.forward(windows, { leakySlope: slope });
    h = this.#conv2.forward(h, { leakySlope: slope });
    h = this.#conv3.forward(h, { leakySlope: slope });
    return leakyRelu(this.#project.forward(reshape(h, [windows.shape[0]!, -1])), slope);
  }
}
