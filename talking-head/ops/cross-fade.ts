// Inference's window cross-fade (talking-head/inference/pose-windows.ts) as one differentiable op:
// talking-head/kernels/cross-fade.wgsl. One dispatch where the composite of slices, sub, mul, add and concat was
// seven, and its weights (j / k) are computed in the kernel, not uploaded (issue 16: generation is mostly
// dispatches of a few hundred values).
import { crossFadeBackwardLaunch, crossFadeForwardLaunch } from '../kernels/cross-fade.ts';
import { recordGrad } from '../../core/record-grad.ts';
import { assertRank, assertShape } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';

/**
 * poses [L, C] with its first k = min(K', L) frames faded in from `tail` [K', C]:
 * (1 - j/k) tail_j + (j/k) poses_j for j < k, poses_j after. Differentiable in both.
 */
export function crossFade(poses: Tensor, tail: Tensor): Tensor {
  assertRank('crossFade', 'poses', poses.shape, 2, '[frames, channels]');
  assertRank('crossFade', 'tail', tail.shape, 2, '[frames, channels]');
  const [frames, channels] = poses.shape as [number, number];
  const tailFrames = tail.shape[0]!;
  assertShape('crossFade', 'tail', tail.shape, [tailFrames, channels]);
  const engine = poses.engine;
  const geometry = { frames, tailFrames, channels };
  const out = Tensor.empty(engine, poses.shape, 'crossFade');
  // An empty tail fades nothing (k = 0): the kernel copies the poses and writes no tail gradient.
  if (out.size > 0) engine.dispatch(crossFadeForwardLaunch(geometry, poses.buffer, tail.buffer, out.buffer));
  return recordGrad(out, 'crossFade', [poses, tail], (dout) => {
    const dposes = Tensor.empty(engine, poses.shape, 'crossFade.grad.poses');
    const dtail = Tensor.empty(engine, tail.shape, 'crossFade.grad.tail');
    if (Math.max(frames, tailFrames) * channels > 0) engine.dispatch(crossFadeBackwardLaunch(geometry, dout.buffer, dposes.buffer, dtail.buffer));
    return [dposes, dtail];
  });
}
