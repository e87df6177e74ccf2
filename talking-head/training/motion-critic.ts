// (ours, config.motionCritic > 0) A second critic of PoseGAN's generator that judges motion alone: no audio,
// and each CRITIC_FRAMES-frame crop taken relative to its first pose, so where a head rests does not count,
// only how it moves. Its real examples are crops of the real training windows and, beyond the paper, crops of
// real pose-only clips (talking-head/data/pose-only.ts: other speakers' head motion without audio), so it learns what
// real head motion looks like from more than the few minutes that have speech. Its fakes are crops of G's
// windows. It trains with the same loss form as D (adversarial-loss.ts); G adds motionCritic times its
// adversarial term to Eq. (6).
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { backward } from '../../core/autograd.ts';
import { zeroGrad } from '../../core/record-grad.ts';
import { expand, sub } from '../../core/ops/elementwise.ts';
import { concat, slice } from '../../core/ops/layout.ts';
import { detach, reshape } from '../../core/ops/reshape.ts';
import { Adam } from '../../core/optim/adam.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { PoseOnlyClip } from '../data/pose-only.ts';
import type { PoseGanConfig } from '../posegan/config.ts';
import { PoseDiscriminator } from '../posegan/discriminator.ts';
import { discriminatorLoss, generatorAdversarialLoss } from './adversarial-loss.ts';

export const CRITIC_FRAMES = 64;

/** The critic's own config: D's, without audio, seeing frame differences (scale 10 unless D's is set). */
export function motionCriticConfig(config: PoseGanConfig): PoseGanConfig {
  return { ...config, discriminatorAudio: false, discriminatorMotion: config.discriminatorMotion > 0 ? config.discriminatorMotion : 10 };
}

/** poses [N, L, 6] -> each crop minus its first pose. */
function relativeToStart(poses: Tensor): Tensor {
  const [n, length, channels] = poses.shape as [number, number, number];
  return sub(poses, expand(slice(poses, [0, 0, 0], [n, 1, channels]), [n, length, channels]));
}

/** [B, T, 6] with T a multiple of CRITIC_FRAMES -> [B T / CRITIC_FRAMES, CRITIC_FRAMES, 6] */
function crops(poses: Tensor): Tensor {
  const [b, t, channels] = poses.shape as [number, number, number];
  if (t % CRITIC_FRAMES !== 0) throw new RangeError(`motion critic: windows of ${t} frames are not whole crops of ${CRITIC_FRAMES}`);
  return reshape(poses, [(b * t) / CRITIC_FRAMES, CRITIC_FRAMES, channels]);
}

export class MotionCritic {
  readonly network: PoseDiscriminator;
  readonly optimizer: Adam;
  readonly #engine: Engine;
  readonly #config: PoseGanConfig;
  readonly #poseOnly: readonly PoseOnlyClip[];
  readonly #random: InitRandom;

  constructor(engine: Engine, config: PoseGanConfig, poseOnly: readonly PoseOnlyClip[], learningRate: number, random: InitRandom) {
    this.#engine = engine;
    this.#config = config;
    this.#poseOnly = poseOnly.filter((c) => c.pose.length / 6 >= CRITIC_FRAMES);
    this.#random = new InitRandom(Math.floor(random.next() * 2 ** 31));
    this.network = new PoseDiscriminator(engine, motionCriticConfig(config), random, 'motionCritic');
    this.optimizer = new Adam(this.network.parameters(), { lr: learningRate });
  }

  /** `count` random crops of the pose-only clips [count, CRITIC_FRAMES, 6], or null without any. */
  #poseOnlyCrops(count: number): Tensor | null {
    if (this.#poseOnly.length === 0 || count === 0) return null;
    const out = new Float32Array(count * CRITIC_FRAMES * 6);
    for (let k = 0; k < count; k++) {
      const clip = this.#poseOnly[Math.floor(this.#random.next() * this.#poseOnly.length)]!;
      const start = Math.floor(this.#random.next() * (clip.pose.length / 6 - CRITIC_FRAMES + 1));
      out.set(clip.pose.subarray(start * 6, (start + CRITIC_FRAMES) * 6), k * CRITIC_FRAMES * 6);
    }
    return tensor(this.#engine, out, [count, CRITIC_FRAMES, 6], 'motionCritic.poseOnly');
  }

  /**
   * One critic step on real windows and G's (detached) windows [B, T, 6]; returns the critic's loss and G's
   * adversarial term under the updated critic (differentiable in `fake`), both unread.
   */
  step(real: Tensor, fake: Tensor): { critic: Tensor; generator: Tensor } {
    const kind = this.#config.adversarialLoss;
    const realCrops = crops(real);
    const extra = this.#poseOnlyCrops(realCrops.shape[0]!);
    const realExamples = relativeToStart(extra ? concat([realCrops, extra], 0) : realCrops);
    const fakeCrops = relativeToStart(crops(fake));
    this.network.train(true);
    const critic = discriminatorLoss(kind, this.network.forward(null, realExamples), this.network.forward(null, detach(fakeCrops)));
    backward(critic);
    this.optimizer.step();
    zeroGrad(this.network.parameters());
    return { critic, generator: generatorAdversarialLoss(kind, this.network.forward(null, fakeCrops)) };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.network.dispose();
  }
}
