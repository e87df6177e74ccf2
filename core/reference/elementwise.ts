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

export function mapReference(x: ArrayLike<number>, f: (v: number) => number): Float64Array {
  return Float64Array.from(x, f);
}

/** out = f(a, b) with NumPy broadcasting. */
export function binaryReference(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, f: (x: number, y: number) => number): { data: Float64Array; shape: number[] } {
  const shape = broadcastShapes('reference', aShape, bShape);
  const sa = broadcastStrides(aShape, shape);
  const sb = broadcastStrides(bShape, shape);
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let ia = 0;
    let ib = 0;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const coord = rest % shape[axis]!;
      rest = Math.floor(rest / shape[axis]!);
      ia += coord * sa[axis]!;
      ib += coord * sb[axis]!;
    }
    out[i] = f(a[ia]!, b[ib]!);
  }
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
