// Losses with gradients, each the mean over elements of a per-element term: a fused elementwise kernel writes the
// terms, the reduce kernel takes their mean into a scalar tensor (shape []), and the backward is one more fused
// elementwise kernel that reads the loss's gradient from the GPU.
import { type BceTargets, bceBackwardLaunch, bceTermsLaunch, mseBackwardLaunch, mseTermsLaunch } from '../kernels/loss.ts';
import { recordGrad } from '../record-grad.ts';
import { assertShape, formatShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { mul, mulScalar, neg } from './elementwise.ts';
import { recordSum } from './gradient-sums.ts';

/** The mean of the per-element terms, as a tensor of shape []; the terms are disposed. */
function meanOfTerms(terms: Tensor): Tensor {
  const loss = Tensor.empty(terms.engine, [], terms.name);
  recordSum(terms.engine, terms.buffer, loss.buffer, 1, terms.size, 1, 1 / terms.size);
  terms.dispose();
  return loss;
}

function assertNotEmpty(op: string, x: Tensor): void {
  if (x.size === 0) throw new RangeError(`${op}: ${x.name} ${formatShape(x.shape)} is empty; the mean of no elements is undefined`);
}

/** mean((pred - target)^2); gradients 2 (pred - target) / n to pred and the negative to target. */
export function mseLoss(pred: Tensor, target: Tensor): Tensor {
  assertShape('mseLoss', 'target', target.shape, pred.shape);
  assertNotEmpty('mseLoss', pred);
  const engine = pred.engine;
  const n = pred.size;
  const terms = Tensor.empty(engine, pred.shape, 'mseLoss');
  engine.dispatch(mseTermsLaunch(pred.buffer, target.buffer, terms.buffer, n));
  return recordGrad(meanOfTerms(terms), 'mseLoss', [pred, target], (g) => {
    const dpred = Tensor.empty(engine, pred.shape, 'mseLoss.grad');
    engine.dispatch(mseBackwardLaunch(pred.buffer, target.buffer, g.buffer, dpred.buffer, n));
    return [dpred, target.requiresGrad ? neg(dpred) : null];
  });
}

/**
 * Binary cross-entropy of sigmoid(logits) against targets in [0, 1], averaged over elements and computed from the
 * logits so that it stays finite and exact for any |z| (1e4 included):
 *   mean(max(z, 0) - z y + log(1 + e^-|z|)),  d/dz = (sigmoid(z) - y) / n,  d/dy = -z / n.
 * `targets` is a tensor of the logits' shape, or one number for every element (a GAN's real/fake label) without
 * allocating a tensor.
 */
export function bceWithLogits(logits: Tensor, targets: Tensor | number): Tensor {
  if (typeof targets !== 'number') assertShape('bceWithLogits', 'targets', targets.shape, logits.shape);
  assertNotEmpty('bceWithLogits', logits);
  const engine = logits.engine;
  const n = logits.size;
  const y: BceTargets = typeof targets === 'number' ? { constant: targets } : { buffer: targets.buffer };
  const terms = Tensor.empty(engine, logits.shape, 'bceWithLogits');
  engine.dispatch(bceTermsLaunch(logits.buffer, y, terms.buffer, n));
  const inputs = typeof targets === 'number' ? [logits] : [logits, targets];
  return recordGrad(meanOfTerms(terms), 'bceWithLogits', inputs, (g) => {
    let dlogits: Tensor | null = null;
    if (logits.requiresGrad) {
      dlogits = Tensor.empty(engine, logits.shape, 'bceWithLogits.grad');
      engine.dispatch(bceBackwardLaunch(logits.buffer, y, g.buffer, dlogits.buffer, n));
    }
    const dtargets = typeof targets !== 'number' && targets.requiresGrad ? mulScalar(mul(logits, g), -1 / n) : null;
    return [dlogits, dtargets];
  });
}
