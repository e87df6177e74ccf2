// PoseGAN's discriminator D(x, y), Sec. 4.1: a conv1d network that sees a pose sequence together with its
// audio, and scores overlapping stretches of it (a patch discriminator: one logit for each T/8 frames of
// output, each seeing ~2 s of context), so it judges local dynamics rather than one global score.
//
//   audio frames [B, T, F] -> [B, F, T] -> leaky(conv1x1 -> 32)  \
//   poses        [B, T, 6] -> [B, 6, T]  ----------------------  concat -> conv(k5, s2) -> leaky
//   -> [conv(k5, s2) -> GN -> leaky] x (n - 1) -> conv(k3) -> logits [B, 1, T / 2^n]
import type { Engine } from '../../core/engine.ts';
import type { InitRandom } from '../../core/nn/init.ts';
import { Conv1d, GroupNorm } from '../../core/nn/layers.ts';
import { Module } from '../../core/nn/module.ts';
import { concat, permute } from '../../core/ops/layout.ts';
import { assertShape } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { PoseGanConfig } from './config.ts';

const AUDIO_CHANNELS = 32;

export class PoseDiscriminator extends Module {
  readonly config: PoseGanConfig;
  readonly #audio: Conv1d;
  readonly #convs: Conv1d[] = [];
  readonly #norms: (GroupNorm | null)[] = [];
  readonly #output: Conv1d;

  constructor(engine: Engine, config: PoseGanConfig, random: InitRandom, name = 'discriminator') {
    super();
    this.config = config;
    this.#audio = this.registerModule('audio', new Conv1d(engine, `${name}.audio`, { inChannels: config.featureCount, outChannels: AUDIO_CHANNELS, kernelSize: 1 }, random));
    let channels = AUDIO_CHANNELS + config.poseChannels;
    config.discriminatorChannels.forEach((out, i) => {
      this.#convs.push(this.registerModule(`conv${i + 1}`, new Conv1d(engine, `${name}.conv${i + 1}`, { inChannels: channels, outChannels: out, kernelSize: 5, stride: 2, padding: 2 }, random)));
      this.#norms.push(i === 0 ? null : this.registerModule(`norm${i + 1}`, new GroupNorm(engine, `${name}.norm${i + 1}`, out, config.groups)));
      channels = out;
    });
    this.#output = this.registerModule('output', new Conv1d(engine, `${name}.output`, { inChannels: channels, outChannels: 1, kernelSize: 3, padding: 1 }, random));
  }

  /** audioFrames [B, T, F], poses [B, T, 6] -> logits [B, 1, T / 2^n] (real: high). */
  forward(audioFrames: Tensor, poses: Tensor): Tensor {
    const c = this.config;
    const [batch, frames] = poses.shape as [number, number];
    assertShape('PoseDiscriminator', 'poses', poses.shape, [batch, frames, c.poseChannels]);
    assertShape('PoseDiscriminator', 'audio frames', audioFrames.shape, [batch, frames, c.featureCount]);
    const audio = this.#audio.forward(permute(audioFrames, [0, 2, 1]), { leakySlope: c.leakySlope });
    let h = concat([audio, permute(poses, [0, 2, 1])], 1);
    this.#convs.forEach((conv, i) => {
      const norm = this.#norms[i];
      h = norm ? norm.forward(conv.forward(h), { leakySlope: c.leakySlope }) : conv.forward(h, { leakySlope: c.leakySlope });
    });
    return this.#output.forward(h);
  }
}
