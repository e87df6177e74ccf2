// A conv1d whose weight is divided by its largest singular value (spectral normalisation, Miyato et al. 2018):
// W [Cout, Cin, K] viewed as a matrix M [Cout, Cin K], sigma(M) estimated by one power iteration a training
// forward pass from a persistent vector u [Cout] (not a parameter; starts seeded-random):
//   v = M^T u / |M^T u|,   u <- M v / |M v|,   sigma = u^T M v,   y = conv1d(x, W / sigma) + b
// u and v are constants to autograd (as in the paper and PyTorch); sigma's dependence on W is differentiated.
// Outside training u is not updated. u is the module's state (namedState), saved and restored with checkpoints. Bounding each layer's Lipschitz constant keeps D's gradient to G from
// growing without bound as D gets sure of itself.
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import type { InitRandom } from '../../core/nn/init.ts';
import { Conv1d, type Conv1dSpec } from '../../core/nn/layers.ts';
import { Module } from '../../core/nn/module.ts';
import { conv1d } from '../../core/ops/conv1d.ts';
import { addScalar, div, mulScalar, sqrt, square } from '../../core/ops/elementwise.ts';
import { matmul } from '../../core/ops/matmul.ts';
import { sum } from '../../core/ops/reduce.ts';
import { detach, reshape } from '../../core/ops/reshape.ts';
import type { Tensor } from '../../core/tensor.ts';

/** x [N, 1] -> x / (|x| + 1e-12) */
function unit(x: Tensor): Tensor {
  return div(x, addScalar(sqrt(sum(square(x))), 1e-12));
}

export class SpectralNormConv1d extends Module {
  readonly #conv: Conv1d;
  readonly #engine: Engine;
  #u: Tensor;

  constructor(engine: Engine, name: string, spec: Conv1dSpec, random: InitRandom) {
    super();
    this.#engine = engine;
    this.#conv = this.registerModule('conv', new Conv1d(engine, name, spec, random));
    this.#u = engine.keep(tensor(engine, random.uniform(spec.outChannels, 1), [spec.outChannels, 1], `${name}.spectralNorm.u`));
  }

  get spec(): Conv1dSpec {
    return this.#conv.spec;
  }

  forward(x: Tensor): Tensor {
    const { weight, bias, spec } = this.#conv;
    const matrix = reshape(weight, [spec.outChannels, spec.inChannels * spec.kernelSize]);
    const constant = detach(matrix);
    const engine = this.#engine;
    const v = engine.noGrad(() => unit(matmul(constant, this.#u, { transposeA: true })));
    if (this.training) {
      const next = engine.noGrad(() => unit(matmul(constant, v)));
      this.#u.dispose();
      this.#u = engine.keep(next);
    }
    // A copy in the caller's scope: backward needs it after a later forward pass has replaced this.#u.
    const u = engine.noGrad(() => mulScalar(this.#u, 1));
    // sigma = u^T M v, a [1, 1] tensor differentiable in M
    const sigma = reshape(matmul(matmul(u, matrix, { transposeA: true }), v), [1, 1, 1]);
    return conv1d(x, div(weight, sigma), bias, spec);
  }

  /** u is checkpointed (`<name>.spectralNorm.u`), so a resumed training takes the same power-iteration steps. */
  protected override ownState(): [string, Tensor][] {
    return [['spectralNorm.u', this.#u]];
  }

  override dispose(): void {
    this.#u.dispose();
    super.dispose();
  }
}
