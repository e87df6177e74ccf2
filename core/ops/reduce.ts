// Sums and means over one axis or over everything, with gradients (the gradient of a sum is its output
// gradient broadcast back over the summed axis).
import { recordGrad } from '../record-grad.ts';
import { normalizeAxis } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { broadcastScaled, recordSum } from './gradient-sums.ts';
import { reshape } from './reshape.ts';

function reduceAxis(x: Tensor, axis: number, keepDims: boolean, mean: boolean): Tensor {
  const op = mean ? 'mean' : 'sum';
  const a = normalizeAxis(op, axis, x.rank);
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const length = x.shape[a]!;
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const keptShape = x.shape.map((d, i) => (i === a ? 1 : d));
  const outShape = keepDims ? keptShape : x.shape.filter((_, i) => i !== a);
  const out = Tensor.empty(x.engine, outShape, op);
  if (out.size > 0) {
    recordSum(x.engine, x.buffer, out.buffer, outer, length, inner, mean ? 1 / Math.max(length, 1) : 1);
  }
  return recordGrad(out, op, [x], (g) => {
    return [broadcastScaled(g.view(keptShape), x.shape, mean ? 1 / Math.max(length, 1) : 1)];
  });
}

/** Sum over `axis` (all axes when omitted, giving shape [] unless keepDims). */
export function sum(x: Tensor, axis?: number, keepDims = false): Tensor {
  if (axis !== undefined) return reduceAxis(x, axis, keepDims, false);
  const total = reduceAxis(reshape(x, [x.size]), 0, false, false);
  return reshape(total, keepDims ? x.shape.map(() => 1) : []);
}

export function mean(x: Tensor, axis?: number, keepDims = false): Tensor {
  if (axis !== undefined) return reduceAxis(x, axis, keepDims, true);
  const total = reduceAxis(reshape(x, [x.size]), 0, false, true);
  return reshape(total, keepDims ? x.shape.map(() => 1) : []);
}
