// The gradient graph's bookkeeping: ops mark their outputs with the backward rule that produced them
// (Tensor.gradFn), and optimizers drop finished gradients. Kept apart from backward() (autograd.ts) because
// every op imports this, while backward imports ops (to add gradients): one module for both was a cycle.
import type { GradNode, Tensor } from './tensor.ts';

/**
 * Marks `output` as produced by `op` from `inputs` when gradients are being recorded and an input needs one.
 * `backward` receives d(loss)/d(output) and returns d(loss)/d(input) for each input.
 */
export function recordGrad(output: Tensor, op: string, inputs: readonly Tensor[], backward: GradNode['backward']): Tensor {
  if (output.engine.gradEnabled && inputs.some((t) => t.requiresGrad)) {
    output.requiresGrad = true;
    output.gradFn = { op, inputs, backward };
  }
  return output;
}

/** Disposes the gradients of `params` (they are recreated by the next backward). */
export function zeroGrad(params: Iterable<Tensor>): void {
  for (const p of params) {
    p.grad?.dispose();
    p.grad = null;
  }
}
