// PGFace's masked vertex losses (Eq. 7, 8) as one differentiable op on coefficient residuals: see
// talking-head/kernels/masked-vertex-loss.wgsl for why a quadratic form Q = B^T M^2 B replaces the per-vertex decode.
import { maskedVertexBackwardLaunch, maskedVertexTermsLaunch } from '../kernels/masked-vertex-loss.ts';
import { recordGrad } from '../../core/record-grad.ts';
import { ShapeError, assertRank, assertShape, formatShape } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';
import { mul, sub } from '../../core/ops/elementwise.ts';
import { linear } from '../../core/ops/matmul.ts';
import { mean } from '../../core/ops/reduce.ts';

/**
 * predicted, target [2P, K]: rows 2p and 2p + 1 are neighbouring frames; quadratic [K, K] symmetric.
 * Returns [2] = (L_shape, L_s-motion), means over frames and over pairs of per-frame sums over vertices.
 * Differentiable with respect to `predicted`.
 */
export function maskedVertexLosses(predicted: Tensor, target: Tensor, quadratic: Tensor): Tensor {
  const op = 'maskedVertexLosses';
  assertRank(op, 'predicted', predicted.shape, 2, '[2 x pairs, coefficients]');
  assertShape(op, 'target', target.shape, predicted.shape);
  const [rows, k] = predicted.shape as [number, number];
  if (rows % 2 !== 0 || rows === 0) throw new ShapeError(`${op}: predicted ${formatShape(predicted.shape)} must hold neighbouring frame pairs (an even, non-zero row count)`);
  assertShape(op, 'quadratic form', quadratic.shape, [k, k]);
  const pairs = rows / 2;
  const engine = predicted.engine;
  // y = (predicted - target) Q^T through the matmul family (its subgroup variants on CPU adapters): the project
  // kernel's thread-a-value loop ran at ~2 GFLOP/s, 3-4 ms of PGFace's training step (core/kernels/PERFORMANCE.md)
  const projected = engine.noGrad(() => linear(sub(predicted, target), quadratic));
  const partial = Tensor.empty(engine, [pairs, 2], 'maskedVertex.partial');
  engine.dispatch(maskedVertexTermsLaunch(pairs, k, predicted.buffer, target.buffer, projected.buffer, partial.buffer));
  // Mean over pairs gives (sum of both frames' shape terms) / P = 2 L_shape, and L_s-motion exactly.
  const perPair = engine.noGrad(() => mean(partial, 0));
  partial.dispose();
  const halveShape = Tensor.fromArray(engine, [0.5, 1], [2], 'maskedVertex.halve');
  const losses = engine.noGrad(() => mul(perPair, halveShape));
  return recordGrad(losses, op, [predicted], (upstream) => {
    const grad = Tensor.empty(engine, predicted.shape, 'maskedVertex.grad');
    engine.dispatch(maskedVertexBackwardLaunch(pairs, k, projected.buffer, upstream.buffer, grad.buffer));
    return [grad];
  });
}
