// GroupNorm with gradients: x [B, C, ...] normalised over groups of C/G channels and all positions, then scaled and
// shifted per channel. InstanceNorm is groups = C, LayerNorm over channels and time is groups = 1.
//
// posedyn normalises with GroupNorm, not BatchNorm: inference runs on one 256-frame window or on streamed chunks at
// batch 1 and must equal batched training-mode evaluation. GroupNorm has no batch dependence and no running
// statistics, so Node/browser parity and streaming equality hold by construction.
import type { GroupNormGeometry } from '../kernels/group-norm.ts';
import { groupNormBackwardFamily, groupNormForwardFamily } from '../kernels/group-norm-families.ts';
import { unaryBackwardLaunch } from '../kernels/elementwise.ts';
import { recordGrad } from '../record-grad.ts';
import { ShapeError, assertShape, formatShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';

export interface GroupNormOptions {
  /** Number of channel groups; must divide the channel count. */
  readonly groups: number;
  /** Per-channel scale [C], or null for none (gamma = 1). */
  readonly gamma?: Tensor | null;
  /** Per-channel shift [C], or null for none (beta = 0). Given together with gamma. */
  readonly beta?: Tensor | null;
  /** Added to the variance. Default 1e-5 (PyTorch's). */
  readonly eps?: number;
  /**
   * Applies leakyRelu(y, leakySlope) (slope >= 0) to the output in the normalisation's own pass where the adapter's
   * kernel variant can (core/kernels/group-norm-families.ts): the U-Net's conv -> GroupNorm -> leaky ReLU.
   */
  readonly leakySlope?: number;
}

/** x [B, C, L] (or [B, C, ...]: trailing axes are flattened into L) -> y of the same shape. */
export function groupNorm(x: Tensor, options: GroupNormOptions): Tensor {
  const { groups, eps = 1e-5 } = options;
  const gamma = options.gamma ?? null;
  const beta = options.beta ?? null;
  if (x.rank < 2) throw new ShapeError(`groupNorm: x has shape ${formatShape(x.shape)}, expected [batch, channels, length]`);
  const [batch, channels] = x.shape as [number, number];
  if (!Number.isInteger(groups) || groups < 1 || channels % groups !== 0) {
    throw new ShapeError(`groupNorm: ${groups} groups do not divide the ${channels} channels of x ${formatShape(x.shape)}`);
  }
  if ((gamma === null) !== (beta === null)) throw new Error('groupNorm: give both gamma and beta, or neither');
  if (gamma) assertShape('groupNorm', 'gamma', gamma.shape, [channels]);
  if (beta) assertShape('groupNorm', 'beta', beta.shape, [channels]);
  const g: GroupNormGeometry = { batch, channels, length: x.size / Math.max(1, batch * channels), groups, eps };

  const leakySlope = options.leakySlope ?? null;
  if (leakySlope !== null && !(leakySlope >= 0)) throw new RangeError(`groupNorm: leakySlope must be >= 0, got ${leakySlope}`);
  const describe = () => `groupNorm [${x.shape.join(',')}] G${groups}`;

  const engine = x.engine;
  const y = Tensor.empty(engine, x.shape, leakySlope === null ? 'groupNorm' : 'groupNorm+leakyRelu');
  // Saved for the backward: they live in the same scope as y.
  const mean = Tensor.empty(engine, [batch, groups], 'groupNorm.mean');
  const rstd = Tensor.empty(engine, [batch, groups], 'groupNorm.rstd');
  if (x.size > 0) {
    engine.run(groupNormForwardFamily, {
      g, x: x.buffer, gamma: gamma?.buffer ?? null, beta: beta?.buffer ?? null, y: y.buffer, mean: mean.buffer, rstd: rstd.buffer, leakySlope,
    }, describe);
  }

  const inputs = gamma && beta ? [x, gamma, beta] : [x];
  return recordGrad(y, 'groupNorm', inputs, (dyOut) => {
    // Through the activation first: y > 0 exactly where the normalised value is (slope >= 0).
    let dy = dyOut;
    if (leakySlope !== null) {
      dy = Tensor.empty(engine, y.shape, 'groupNorm.grad_pre_activation');
      if (y.size > 0) engine.dispatch(unaryBackwardLaunch('leakyRelu', y.buffer, y.buffer, dyOut.buffer, dy.buffer, y.size, leakySlope));
    }
    const dx = x.requiresGrad ? Tensor.empty(engine, x.shape, 'groupNorm.grad') : null;
    const affine = gamma !== null && beta !== null && (gamma.requiresGrad || beta.requiresGrad);
    const dgamma = affine ? Tensor.empty(engine, [channels], 'groupNorm.gamma.grad') : null;
    const dbeta = affine ? Tensor.empty(engine, [channels], 'groupNorm.beta.grad') : null;
    if (x.size > 0 && (dx || dgamma)) {
      engine.run(groupNormBackwardFamily, {
        g, x: x.buffer, mean: mean.buffer, rstd: rstd.buffer, gamma: gamma?.buffer ?? null, dy: dy.buffer,
        dx: dx?.buffer ?? null, dgamma: dgamma?.buffer ?? null, dbeta: dbeta?.buffer ?? null,
      }, describe);
    } else if (dgamma && dbeta) {
      engine.clearBuffer(dgamma.buffer);
      engine.clearBuffer(dbeta.buffer);
    }
    if (dy !== dyOut) dy.dispose();
    return [dx, dgamma, dbeta];
  });
}
