// Float64 CPU references for the elementwise and reduction ops (tests compare the kernels with these).
import { broadcastShapes, broadcastStrides, type Shape, sizeOf } from '../shape.ts';

export const unaryReference = {
  neg: (x: number) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (x: number) => x * x,
  abs: Math.abs,
  relu: (x: number) => Math.max(x, 0),
  leakyRelu: (x: number, slope = 0.2) => (x > 0 ? x : slope * x),
  tanh: Math.tanh,
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
} as const;

/** f'(x) of each unary op, for analytic backward references. */
export const unaryDerivativeReference = {
  neg: () => -1,
  exp: (x: number) => Math.exp(x),
  log: (x: number) => 1 / x,
  sqrt: (x: number) => 1 / (2 * Math.sqrt(x)),
  square: (x: number) => 2 * x,
  abs: (x: number) => Math.sign(x),
  relu: (x: number) => (x > 0 ? 1 : 0),
  leakyRelu: (x: number, slope = 0.2) => (x > 0 ? 1 : slope),
  tanh: (x: number) => 1 - Math.tanh(x) ** 2,
  sigmoid: (x: number) => {
    const s = 1 / (1 + Math.exp(-x));
    return s * (1 - s);
  },
} as const satisfies Record<keyof typeof unaryReference, (x: number) => number>;

export function mapReference(x: ArrayLike<number>, f: (v: number) => number): Float64Array {
  return Float64Array.from(x, f);
}

/** Calls visit(outIndex, aIndex, bIndex) for every element of a (op) b broadcast to `shape`. */
function forEachBroadcast(aShape: Shape, bShape: Shape, shape: Shape, visit: (i: number, ia: number, ib: number) => void): void {
  const sa = broadcastStrides(aShape, shape);
  const sb = broadcastStrides(bShape, shape);
  const n = sizeOf(shape);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let ia = 0;
    let ib = 0;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const coord = rest % shape[axis]!;
      rest = Math.floor(rest / shape[axis]!);
      ia += coord * sa[axis]!;
      ib += coord * sb[axis]!;
    }
    visit(i, ia, ib);
  }
}

/**
 * Gradients of out = f(a, b) (broadcast) from dy: each output element sends dy * df/da to its a element and
 * dy * df/db to its b element, so broadcast axes are summed.
 */
export function binaryBackwardReference(
  a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, dy: ArrayLike<number>,
  partials: (x: number, y: number) => readonly [number, number],
): [Float64Array, Float64Array] {
  const shape = broadcastShapes('reference', aShape, bShape);
  const da = new Float64Array(sizeOf(aShape));
  const db = new Float64Array(sizeOf(bShape));
  forEachBroadcast(aShape, bShape, shape, (i, ia, ib) => {
    const [pa, pb] = partials(a[ia]!, b[ib]!);
    da[ia]! += dy[i]! * pa;
    db[ib]! += dy[i]! * pb;
  });
  return [da, db];
}

/** x broadcast to `shape` (a copy), and its gradient: dy summed back over the broadcast axes. */
export function expandReference(x: ArrayLike<number>, xShape: Shape, shape: Shape): Float64Array {
  const out = new Float64Array(sizeOf(shape));
  forEachBroadcast(xShape, shape, shape, (i, ix) => (out[i] = x[ix]!));
  return out;
}

export function expandBackwardReference(dy: ArrayLike<number>, xShape: Shape, shape: Shape): Float64Array {
  const dx = new Float64Array(sizeOf(xShape));
  forEachBroadcast(xShape, shape, shape, (i, ix) => (dx[ix]! += dy[i]!));
  return dx;
}

/** out = f(a, b) with NumPy broadcasting. */
export function binaryReference(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, f: (x: number, y: number) => number): { data: Float64Array; shape: number[] } {
  const shape = broadcastShapes('reference', aShape, bShape);
  const out = new Float64Array(sizeOf(shape));
  forEachBroadcast(aShape, bShape, shape, (i, ia, ib) => (out[i] = f(a[ia]!, b[ib]!)));
  return { data: out, shape };
}

/** Sum (or mean) over one axis, keeping the other axes in order. */
export function sumAxisReference(x: ArrayLike<number>, shape: Shape, axis: number, mean = false): Float64Array {
  const outer = sizeOf(shape.slice(0, axis));
  const length = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < length; a++) {
      for (let i = 0; i < inner; i++) out[o * inner + i]! += x[(o * length + a) * inner + i]!;
    }
  }
  if (mean) for (let i = 0; i < out.length; i++) out[i]! /= length;
  return out;
}

/** The gradient of a sum (or mean) over `axis`: dy [shape without axis] broadcast back over it (divided by its length). */
export function sumAxisBackwardReference(dy: ArrayLike<number>, shape: Shape, axis: number, mean = false): Float64Array {
  const outer = sizeOf(shape.slice(0, axis));
  const length = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const dx = new Float64Array(outer * length * inner);
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < length; a++) {
      for (let i = 0; i < inner; i++) dx[(o * length + a) * inner + i] = dy[o * inner + i]! / (mean ? length : 1);
    }
  }
  return dx;
}
