// PoseGAN's anchored output as one differentiable op (talking-head/kernels/anchor-poses.wgsl): the generated
// sequence moved so that its first frame is the initial pose exactly (config anchorInitialPose, ours), in the
// frames x channels layout the rest of the code reads. One dispatch for what was a slice, a subtraction, an
// addition and a permute (issue 16: generation is mostly dispatches of a few hundred values).
import { anchorPosesBackwardLaunch, anchorPosesForwardLaunch } from '../kernels/anchor-poses.ts';
import { recordGrad } from '../../core/record-grad.ts';
import { assertRank, assertShape } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';

/** out [B, C, T], initial [B, C] -> [B, T, C]: out[b, c, t] - out[b, c, 0] + initial[b, c]. Differentiable in both. */
export function anchorPoses(out: Tensor, initial: Tensor): Tensor {
  assertRank('anchorPoses', 'out', out.shape, 3, '[batch, channels, frames]');
  const [batch, channels, frames] = out.shape as [number, number, number];
  assertShape('anchorPoses', 'initial', initial.shape, [batch, channels]);
  const engine = out.engine;
  const geometry = { batch, channels, frames };
  const y = Tensor.empty(engine, [batch, frames, channels], 'anchorPoses');
  if (y.size > 0) engine.dispatch(anchorPosesForwardLaunch(geometry, out.buffer, initial.buffer, y.buffer));
  return recordGrad(y, 'anchorPoses', [out, initial], (dy) => {
    const dout = Tensor.empty(engine, out.shape, 'anchorPoses.grad.out');
    const dinitial = Tensor.empty(engine, initial.shape, 'anchorPoses.grad.initial');
    if (y.size > 0) engine.dispatch(anchorPosesBackwardLaunch(geometry, dy.buffer, dout.buffer, dinitial.buffer));
    return [dout, dinitial];
  });
}
