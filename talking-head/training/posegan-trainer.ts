// One PoseGAN training step, Sec. 4.1, recorded as dispatches without readbacks:
//   1. fake = G(x, p) (and noise z when the config has noiseChannels; ours)
//   2. L_L2 = mean over the batch of (alpha L_pose + beta L_p-motion)                          Eq. (3)-(5)
//      Eq. (3)-(4) are sums over the T frames of a window; config.reconstructionNormalisation = 'frame-mean'
//      divides them by T, so L_L2 is a frame's loss (ours: see config.ts for why lambda needs it)
//   3. (posegan) D step on D(x, y) vs D(x, detach(fake)) in the form of config.adversarialLoss
//      (talking-head/training/adversarial-loss.ts; D maximises L_GAN), at discriminatorLearningRate x G's rate
//   4. G step: L_G = lambda L_GAN' + featureMatching L_FM + L_L2 (posegan), or L_L2 (the "cnn" baseline)  Eq. (6)
//      with L_GAN' G's side of the adversarial loss under the D just updated.
//   5. (ours, motionCritic > 0) the motion critic steps on crops of the real and generated windows (and of
//      real pose-only clips), and G adds motionCritic times its adversarial term (talking-head/training/motion-critic.ts).
import { backward } from '../../core/autograd.ts';
import { zeroGrad } from '../../core/record-grad.ts';
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { add, mul, mulScalar } from '../../core/ops/elementwise.ts';
import { poseReconstructionLosses } from '../ops/pose-loss.ts';
import { mean, sum } from '../../core/ops/reduce.ts';
import { slice } from '../../core/ops/layout.ts';
import { detach, reshape } from '../../core/ops/reshape.ts';
import { Adam } from '../../core/optim/adam.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { PoseBatch } from '../data/dataset.ts';
import type { PoseOnlyClip } from '../data/pose-only.ts';
import type { PoseGanConfig } from '../posegan/config.ts';
import { PoseDiscriminator } from '../posegan/discriminator.ts';
import { PoseGenerator } from '../posegan/generator.ts';
import { generatorNoise } from '../posegan/noise.ts';
import { discriminatorLoss, featureMatchingLoss, generatorAdversarialLoss } from './adversarial-loss.ts';
import { MotionCritic } from './motion-critic.ts';

/** A batch of training windows, normalised, row-major (talking-head/data/dataset.ts poseBatch makes them). */
export type PoseBatchArrays = Pick<PoseBatch, 'batch' | 'length' | 'audio' | 'audioFrames' | 'pose' | 'initial'>;

/** Loss values of one step, still on the GPU (read them when needed). */
export interface PoseStepLosses {
  /** mean over the batch of L_pose, L_p-motion (Eq. 3, 4), normalised as the config says */
  readonly pose: Tensor;
  readonly motion: Tensor;
  /** alpha L_pose + beta L_motion, batch mean (Eq. 5) */
  readonly l2: Tensor;
  /** G's adversarial term and D's loss (posegan variant only) */
  readonly adversarial: Tensor | null;
  readonly discriminator: Tensor | null;
  /** G's feature-matching term (when config.featureMatching > 0) */
  readonly featureMatching: Tensor | null;
  /** the motion critic's loss (when config.motionCritic > 0) */
  readonly motionCritic: Tensor | null;
}

export interface PoseGanTrainerOptions {
  readonly learningRate: number;
  readonly seed: number;
  /** real pose-only clips for the motion critic (config.motionCritic > 0) */
  readonly poseOnly?: readonly PoseOnlyClip[];
}

/** The factor Eq. (3)-(4)'s sums over a window of `frames` frames are multiplied by before Eq. (5). */
export function reconstructionScale(config: Pick<PoseGanConfig, 'reconstructionNormalisation'>, frames: number): number {
  return config.reconstructionNormalisation === 'frame-mean' ? 1 / frames : 1;
}

export class PoseGanTrainer {
  readonly engine: Engine;
  readonly config: PoseGanConfig;
  readonly generator: PoseGenerator;
  readonly discriminator: PoseDiscriminator | null;
  readonly generatorOptimizer: Adam;
  readonly discriminatorOptimizer: Adam | null;
  readonly motionCritic: MotionCritic | null;
  readonly #weights = new Map<number, Tensor>();
  readonly #noise: InitRandom;

  constructor(engine: Engine, config: PoseGanConfig, options: PoseGanTrainerOptions) {
    this.engine = engine;
    this.config = config;
    const random = new InitRandom(options.seed);
    this.generator = new PoseGenerator(engine, config, random);
    this.discriminator = config.variant === 'posegan' ? new PoseDiscriminator(engine, config, random) : null;
    this.generatorOptimizer = new Adam(this.generator.parameters(), { lr: options.learningRate });
    this.discriminatorOptimizer = this.discriminator ? new Adam(this.discriminator.parameters(), { lr: options.learningRate * config.discriminatorLearningRate }) : null;
    this.motionCritic = config.variant === 'posegan' && config.motionCritic > 0
      ? new MotionCritic(engine, config, options.poseOnly ?? [], options.learningRate * config.discriminatorLearningRate, random)
      : null;
    this.#noise = new InitRandom((options.seed * 2654435761) >>> 0);
  }

  /** [alpha, beta] times the normalisation of a window of `frames` frames, kept per window length. */
  #lossWeights(frames: number): Tensor {
    let weights = this.#weights.get(frames);
    if (!weights) {
      const scale = reconstructionScale(this.config, frames);
      weights = this.engine.keep(tensor(this.engine, [this.config.alpha * scale, this.config.beta * scale], [2], 'posegan.lossWeights'));
      this.#weights.set(frames, weights);
    }
    return weights;
  }

  /** Uploads a batch; the tensors belong to the caller's scope. */
  batchTensors(arrays: PoseBatchArrays): { audio: Tensor; audioFrames: Tensor; pose: Tensor; initial: Tensor; noise: Tensor | null } {
    const { batch: b, length: t } = arrays;
    const c = this.config;
    return {
      audio: tensor(this.engine, arrays.audio, [b, t, c.featureCount, c.windowFrames], 'batch.audio'),
      audioFrames: tensor(this.engine, arrays.audioFrames, [b, t, c.featureCount], 'batch.audioFrames'),
      pose: tensor(this.engine, arrays.pose, [b, t, c.poseChannels], 'batch.pose'),
      initial: tensor(this.engine, arrays.initial, [b, c.poseChannels], 'batch.initial'),
      noise: generatorNoise(this.engine, this.#noise, this.generator.noiseShape(b, t)),
    };
  }

  /** L_pose, L_motion and L_L2 of generated vs real poses [B, T, 6] (batch means, normalised as configured). */
  reconstructionLosses(generated: Tensor, real: Tensor, initial: Tensor): { pose: Tensor; motion: Tensor; l2: Tensor } {
    const weights = this.#lossWeights(generated.shape[1]!);
    const scale = reconstructionScale(this.config, generated.shape[1]!);
    const means = mean(poseReconstructionLosses(generated, real, initial), 0);
    const l2 = sum(mul(means, weights));
    const scaled = scale === 1 ? means : mulScalar(means, scale);
    return { pose: sliceScalar(scaled, 0), motion: sliceScalar(scaled, 1), l2 };
  }

  /** One optimisation step of D (posegan) and G on a batch. Returns the losses, unread. */
  step(arrays: PoseBatchArrays): PoseStepLosses {
    const engine = this.engine;
    const c = this.config;
    return engine.tidy(() => {
      this.generator.train(true);
      const batch = this.batchTensors(arrays);
      const fake = this.generator.forward(batch.audio, batch.initial, batch.noise);
      const rec = this.reconstructionLosses(fake, batch.pose, batch.initial);
      let adversarial: Tensor | null = null;
      let discriminatorValue: Tensor | null = null;
      let featureMatching: Tensor | null = null;
      let motionCritic: Tensor | null = null;
      let generatorLoss = rec.l2;
      const d = this.discriminator;
      if (d && this.discriminatorOptimizer) {
        d.train(true);
        discriminatorValue = discriminatorLoss(c.adversarialLoss, d.forward(batch.audioFrames, batch.pose), d.forward(batch.audioFrames, detach(fake)));
        backward(discriminatorValue);
        this.discriminatorOptimizer.step();
        zeroGrad(d.parameters());
        const judged = d.features(batch.audioFrames, fake);
        adversarial = generatorAdversarialLoss(c.adversarialLoss, judged.logits);
        generatorLoss = add(mulScalar(adversarial, c.lambda), rec.l2);
        if (c.featureMatching > 0) {
          const real = engine.noGrad(() => d.features(batch.audioFrames, batch.pose).features);
          featureMatching = featureMatchingLoss(real, judged.features);
          generatorLoss = add(generatorLoss, mulScalar(featureMatching, c.featureMatching));
        }
      }
      if (this.motionCritic) {
        const judged = this.motionCritic.step(batch.pose, fake);
        motionCritic = judged.critic;
        generatorLoss = add(generatorLoss, mulScalar(judged.generator, c.motionCritic));
      }
      backward(generatorLoss);
      this.generatorOptimizer.step();
      this.generatorOptimizer.zeroGrad();
      if (d) zeroGrad(d.parameters());
      if (this.motionCritic) zeroGrad(this.motionCritic.network.parameters());
      return { pose: rec.pose, motion: rec.motion, l2: rec.l2, adversarial, discriminator: discriminatorValue, featureMatching, motionCritic };
    });
  }

  dispose(): void {
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer?.dispose();
    this.generator.dispose();
    this.discriminator?.dispose();
    this.motionCritic?.dispose();
    for (const w of this.#weights.values()) w.dispose();
  }
}

function sliceScalar(x: Tensor, index: number): Tensor {
  return reshape(slice(x, [index], [1]), []);
}
