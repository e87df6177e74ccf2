// PoseGAN's discriminator D(x, y), Sec. 4.1: a conv1d network that sees a pose sequence together with its
// audio, and scores overlapping stretches of it (a patch discriminator: one logit for each 2^n frames of
// output), so it judges local dynamics rather than one global score.
//
//   audio frames [B, T, F] -> [B, F, T] -> leaky(conv1x1 -> 32)                      (discriminatorAudio)
//   poses        [B, T, 6] -> the chosen channels P (discriminatorPose) -> [B, P, T]
//                and their frame differences times discriminatorMotion               (ours, when > 0)
//   concat -> conv(k, s2) -> leaky -> [conv(k, s2) -> GN -> leaky] x (n - 1) -> conv(k3) -> logits [B, 1, T / 2^n]
//
// Receptive field of a logit: 1 + (k - 1)(2^n - 1) + 2 * 2^n frames (k = 5, n = 3: 45 frames, 1.5 s).
// Every conv is spectrally normalised when the config says so (talking-head/nn/spectral-norm-conv1d.ts).
// `features` returns each layer's activations too, for feature matching (talking-head/training/adversarial-loss.ts).
import type { Engine } from '../../core/engine.ts';
import type { InitRandom } from '../../core/nn/init.ts';
import { Conv1d, type Conv1dSpec, GroupNorm } from '../../core/nn/layers.ts';
import { Module } from '../../core/nn/module.ts';
import { leakyRelu, mulScalar, sub } from '../../core/ops/elementwise.ts';
import { concat, pad, permute, slice } from '../../core/ops/layout.ts';
import { assertShape } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';
import { SpectralNormConv1d } from '../nn/spectral-norm-conv1d.ts';
import type { PoseGanConfig } from './config.ts';

const AUDIO_CHANNELS = 32;

/** Pose channels D sees under each discriminatorPose setting (rotation: pitch, yaw, roll come first). */
export function discriminatorPoseChannels(config: Pick<PoseGanConfig, 'discriminatorPose' | 'poseChannels'>): number {
  return config.discriminatorPose === 'rotation' ? 3 : config.poseChannels;
}

type Convolution = Conv1d | SpectralNormConv1d;

function convolution(engine: Engine, name: string, spec: Conv1dSpec, config: PoseGanConfig, random: InitRandom): Convolution {
  return config.spectralNorm ? new SpectralNormConv1d(engine, name, spec, random) : new Conv1d(engine, name, spec, random);
}

/** [B, C, T] -> its frame differences x_t - x_(t-1), 0 at t = 0: [B, C, T]. */
export function frameDifferences(x: Tensor): Tensor {
  const [b, c, t] = x.shape as [number, number, number];
  if (t < 2) return mulScalar(x, 0);
  return pad(sub(slice(x, [0, 0, 1], [b, c, t - 1]), slice(x, [0, 0, 0], [b, c, t - 1])), [0, 0, 1], [0, 0, 0]);
}

export interface DiscriminatorOutput {
  /** [B, 1, T / 2^n] (real: high) */
  readonly logits: Tensor;
  /** each strided layer's activations, [B, C_i, T / 2^i] */
  readonly features: Tensor[];
}

export class PoseDiscriminator extends Module {
  readonly config: PoseGanConfig;
  readonly #audio: Convolution | null;
  readonly #convs: Convolution[] = [];
  readonly #norms: (GroupNorm | null)[] = [];
  readonly #output: Convolution;

  constructor(engine: Engine, config: PoseGanConfig, random: InitRandom, name = 'discriminator') {
    super();
    this.config = config;
    const poseChannels = discriminatorPoseChannels(config) * (config.discriminatorMotion > 0 ? 2 : 1);
    this.#audio = config.discriminatorAudio
      ? this.registerModule('audio', convolution(engine, `${name}.audio`, { inChannels: config.featureCount, outChannels: AUDIO_CHANNELS, kernelSize: 1 }, config, random))
      : null;
    let channels = (config.discriminatorAudio ? AUDIO_CHANNELS : 0) + poseChannels;
    const k = config.discriminatorKernel;
    if (!(Number.isInteger(k) && k % 2 === 1 && k >= 1)) throw new RangeError(`PoseGAN config: discriminatorKernel ${k}, expected an odd integer >= 1`);
    config.discriminatorChannels.forEach((out, i) => {
      this.#convs.push(this.registerModule(`conv${i + 1}`, convolution(engine, `${name}.conv${i + 1}`, { inChannels: channels, outChannels: out, kernelSize: k, stride: 2, padding: (k - 1) / 2 }, config, random)));
      this.#norms.push(i === 0 ? null : this.registerModule(`norm${i + 1}`, new GroupNorm(engine, `${name}.norm${i + 1}`, out, config.groups)));
      channels = out;
    });
    this.#output = this.registerModule('output', convolution(engine, `${name}.output`, { inChannels: channels, outChannels: 1, kernelSize: 3, padding: 1 }, config, random));
  }

  /** audioFrames [B, T, F] (ignored without discriminatorAudio), poses [B, T, 6] -> logits [B, 1, T / 2^n] (real: high). */
  forward(audioFrames: Tensor | null, poses: Tensor): Tensor {
    return this.features(audioFrames, poses).logits;
  }

  features(audioFrames: Tensor | null, poses: Tensor): DiscriminatorOutput {
    const c = this.config;
    const [batch, frames] = poses.shape as [number, number];
    assertShape('PoseDiscriminator', 'poses', poses.shape, [batch, frames, c.poseChannels]);
    const seen = discriminatorPoseChannels(c);
    let pose = permute(poses, [0, 2, 1]);
    if (seen < c.poseChannels) pose = slice(pose, [0, 0, 0], [batch, seen, frames]);
    const inputs = [pose];
    if (c.discriminatorMotion > 0) inputs.push(mulScalar(frameDifferences(pose), c.discriminatorMotion));
    if (this.#audio) {
      if (!audioFrames) throw new Error('PoseDiscriminator: this discriminator is conditioned on audio (discriminatorAudio) and needs the audio frames');
      assertShape('PoseDiscriminator', 'audio frames', audioFrames.shape, [batch, frames, c.featureCount]);
      inputs.unshift(leakyRelu(this.#audio.forward(permute(audioFrames, [0, 2, 1])), c.leakySlope));
    }
    let h = inputs.length === 1 ? inputs[0]! : concat(inputs, 1);
    const features: Tensor[] = [];
    this.#convs.forEach((conv, i) => {
      const norm = this.#norms[i];
      h = conv.forward(h);
      if (norm) h = norm.forward(h);
      h = leakyRelu(h, c.leakySlope);
      features.push(h);
    });
    return { logits: this.#output.forward(h), features };
  }
}
