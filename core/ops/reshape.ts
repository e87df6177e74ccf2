// Reshape: a new view of the same buffer (row-major data does not move); the gradient reshapes back.
import { recordGrad } from '../record-grad.ts';
import { type Shape, ShapeError, formatShape, sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';

/** One dimension may be -1 and is inferred. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const inferred = shape.indexOf(-1);
  let target = [...shape];
  if (inferred >= 0) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    target[inferred] = known === 0 ? 0 : x.size / known;
  }
  if (sizeOf(target) !== x.size || !target.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`reshape: ${x.name} ${formatShape(x.shape)} cannot be reshaped to ${formatShape(shape)}`);
  }
  target = target.map(Number);
  const out = x.view(target);
  return recordGrad(out, 'reshape', [x], (g) => [g.view(x.shape)]);
}

/** The same values with no gradient link: gradients stop here (e.g. fake samples fed to a discriminator). */
export function detach(x: Tensor): Tensor {
  return x.view(x.shape);
}
