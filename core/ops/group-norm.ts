// GroupNorm with gradients: x [B, C, ...] normalised over groups of C/G channels and all positions, then scaled and
// shifted per channel. InstanceNorm is groups = C, LayerNorm over channels and time is groups = 1.
//
// posedyn normalises with GroupNorm, not BatchNorm: inference runs on one 256-frame window or on streamed chunks at
// batch 1 and must equal batched training-mode evaluation. GroupNorm has no batch dependence and no running
// statistics, so Node/browser parity and streaming equality hold by construction.
import {
  type GroupNormGeometry, groupNormBackwardAffineLaunch, groupNormBackwardInputLaunch, groupNormForwardLaunch,
} from '../kernels/group-norm.ts';
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

  const engine = x.engine;
  const y = Tensor.empty(engine, x.shape, 'groupNorm');
  // Saved for the backward: they live in the same scope as y.
  const mean = Tensor.empty(engine, [batch, groups], 'groupNorm.mean');
  const rstd = Tensor.empty(engine, [batch, groups], 'groupNorm.rstd');
  if (x.size > 0) engine.dispatch(groupNormForwardLaunch(g, x.buffer, gamma?.buffer ?? null, beta?.buffer ?? null, y.buffer, mean.buffer, rstd.buffer));

  const inputs = gamma && beta ? [x, gamma, beta] : [x];
  return recordGrad(y, 'groupNorm', inputs, (dy) => {
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      dx = Tensor.empty(engine, x.shape, 'groupNorm.grad');
      if (x.size > 0) engine.dispatch(groupNormBackwardInputLaunch(g, x.buffer, mean.buffer, rstd.buffer, gamma?.buffer ?? null, dy.buffer, dx.buffer));
    }
    if (!gamma || !beta || !(gamma.requiresGrad || beta.requiresGrad)) return [dx, null, null];
    const dgamma = Tensor.empty(engine, [channels], 'groupNorm.gamma.grad');
    const dbeta = Tensor.empty(engine, [channels], 'groupNorm.beta.grad');
    if (channels > 0) engine.dispatch(groupNormBackwardAffineLaunch(g, x.buffer, mean.buffer, rstd.buffer, dy.buffer, dgamma.buffer, dbeta.buffer));
    return [dx, dgamma, dbeta];
  });
}
