// One PGFace training step, Sec. 4.2: predict [alpha_id, alpha_exp] for pairs of neighbouring frames and
// minimise L_PGFace = mu1 L_shape + mu2 L_s-motion (Eq. 7, 8) on the decoded vertices, computed exactly as
// a quadratic form in coefficient residuals (talking-head/ops/masked-vertex-loss.ts).
// The "fixed-identity" variant (Table 3's VOCA-style baseline) generates expression only: its identity
// coefficients are the person's mean identity over the training frames.
import { backward } from '../../core/autograd.ts';
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { mul } from '../../core/ops/elementwise.ts';
import { concat, slice } from '../../core/ops/layout.ts';
import { maskedVertexLosses } from '../ops/masked-vertex-loss.ts';
import { sum } from '../../core/ops/reduce.ts';
import { reshape } from '../../core/ops/reshape.ts';
import { Adam } from '../../core/optim/adam.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { FaceBatch } from '../data/dataset.ts';
import { ID_COMPONENTS } from '../face/face-model.ts';
import type { PgFaceConfig } from '../pgface/config.ts';
import { PgFace } from '../pgface/pgface.ts';

export interface FaceStepLosses {
  readonly shape: Tensor;
  readonly motion: Tensor;
  /** mu1 L_shape + mu2 L_s-motion */
  readonly total: Tensor;
}

/** A batch plus, for the fixed-identity variant, each row's identity coefficients [2K, 80] (normalised). */
export interface FaceTrainingBatch extends FaceBatch {
  readonly fixedIdentity?: Float32Array;
}

export class PgFaceTrainer {
  readonly engine: Engine;
  readonly config: PgFaceConfig;
  readonly model: PgFace;
  readonly optimizer: Adam;
  readonly #quadratic: Tensor;
  readonly #weights: Tensor;

  /** `quadratic`: Q [144, 144] from faceQuadraticForm; the trainer takes ownership. */
  constructor(engine: Engine, config: PgFaceConfig, quadratic: Tensor, options: { learningRate: number; seed: number }) {
    this.engine = engine;
    this.config = config;
    this.model = new PgFace(engine, config, new InitRandom(options.seed));
    this.optimizer = new Adam(this.model.parameters(), { lr: options.learningRate });
    this.#quadratic = quadratic;
    this.#weights = engine.keep(tensor(engine, [config.mu1, config.mu2], [2], 'pgface.lossWeights'));
  }

  /** Predicted coefficients [2K, 144] for a batch (identity replaced for the fixed-identity variant). */
  predict(batch: FaceTrainingBatch): Tensor {
    const c = this.config;
    const rows = batch.rows;
    const windows = tensor(this.engine, batch.audio, [rows, c.featureCount, c.windowFrames], 'batch.audio');
    const poses = tensor(this.engine, batch.pose, [rows, c.poseChannels], 'batch.pose');
    const out = this.model.forward(windows, poses);
    if (c.variant === 'pgface') return out;
    if (!batch.fixedIdentity) throw new Error('PgFaceTrainer: the fixed-identity variant needs batch.fixedIdentity');
    const identity = tensor(this.engine, batch.fixedIdentity, [rows, ID_COMPONENTS], 'batch.fixedIdentity');
    return concat([identity, slice(out, [0, ID_COMPONENTS], [rows, c.coefficients - ID_COMPONENTS])], 1);
  }

  losses(predicted: Tensor, batch: FaceBatch): FaceStepLosses {
    const target = tensor(this.engine, batch.face, [batch.rows, this.config.coefficients], 'batch.face');
    const both = maskedVertexLosses(predicted, target, this.#quadratic);
    return {
      shape: reshape(slice(both, [0], [1]), []),
      motion: reshape(slice(both, [1], [1]), []),
      total: sum(mul(both, this.#weights)),
    };
  }

  step(batch: FaceTrainingBatch): FaceStepLosses {
    return this.engine.tidy(() => {
      this.model.train(true);
      const losses = this.losses(this.predict(batch), batch);
      backward(losses.total);
      this.optimizer.step();
      this.optimizer.zeroGrad();
      return losses;
    });
  }

  /** Losses without a step (validation). */
  evaluate(batch: FaceTrainingBatch): FaceStepLosses {
    return this.engine.noGrad(() => this.engine.tidy(() => {
      this.model.train(false);
      return this.losses(this.predict(batch), batch);
    }));
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
    this.#quadratic.dispose();
    this.#weights.dispose();
  }
}
