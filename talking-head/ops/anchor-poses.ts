// PoseGAN's anchored output as one differentiable op (talking-head/kernels/anchor-poses.wgsl): the generated
// sequence moved so that its first frame is the initial pose exactly (config anchorInitialPose, ours), in the
// frames x channels layout the rest of the code reads, optionally after G's output filter (Eq. 1, config
// outputSmoothing) in the same kernel. One dispatch for what was a filter pass, a slice, a subtraction, an addition
// and a permute (issue 16: generation is mostly dispatches of a few hundred values).
import { anchorPosesBackwardLaunch, anchorPosesForwardLaunch, anchorSmoothedPosesForwardLaunch } from '../kernels/anchor-poses.ts';
import { gaussianFilterBackwardLaunch, gaussianFilterSpec } from '../kernels/gaussian-filter.ts';
import { recordGrad } from '../../core/record-grad.ts';
import { assertRank, assertShape } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';

export interface AnchorPosesOptions {
  /** sigma d of the Eq. (1) filter applied to out along T first (frames; 0 or absent: none). */
  readonly sigma?: number;
}

/**
 * out [B, C, T], initial [B, C] -> [B, T, C]: f[b, c, t] - f[b, c, 0] + initial[b, c], where f = out, or out filtered
 * along T (gaussianTemporalFilter's weights and edges) when `sigma` > 0. Differentiable in both.
 */
export function anchorPoses(out: Tensor, initial: Tensor, options: AnchorPosesOptions = {}): Tensor {
  assertRank('anchorPoses', 'out', out.shape, 3, '[batch, channels, frames]');
  const [batch, channels, frames] = out.shape as [number, number, number];
  assertShape('anchorPoses', 'initial', initial.shape, [batch, channels]);
  const spec = options.sigma !== undefined && options.sigma > 0 ? gaussianFilterSpec(options.sigma) : null;
  const engine = out.engine;
  const geometry = { batch, channels, frames };
  const y = Tensor.empty(engine, [batch, frames, channels], 'anchorPoses');
  if (y.size > 0) {
    engine.dispatch(spec
      ? anchorSmoothedPosesForwardLaunch(geometry, spec, out.buffer, initial.buffer, y.buffer)
      : anchorPosesForwardLaunch(geometry, out.buffer, initial.buffer, y.buffer));
  }
  return recordGrad(y, 'anchorPoses', [out, initial], (dy) => {
    const dout = Tensor.empty(engine, out.shape, 'anchorPoses.grad.out');
    const dinitial = Tensor.empty(engine, initial.shape, 'anchorPoses.grad.initial');
    if (y.size === 0) return [dout, dinitial];
    if (!spec) {
      engine.dispatch(anchorPosesBackwardLaunch(geometry, dy.buffer, dout.buffer, dinitial.buffer));
      return [dout, dinitial];
    }
    // d/dF first (the anchoring), then the filter's transposed pass: dout = F^T dF.
    const dfiltered = Tensor.empty(engine, out.shape, 'anchorPoses.grad.filtered');
    engine.dispatch(anchorPosesBackwardLaunch(geometry, dy.buffer, dfiltered.buffer, dinitial.buffer));
    engine.dispatch(gaussianFilterBackwardLaunch(dfiltered.buffer, dout.buffer, { outer: batch * channels, length: frames, inner: 1 }, spec));
    dfiltered.dispose();
    return [dout, dinitial];
  });
}
