// Kernels that backward passes share, dispatched without recording gradients: a sum over one axis, a broadcast
// copy and a scale. Backward rules run under noGrad (autograd.ts), so nothing would record them anyway; they
// live apart so that elementwise.ts (whose gradients sum over broadcast axes) and reduce.ts (whose gradients
// broadcast back) need not import each other.
import { binaryLaunch, unaryLaunch } from '../kernels/elementwise.ts';
import { sumFamily } from '../kernels/reduce-families.ts';
import type { Engine } from '../engine.ts';
import { type Shape, broadcastStrides, formatShape, normalizeAxis, sameShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';

/**
 * Records out[outer, inner] = scale * the sum over the middle axis of x viewed as [outer, axis, inner], by the
 * variant of the sum family chosen for its shape class (core/kernels/reduce-families.ts).
 */
export function recordSum(engine: Engine, x: GPUBuffer, out: GPUBuffer, outer: number, axis: number, inner: number, scale: number): void {
  engine.run(sumFamily, { x, out, outer, axis, inner, scale }, () => `sum [${outer},${axis},${inner}]`);
}

/** x summed (or averaged) over `axis`, keeping it as a size-1 axis. */
export function sumAxisKeepDims(x: Tensor, axis: number, mean: boolean): Tensor {
  const a = normalizeAxis(mean ? 'mean' : 'sum', axis, x.rank);
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const length = x.shape[a]!;
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const out = Tensor.empty(x.engine, x.shape.map((d, i) => (i === a ? 1 : d)), mean ? 'mean' : 'sum');
  if (out.size > 0) recordSum(x.engine, x.buffer, out.buffer, outer, length, inner, mean ? 1 / Math.max(length, 1) : 1);
  return out;
}

/** x (broadcastable to `shape`) copied out to `shape`, times `scale`. */
export function broadcastScaled(x: Tensor, shape: Shape, scale: number): Tensor {
  const spread = Tensor.empty(x.engine, shape, 'expand');
  if (spread.size > 0) {
    x.engine.dispatch(binaryLaunch('left', x.buffer, x.buffer, spread.buffer, shape, broadcastStrides(x.shape, shape), shape.map(() => 0), false));
  }
  if (scale === 1) return spread;
  const scaled = Tensor.empty(x.engine, shape, 'affine');
  if (scaled.size > 0) x.engine.dispatch(unaryLaunch('affine', spread.buffer, scaled.buffer, spread.size, scale, 0));
  spread.dispose();
  return scaled;
}

/**
 * Sums a broadcast gradient back to `shape`: leading axes that `shape` lacks and axes where `shape` has 1
 * are summed. Used by every broadcasting op's backward.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0) throw new Error(`sumToShape: gradient ${formatShape(g.shape)} has lower rank than ${formatShape(shape)}`);
  let t = g;
  for (let axis = 0; axis < g.rank; axis++) {
    const target = axis < lead ? 1 : shape[axis - lead]!;
    if (target === 1 && t.shape[axis] !== 1) t = sumAxisKeepDims(t, axis, false);
  }
  return t.view(shape);
}
