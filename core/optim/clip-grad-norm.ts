// Gradient clipping by global norm (as torch.nn.utils.clip_grad_norm_), entirely on the GPU: the norm is
// computed into a one-element buffer that the scaling kernel reads, so nothing is read back.
import { clipScaleLaunch, normFinishLaunch, sumSquaresChunks, sumSquaresLaunch } from '../kernels/optim.ts';
import { Tensor } from '../tensor.ts';

/**
 * Scales every gradient of `params` in place by min(1, maxNorm / (norm + 1e-6)), where norm is the L2 norm
 * of all gradients together; parameters without a gradient are skipped. Returns that norm (before clipping)
 * as a one-element tensor of shape [] in the current scope; reading it is the caller's choice.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): Tensor {
  const engine = params[0]?.engine;
  if (!engine) throw new Error('clipGradNorm: no parameters');
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const grads = params.flatMap((p) => (p.grad && p.grad.size > 0 ? [p.grad] : []));
  const count = grads.reduce((total, g) => total + sumSquaresChunks(g.size), 0);
  // One partial sum of squares a chunk of each gradient, laid out gradient after gradient.
  const partials = Tensor.empty(engine, [count], 'clipGradNorm.partials');
  const norm = Tensor.empty(engine, [], 'gradNorm');
  let offset = 0;
  for (const g of grads) {
    engine.dispatch(sumSquaresLaunch(g.buffer, partials.buffer, g.size, offset));
    offset += sumSquaresChunks(g.size);
  }
  engine.dispatch(normFinishLaunch(partials.buffer, norm.buffer, count));
  // The pool hands the buffer out again only after the submit that runs these dispatches.
  partials.dispose();
  for (const g of grads) engine.dispatch(clipScaleLaunch(norm.buffer, g.buffer, g.size, maxNorm));
  return norm;
}
