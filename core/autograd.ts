// Reverse-mode differentiation over the graph that ops record on their outputs (Tensor.gradFn). backward()
// visits tensors in reverse topological order, so each op's backward runs once with the sum of all gradients
// flowing into its output, however many times that output was used.
import { add } from './ops/elementwise.ts';
import { full } from './creation.ts';
import { assertShape } from './shape.ts';
import type { Tensor } from './tensor.ts';

/** Tensors reachable from `root` through gradFn links, each after every tensor computed from it. */
function reverseTopologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  const stack: { tensor: Tensor; next: number }[] = [{ tensor: root, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const inputs = frame.tensor.gradFn?.inputs ?? [];
    if (frame.next < inputs.length) {
      const input = inputs[frame.next++]!;
      if (input.requiresGrad && !visited.has(input)) {
        visited.add(input);
        stack.push({ tensor: input, next: 0 });
      }
    } else {
      order.push(frame.tensor);
      stack.pop();
    }
  }
  return order.reverse();
}

/**
 * Adds d(loss)/d(leaf) into `leaf.grad` for every tensor with requiresGrad and no gradFn (parameters).
 * `loss` must have one element unless `gradOutput` is given. Intermediate gradients are disposed at the end.
 */
export function backward(loss: Tensor, gradOutput?: Tensor): void {
  const engine = loss.engine;
  if (!loss.requiresGrad) {
    throw new Error(`backward: ${loss.name} does not require gradients (no parameter contributed to it, or it was computed under noGrad)`);
  }
  if (!gradOutput && loss.size !== 1) {
    throw new Error(`backward: ${loss.name} has ${loss.size} values; give gradOutput for a non-scalar loss`);
  }
  const order = reverseTopologicalOrder(loss);
  const assignedLeafGrads = new Set<Tensor>();
  engine.noGrad(() =>
    engine.tidy(() => {
      const grads = new Map<Tensor, Tensor>();
      grads.set(loss, gradOutput ?? full(engine, loss.shape, 1));
      for (const tensor of order) {
        const grad = grads.get(tensor);
        if (!grad) continue;
        const node = tensor.gradFn;
        if (!node) {
          accumulateLeafGrad(tensor, grad, assignedLeafGrads);
          continue;
        }
        const inputGrads = node.backward(grad);
        node.inputs.forEach((input, i) => {
          const inputGrad = inputGrads[i];
          if (!inputGrad || !input.requiresGrad) return;
          assertShape(`${node.op} backward`, `gradient of input ${i}`, inputGrad.shape, input.shape);
          const previous = grads.get(input);
          grads.set(input, previous ? add(previous, inputGrad) : inputGrad);
        });
      }
    }),
  );
}

function accumulateLeafGrad(leaf: Tensor, grad: Tensor, assigned: Set<Tensor>): void {
  const engine = leaf.engine;
  let next: Tensor;
  if (leaf.grad) {
    next = add(leaf.grad, grad);
    leaf.grad.dispose();
  } else {
    // One gradient tensor may reach two leaves (a + b): each leaf must own its own.
    next = assigned.has(grad) ? add(grad, full(engine, grad.shape, 0)) : grad;
  }
  next.name = `${leaf.name}.grad`;
  leaf.grad = engine.keep(next);
  assigned.add(next);
}
