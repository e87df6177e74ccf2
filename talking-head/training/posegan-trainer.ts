// One PoseGAN training step, Sec. 4.1, recorded as dispatches without readbacks:
//   1. fake = G(x, p)
//   2. L_L2 = mean over the batch of (alpha L_pose + beta L_p-motion)                          Eq. (3)-(5)
//   3. (posegan) D step: L_D = BCE(D(x, y), 1) + BCE(D(x, detach(fake)), 0)   (D maximises L_GAN)
//   4. G step: L_G = lambda L_GAN' + L_L2 (posegan) or L_L2 (the "cnn" baseline)               Eq. (6)
// Deviation (ours, as in nearly every GAN since Goodfellow et al. 2014): G minimises the non-saturating
// -log D(x, G(x, p)) instead of log(1 - D(x, G(x, p))); both have the same fixed point, but the latter's
// gradient vanishes while D wins, early in training.
import { backward } from '../../core/autograd.ts';
import { zeroGrad } from '../../core/record-grad.ts';
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { add, mul, mulScalar } from '../../core/ops/elementwise.ts';
import { bceWithLogits } from '../../core/ops/loss.ts';
import { poseReconstructionLosses } from '../ops/pose-loss.ts';
import { mean, sum } from '../../core/ops/reduce.ts';
import { slice } from '../../core/ops/layout.ts';
import { detach, reshape } from '../../core/ops/reshape.ts';
import { Adam } from '../../core/optim/adam.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { PoseBatch } from '../data/dataset.ts';
import type { PoseGanConfig } from '../posegan/config.ts';
import { PoseDiscriminator } from '../posegan/discriminator.ts';
import { PoseGenerator } from '../posegan/generator.ts';

/** A batch of training windows, normalised, row-major (talking-head/data/dataset.ts poseBatch makes them). */
export type PoseBatchArrays = Pick<PoseBatch, 'batch' | 'length' | 'audio' | 'audioFrames' | 'pose' | 'initial'>;

/** Loss values of one step, still on the GPU (read them when needed). */
export interface PoseStepLosses {
  /** mean over the batch of L_pose, L_p-motion (Eq. 3, 4) */
  readonly pose: Tensor;
  readonly motion: Tensor;
  /** alpha L_pose + beta L_motion, batch mean (Eq. 5) */
  readonly l2: Tensor;
  /** G's adversarial term and D's loss (posegan variant only) */
  readonly adversarial: Tensor | null;
  readonly discriminator: Tensor | null;
}

export interface PoseGanTrainerOptions {
  readonly learningRate: number;
  readonly seed: number;
}

export class PoseGanTrainer {
  readonly engine: Engine;
  readonly config: PoseGanConfig;
  readonly generator: PoseGenerator;
  readonly discriminator: PoseDiscriminator | null;
  readonly generatorOptimizer: Adam;
  readonly discriminatorOptimizer: Adam | null;
  readonly #weights: Tensor;

  constructor(engine: Engine, config: PoseGanConfig, options: PoseGanTrainerOptions) {
    this.engine = engine;
    this.config = config;
    const random = new InitRandom(options.seed);
    this.generator = new PoseGenerator(engine, config, random);
    this.discriminator = config.variant === 'posegan' ? new PoseDiscriminator(engine, config, random) : null;
    this.generatorOptimizer = new Adam(this.generator.parameters(), { lr: options.learningRate });
    this.discriminatorOptimizer = this.discriminator ? new Adam(this.discriminator.parameters(), { lr: options.learningRate }) : null;
    this.#weights = engine.keep(tensor(engine, [config.alpha, config.beta], [2], 'posegan.lossWeights'));
  }

  /** Uploads a batch; the tensors belong to the caller's scope. */
  batchTensors(arrays: PoseBatchArrays): { audio: Tensor; audioFrames: Tensor; pose: Tensor; initial: Tensor } {
    const { batch: b, length: t } = arrays;
    const c = this.config;
    return {
      audio: tensor(this.engine, arrays.audio, [b, t, c.featureCount, c.windowFrames], 'batch.audio'),
      audioFrames: tensor(this.engine, arrays.audioFrames, [b, t, c.featureCount], 'batch.audioFrames'),
      pose: tensor(this.engine, arrays.pose, [b, t, c.poseChannels], 'batch.pose'),
      initial: tensor(this.engine, arrays.initial, [b, c.poseChannels], 'batch.initial'),
    };
  }

  /** L_pose, L_motion and L_L2 of generated vs real poses (batch means). */
  reconstructionLosses(generated: Tensor, real: Tensor, initial: Tensor): { pose: Tensor; motion: Tensor; l2: Tensor } {
    const perSample = poseReconstructionLosses(generated, real, initial);
    const means = mean(perSample, 0);
    const l2 = sum(mul(means, this.#weights));
    return { pose: sliceScalar(means, 0), motion: sliceScalar(means, 1), l2 };
  }

  /** One optimisation step of D (posegan) and G on a batch. Returns the losses, unread. */
  step(arrays: PoseBatchArrays): PoseStepLosses {
    const engine = this.engine;
    return engine.tidy(() => {
      this.generator.train(true);
      const batch = this.batchTensors(arrays);
      const fake = this.generator.forward(batch.audio, batch.initial);
      const rec = this.reconstructionLosses(fake, batch.pose, batch.initial);
      let adversarial: Tensor | null = null;
      let discriminatorLoss: Tensor | null = null;
      let generatorLoss = rec.l2;
      const d = this.discriminator;
      if (d && this.discriminatorOptimizer) {
        discriminatorLoss = add(
          bceWithLogits(d.forward(batch.audioFrames, batch.pose), 1),
          bceWithLogits(d.forward(batch.audioFrames, detach(fake)), 0),
        );
        backward(discriminatorLoss);
        this.discriminatorOptimizer.step();
        zeroGrad(d.parameters());
        adversarial = bceWithLogits(d.forward(batch.audioFrames, fake), 1);
        generatorLoss = add(mulScalar(adversarial, this.config.lambda), rec.l2);
      }
      backward(generatorLoss);
      this.generatorOptimizer.step();
      this.generatorOptimizer.zeroGrad();
      if (d) zeroGrad(d.parameters());
      return { pose: rec.pose, motion: rec.motion, l2: rec.l2, adversarial, discriminator: discriminatorLoss };
    });
  }

  dispose(): void {
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer?.dispose();
    this.generator.dispose();
    this.discriminator?.dispose();
    this.#weights.dispose();
  }
}

function sliceScalar(x: Tensor, index: number): Tensor {
  return reshape(slice(x, [index], [1]), []);
}
