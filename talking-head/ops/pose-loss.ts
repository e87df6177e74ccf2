// PoseGAN's per-sample reconstruction losses (Eq. 3, 4) as one differentiable op: talking-head/kernels/pose-loss.wgsl.
import { poseLossBackwardLaunch, poseLossForwardLaunch } from '../kernels/pose-loss.ts';
import { recordGrad } from '../../core/record-grad.ts';
import { assertRank, assertShape } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';
import { sum } from '../../core/ops/reduce.ts';

/**
 * generated, real [B, T, C]; initial [B, C] -> [B, 2]: (L_pose[b], L_motion[b]) as sums over frames and
 * channels, Eq. (3) and (4). Differentiable with respect to `generated` only (real and initial are data).
 */
export function poseReconstructionLosses(generated: Tensor, real: Tensor, initial: Tensor): Tensor {
  assertRank('poseReconstructionLosses', 'generated', generated.shape, 3, '[batch, frames, channels]');
  assertShape('poseReconstructionLosses', 'real', real.shape, generated.shape);
  const [batch, frames, channels] = generated.shape as [number, number, number];
  assertShape('poseReconstructionLosses', 'initial', initial.shape, [batch, channels]);
  const engine = generated.engine;
  const geometry = { batch, frames, channels };
  const partial = Tensor.empty(engine, [batch, channels, 2], 'poseLoss.partial');
  engine.dispatch(poseLossForwardLaunch(geometry, generated.buffer, real.buffer, initial.buffer, partial.buffer));
  const losses = engine.noGrad(() => sum(partial, 1));
  partial.dispose();
  return recordGrad(losses, 'poseReconstructionLosses', [generated], (upstream) => {
    const grad = Tensor.empty(engine, generated.shape, 'poseLoss.grad');
    engine.dispatch(poseLossBackwardLaunch(geometry, generated.buffer, real.buffer, initial.buffer, upstream.buffer, grad.buffer));
    return [grad];
  });
}
