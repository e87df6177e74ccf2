// Elementwise ops with gradients. Unary ops run one kernel forward and one fused kernel backward
// (dx = dy * f'(x)); binary ops broadcast like NumPy and reduce each gradient back to its operand's shape.
import { type BinaryOpName, type UnaryOpName, binaryLaunch, unaryBackwardLaunch, unaryLaunch } from '../kernels/elementwise.ts';
import { recordGrad } from '../record-grad.ts';
import { type Shape, broadcastShapes, broadcastStrides, formatShape, sameShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { sumToShape } from './gradient-sums.ts';

function unary(op: UnaryOpName, x: Tensor, alpha = 0, beta = 0): Tensor {
  const y = Tensor.empty(x.engine, x.shape, op);
  if (x.size > 0) x.engine.dispatch(unaryLaunch(op, x.buffer, y.buffer, x.size, alpha, beta));
  return recordGrad(y, op, [x], (dy) => {
    const dx = Tensor.empty(x.engine, x.shape, `${op}.grad`);
    if (x.size > 0) x.engine.dispatch(unaryBackwardLaunch(op, x.buffer, y.buffer, dy.buffer, dx.buffer, x.size, alpha));
    return [dx];
  });
}

export const neg = (x: Tensor) => unary('neg', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const square = (x: Tensor) => unary('square', x);
export const abs = (x: Tensor) => unary('abs', x);
export const relu = (x: Tensor) => unary('relu', x);
export const leakyRelu = (x: Tensor, negativeSlope = 0.2) => unary('leakyRelu', x, negativeSlope);
export const tanh = (x: Tensor) => unary('tanh', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
/** alpha * x + beta in one kernel. */
export const affine = (x: Tensor, alpha: number, beta: number) => unary('affine', x, alpha, beta);
export const addScalar = (x: Tensor, s: number) => unary('affine', x, 1, s);
export const subScalar = (x: Tensor, s: number) => unary('affine', x, 1, -s);
export const mulScalar = (x: Tensor, s: number) => unary('affine', x, s, 0);
export const divScalar = (x: Tensor, s: number) => unary('affine', x, 1 / s, 0);
/** s / x */
export const scalarDiv = (s: number, x: Tensor) => unary('rdiv', x, s);

function binaryForward(op: BinaryOpName, a: Tensor, b: Tensor, name: string): Tensor {
  if (a.engine !== b.engine) throw new Error(`${name}: operands ${a.name} and ${b.name} live on different engines`);
  const shape = broadcastShapes(name, a.shape, b.shape);
  const out = Tensor.empty(a.engine, shape, name);
  if (out.size > 0) {
    const same = sameShape(a.shape, shape) && sameShape(b.shape, shape);
    a.engine.dispatch(binaryLaunch(op, a.buffer, b.buffer, out.buffer, shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape), same));
  }
  return out;
}

export function add(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward('add', a, b, 'add');
  return recordGrad(out, 'add', [a, b], (g) => [sumToShape(g, a.shape), sumToShape(g, b.shape)]);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward('sub', a, b, 'sub');
  return recordGrad(out, 'sub', [a, b], (g) => [sumToShape(g, a.shape), b.requiresGrad ? sumToShape(neg(g), b.shape) : null]);
}

export function mul(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward('mul', a, b, 'mul');
  return recordGrad(out, 'mul', [a, b], (g) => [
    a.requiresGrad ? sumToShape(binaryForward('mul', g, b, 'mul.grad'), a.shape) : null,
    b.requiresGrad ? sumToShape(binaryForward('mul', g, a, 'mul.grad'), b.shape) : null,
  ]);
}

/** d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -out/b. */
export function div(a: Tensor, b: Tensor): Tensor {
  const out = binaryForward('div', a, b, 'div');
  return recordGrad(out, 'div', [a, b], (g) => [
    a.requiresGrad ? sumToShape(binaryForward('div', g, b, 'div.grad'), a.shape) : null,
    b.requiresGrad ? sumToShape(neg(binaryForward('div', binaryForward('mul', g, out, 'div.grad'), b, 'div.grad')), b.shape) : null,
  ]);
}

/** Broadcasts x to `shape` (a copy); its gradient sums back over the broadcast axes. */
export function expand(x: Tensor, shape: Shape): Tensor {
  const target = broadcastShapes('expand', x.shape, shape);
  if (!sameShape(target, shape)) {
    throw new Error(`expand: ${formatShape(x.shape)} cannot be broadcast to ${formatShape(shape)}`);
  }
  const out = Tensor.empty(x.engine, shape, 'expand');
  if (out.size > 0) {
    const zeroStrides = shape.map(() => 0);
    x.engine.dispatch(binaryLaunch('left', x.buffer, x.buffer, out.buffer, shape, broadcastStrides(x.shape, shape), zeroStrides, false));
  }
  return recordGrad(out, 'expand', [x], (g) => [sumToShape(g, x.shape)]);
}
