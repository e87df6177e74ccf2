// PGFace, Sec. 4.2: for each frame, its 16-frame audio window and its head pose -> the face coefficients of
// that frame, [alpha_id (80), alpha_exp (64)]. Identity is generated too, because per-frame identity estimates
// vary with pose, camera and expression.
//
//   windows [N, F, 16] -> AudioWindowEncoder -> [N, E] --concat pose [N, 6]--> linear -> leaky -> linear -> [N, 144]
import type { Engine } from '../../core/engine.ts';
import type { InitRandom } from '../../core/nn/init.ts';
import { Linear } from '../../core/nn/layers.ts';
import { Module } from '../../core/nn/module.ts';
import { leakyRelu } from '../../core/ops/elementwise.ts';
import { concat } from '../../core/ops/layout.ts';
import { assertShape } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';
import { AudioWindowEncoder } from '../nn/audio-window-encoder.ts';
import type { PgFaceConfig } from './config.ts';

export class PgFace extends Module {
  readonly config: PgFaceConfig;
  readonly #encoder: AudioWindowEncoder;
  readonly #hidden: Linear;
  readonly #output: Linear;

  constructor(engine: Engine, config: PgFaceConfig, random: InitRandom, name = 'pgface') {
    super();
    this.config = config;
    this.#encoder = this.registerModule('encoder', new AudioWindowEncoder(engine, `${name}.encoder`, {
      featureCount: config.featureCount, windowFrames: config.windowFrames, leakySlope: config.leakySlope, ...config.encoder,
    }, random));
    this.#hidden = this.registerModule('hidden', new Linear(engine, `${name}.hidden`, config.encoder.embedding + config.poseChannels, config.hidden, random));
    this.#output = this.registerModule('output', new Linear(engine, `${name}.output`, config.hidden, config.coefficients, random));
  }

  /** Adds `delta` [coefficients] to the output layer's bias: re-centring for personalisation (talking-head/training/recentre-face-output.ts). */
  async shiftOutputBias(delta: Float32Array): Promise<void> {
    const bias = this.#output.bias!;
    assertShape('PgFace.shiftOutputBias', 'delta', [delta.length], bias.shape);
    const values = await bias.read();
    bias.engine.upload(bias.buffer, values.map((v, k) => v + delta[k]!));
  }

  /** windows [N, F, W], poses [N, 6] (normalised) -> coefficients [N, 144] (normalised). */
  forward(windows: Tensor, poses: Tensor): Tensor {
    const c = this.config;
    const n = windows.shape[0]!;
    assertShape('PgFace', 'audio windows', windows.shape, [n, c.featureCount, c.windowFrames]);
    assertShape('PgFace', 'poses', poses.shape, [n, c.poseChannels]);
    return this.forwardEncoded(this.#encoder.forward(windows), poses);
  }

  /**
   * The audio encoder from per-frame features perFrame [N, F] instead of their context windows (centre: the
   * windows' centre column; AudioWindowEncoder.forwardFrames) -> [N, embedding].
   */
  encodeFrames(perFrame: Tensor, centre: number): Tensor {
    return this.#encoder.forwardFrames(perFrame, centre);
  }

  /** forward after the audio encoder: audio [N, embedding], poses [N, 6] -> coefficients [N, 144]. */
  forwardEncoded(audio: Tensor, poses: Tensor): Tensor {
    const c = this.config;
    const n = audio.shape[0]!;
    assertShape('PgFace', 'encoded audio', audio.shape, [n, c.encoder.embedding]);
    assertShape('PgFace', 'poses', poses.shape, [n, c.poseChannels]);
    const h = leakyRelu(this.#hidden.forward(concat([audio, poses], 1)), c.leakySlope);
    return this.#output.forward(h);
  }
}
