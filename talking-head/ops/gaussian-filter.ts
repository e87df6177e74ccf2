// The Gaussian temporal filter of Eq. (1) as a differentiable op: smooths every channel of a batch of
// sequences along time. Weights normalised over the truncated window, edges replicated (talking-head/kernels/gaussian-filter.wgsl).
import { type FilterAxis, gaussianFilterBackwardLaunch, gaussianFilterLaunch, gaussianFilterSpec } from '../kernels/gaussian-filter.ts';
import { recordGrad } from '../../core/record-grad.ts';
import { ShapeError, formatShape, normalizeAxis } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';

export interface GaussianFilterOptions {
  /** sigma d of Eq. (1), in frames */
  readonly sigma: number;
  /** m: the window is 2m + 1 frames; default ceil(3 sigma), at most 31 */
  readonly halfWindow?: number;
  /** the time axis; default -1 (the last: x [B, C, T]) */
  readonly axis?: number;
}

/**
 * Smooths x along its time axis: x [B, C, T] by default (axis -1), or any rank with `axis` naming time.
 * The output has x's shape; its gradient is the transposed filter.
 */
export function gaussianTemporalFilter(x: Tensor, options: GaussianFilterOptions): Tensor {
  const spec = gaussianFilterSpec(options.sigma, options.halfWindow);
  const a = normalizeAxis('gaussianTemporalFilter', options.axis ?? -1, x.rank);
  const axis: FilterAxis = {
    outer: x.shape.slice(0, a).reduce((p, d) => p * d, 1),
    length: x.shape[a]!,
    inner: x.shape.slice(a + 1).reduce((p, d) => p * d, 1),
  };
  const y = Tensor.empty(x.engine, x.shape, 'gaussianTemporalFilter');
  if (y.size > 0) x.engine.dispatch(gaussianFilterLaunch(x.buffer, y.buffer, axis, spec));
  return recordGrad(y, 'gaussianTemporalFilter', [x], (dy) => {
    const dx = Tensor.empty(x.engine, x.shape, 'gaussianTemporalFilter.grad');
    if (dx.size > 0) x.engine.dispatch(gaussianFilterBackwardLaunch(dy.buffer, dx.buffer, axis, spec));
    return [dx];
  });
}

/** Smooths a pose sequence poses [T, 6] (or any [T, C]) along time: the layout the pose models use. */
export function smoothPoseSequence(poses: Tensor, sigma: number, halfWindow?: number): Tensor {
  if (poses.rank !== 2) throw new ShapeError(`smoothPoseSequence: poses ${poses.name} has shape ${formatShape(poses.shape)}, expected [T, C] (e.g. [T, 6])`);
  return gaussianTemporalFilter(poses, { sigma, halfWindow, axis: 0 });
}
