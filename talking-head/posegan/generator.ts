// PoseGAN's generator G(x, p), Sec. 4.1: a CNN audio encoder on each frame's 16-frame window, then a 1-D
// U-Net over the T-frame sequence, with the initial pose p embedded in the input layer and in the output
// layer (concatenated as 6 constant channels), so the generated sequence starts where it should.
//
//   audio [B, T, F, W] --encoder per frame--> [B, E, T] --concat p--> conv_in --> h0 [B, u0, T]
//   down i = 1..D:  h_i = leaky(GN(conv_{stride 2}(h_{i-1})))                      [B, u_i, T / 2^i]
//   (ours, noiseChannels > 0) h_D = concat(h_D, z), z ~ N(0, 1) [B, noiseChannels, T / 2^D]
//   up   i = D..1:  h   = leaky(GN(conv(concat(upsample2(h), h_{i-1}))))             [B, u_{i-1}, T / 2^(i-1)]
//   out = conv_out(concat(h, p)) (+ p, residualInitialPose; not under anchoring, where it cancels)  [B, 6, T]
//   (ours, outputSmoothing > 0) out = Eq. (1) Gaussian filter of out along T      [B, 6, T]
//   (ours, anchorInitialPose) out = out - out_0 + p: the first frame is p exactly   [B, 6, T] -> [B, T, 6]
import type { Engine } from '../../core/engine.ts';
import type { InitRandom } from '../../core/nn/init.ts';
import { Conv1d, GroupNorm } from '../../core/nn/layers.ts';
import { Module } from '../../core/nn/module.ts';
import { upsampleNearest1d } from '../../core/ops/conv1d.ts';
import { add, expand } from '../../core/ops/elementwise.ts';
import { anchorPoses } from '../ops/anchor-poses.ts';
import { gaussianTemporalFilter } from '../ops/gaussian-filter.ts';
import { concat, permute } from '../../core/ops/layout.ts';
import { reshape } from '../../core/ops/reshape.ts';
import { assertRank, assertShape } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';
import { AudioWindowEncoder } from '../nn/audio-window-encoder.ts';
import { type PoseGanConfig, validatePoseGanConfig } from './config.ts';

class ConvNormAct extends Module {
  readonly #conv: Conv1d;
  readonly #norm: GroupNorm;
  readonly #slope: number;
  constructor(engine: Engine, name: string, inChannels: number, outChannels: number, stride: number, config: PoseGanConfig, random: InitRandom) {
    super();
    this.#conv = this.registerModule('conv', new Conv1d(engine, `${name}.conv`, { inChannels, outChannels, kernelSize: 5, stride, padding: 2 }, random));
    this.#norm = this.registerModule('norm', new GroupNorm(engine, `${name}.norm`, outChannels, config.groups));
    this.#slope = config.leakySlope;
  }
  forward(x: Tensor): Tensor {
    return this.#norm.forward(this.#conv.forward(x), { leakySlope: this.#slope });
  }
}

export class PoseGenerator extends Module {
  readonly config: PoseGanConfig;
  readonly #encoder: AudioWindowEncoder;
  readonly #input: Conv1d;
  readonly #down: ConvNormAct[] = [];
  readonly #up: ConvNormAct[] = [];
  readonly #output: Conv1d;

  constructor(engine: Engine, config: PoseGanConfig, random: InitRandom, name = 'generator') {
    super();
    validatePoseGanConfig(config);
    this.config = config;
    const u = config.unetChannels;
    const pc = config.poseChannels;
    this.#encoder = this.registerModule('encoder', new AudioWindowEncoder(engine, `${name}.encoder`, {
      featureCount: config.featureCount, windowFrames: config.windowFrames, leakySlope: config.leakySlope, ...config.encoder,
    }, random));
    this.#input = this.registerModule('input', new Conv1d(engine, `${name}.input`, { inChannels: config.encoder.embedding + pc, outChannels: u[0]!, kernelSize: 5, padding: 2 }, random));
    for (let i = 1; i < u.length; i++) {
      this.#down.push(this.registerModule(`down${i}`, new ConvNormAct(engine, `${name}.down${i}`, u[i - 1]!, u[i]!, 2, config, random)));
    }
    for (let i = u.length - 1; i >= 1; i--) {
      const fromBelow = u[i]! + (i === u.length - 1 ? config.noiseChannels : 0);
      this.#up.push(this.registerModule(`up${i}`, new ConvNormAct(engine, `${name}.up${i}`, fromBelow + u[i - 1]!, u[i - 1]!, 1, config, random)));
    }
    this.#output = this.registerModule('output', new Conv1d(engine, `${name}.output`, { inChannels: u[0]! + pc, outChannels: pc, kernelSize: 5, padding: 2 }, random));
  }

  /** The noise G sees for `batch` windows of `frames` frames: [B, noiseChannels, T / 2^D]. */
  noiseShape(batch: number, frames: number): [number, number, number] {
    return [batch, this.config.noiseChannels, frames / 2 ** (this.config.unetChannels.length - 1)];
  }

  /**
   * audio [B, T, F, W], initial [B, 6], noise [B, noiseChannels, T / 2^D] (when noiseChannels > 0) -> poses
   * [B, T, 6] (in the dataset's normalised pose units).
   */
  forward(audio: Tensor, initial: Tensor, noise: Tensor | null = null): Tensor {
    const c = this.config;
    assertRank('PoseGenerator', 'audio', audio.shape, 4, `[batch, frames, features=${c.featureCount}, window=${c.windowFrames}]`);
    const [batch, frames] = audio.shape as [number, number];
    assertShape('PoseGenerator', 'audio', audio.shape, [batch, frames, c.featureCount, c.windowFrames]);
    assertShape('PoseGenerator', 'initial pose', initial.shape, [batch, c.poseChannels]);
    return this.forwardEncoded(this.#sequenceLayout(this.#encoder.forward(reshape(audio, [batch * frames, c.featureCount, c.windowFrames])), batch, frames), initial, noise);
  }

  /** The encoder's output [B * T, embedding], one row a frame -> the U-Net's layout [B, embedding, T]. */
  #sequenceLayout(encoded: Tensor, batch: number, frames: number): Tensor {
    return permute(reshape(encoded, [batch, frames, this.config.encoder.embedding]), [0, 2, 1]);
  }

  /**
   * Every frame's audio window encoded, frames [N, F, W] -> [1, embedding, N]: the encoder sees one frame at a
   * time, so inference encodes a whole clip at once (a few large dispatches instead of a few small ones a
   * window) and hands forwardEncoded each window's slice; the values are those forward computes.
   */
  encodeAudio(windows: Tensor): Tensor {
    const c = this.config;
    assertRank('PoseGenerator.encodeAudio', 'windows', windows.shape, 3, `[frames, features=${c.featureCount}, window=${c.windowFrames}]`);
    return this.#sequenceLayout(this.#encoder.forward(windows), 1, windows.shape[0]!);
  }

  /**
   * encodeAudio(contextWindows(perFrame, W, centre)) from the per-frame features perFrame [N, F] the windows are cut
   * from (AudioWindowEncoder.forwardFrames: the first layer once a frame, not once a window column) -> [1, embedding, N].
   */
  encodeFrames(perFrame: Tensor, centre: number): Tensor {
    assertRank('PoseGenerator.encodeFrames', 'per-frame features', perFrame.shape, 2, `[frames, features=${this.config.featureCount}]`);
    return this.#sequenceLayout(this.#encoder.forwardFrames(perFrame, centre), 1, perFrame.shape[0]!);
  }

  /** forward after the audio encoder: sequence [B, embedding, T] (encodeAudio's layout), initial [B, 6] -> [B, T, 6]. */
  forwardEncoded(sequence: Tensor, initial: Tensor, noise: Tensor | null = null): Tensor {
    const c = this.config;
    assertRank('PoseGenerator', 'encoded audio', sequence.shape, 3, `[batch, embedding=${c.encoder.embedding}, frames]`);
    const [batch, , frames] = sequence.shape as [number, number, number];
    assertShape('PoseGenerator', 'encoded audio', sequence.shape, [batch, c.encoder.embedding, frames]);
    assertShape('PoseGenerator', 'initial pose', initial.shape, [batch, c.poseChannels]);
    const factor = 2 ** (c.unetChannels.length - 1);
    if (frames % factor !== 0) throw new RangeError(`PoseGenerator: ${frames} frames are not divisible by ${factor}; pad the window`);
    const initialChannels = expand(reshape(initial, [batch, c.poseChannels, 1]), [batch, c.poseChannels, frames]);

    const skips: Tensor[] = [this.#input.forward(concat([sequence, initialChannels], 1), { leakySlope: c.leakySlope })];
    for (const block of this.#down) skips.push(block.forward(skips.at(-1)!));
    let h = skips.pop()!;
    if (c.noiseChannels > 0) {
      if (!noise) throw new Error(`PoseGenerator: this generator takes ${c.noiseChannels} noise channels (noiseChannels) and was given none`);
      assertShape('PoseGenerator', 'noise', noise.shape, this.noiseShape(batch, frames));
      h = concat([h, noise], 1);
    }
    for (const block of this.#up) h = block.forward(concat([upsampleNearest1d(h, 2), skips.pop()!], 1));
    let out = this.#output.forward(concat([h, initialChannels], 1));
    // Under anchoring the residual add cancels exactly, so it is skipped (a dispatch a window in inference): the
    // filter's weights sum to 1 at every frame (normalised, edges replicated), so F(o + p) = F(o) + p, and
    // anchoring takes frame 0 away again: (F(o) + p) - (F(o)_0 + p) + p = F(o) - F(o)_0 + p. Values change by
    // float rounding only, gradients not at all.
    if (c.residualInitialPose && !c.anchorInitialPose) out = add(out, initialChannels);
    // F(out) - F(out)_0 + p, filtered and turned to [B, T, 6] in one kernel (talking-head/ops/anchor-poses.ts)
    if (c.anchorInitialPose) return anchorPoses(out, initial, { sigma: c.outputSmoothing });
    if (c.outputSmoothing > 0) out = gaussianTemporalFilter(out, { sigma: c.outputSmoothing });
    return permute(out, [0, 2, 1]);
  }
}
