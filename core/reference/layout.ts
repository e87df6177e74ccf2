// Float64 CPU references for the layout ops (concat, split, slice, pad, permute), written element by element
// from output coordinates, independently of the box arithmetic the kernels use.
import { type Shape, sizeOf } from '../shape.ts';

export interface ReferenceTensor {
  readonly data: Float64Array;
  readonly shape: number[];
}

/** The coordinates of flat index i of a row-major tensor of `shape`. */
function coordinates(i: number, shape: Shape): number[] {
  const c = new Array<number>(shape.length);
  let rest = i;
  for (let k = shape.length - 1; k >= 0; k--) {
    c[k] = rest % shape[k]!;
    rest = Math.floor(rest / shape[k]!);
  }
  return c;
}

function flatIndex(c: readonly number[], shape: Shape): number {
  return c.reduce((p, v, k) => p * shape[k]! + v, 0);
}

export function concatReference(parts: readonly { data: ArrayLike<number>; shape: Shape }[], axis: number): ReferenceTensor {
  const shape = parts[0]!.shape.map((d, k) => (k === axis ? parts.reduce((p, t) => p + t.shape[axis]!, 0) : d));
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const c = coordinates(i, shape);
    let along = c[axis]!;
    let part = 0;
    while (along >= parts[part]!.shape[axis]!) along -= parts[part++]!.shape[axis]!;
    c[axis] = along;
    data[i] = parts[part]!.data[flatIndex(c, parts[part]!.shape)]!;
  }
  return { data, shape };
}

export function sliceReference(x: ArrayLike<number>, shape: Shape, starts: readonly number[], sizes: readonly number[]): ReferenceTensor {
  const data = new Float64Array(sizeOf(sizes));
  for (let i = 0; i < data.length; i++) {
    const c = coordinates(i, sizes).map((v, k) => v + starts[k]!);
    data[i] = x[flatIndex(c, shape)]!;
  }
  return { data, shape: [...sizes] };
}

export function splitReference(x: ArrayLike<number>, shape: Shape, sizes: readonly number[], axis: number): ReferenceTensor[] {
  let start = 0;
  return sizes.map((size) => {
    const starts = shape.map((_, k) => (k === axis ? start : 0));
    start += size;
    return sliceReference(x, shape, starts, shape.map((d, k) => (k === axis ? size : d)));
  });
}

export function padReference(x: ArrayLike<number>, shape: Shape, before: readonly number[], after: readonly number[], value = 0): ReferenceTensor {
  const outShape = shape.map((d, k) => d + before[k]! + after[k]!);
  const data = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < data.length; i++) {
    const c = coordinates(i, outShape).map((v, k) => v - before[k]!);
    const inside = c.every((v, k) => v >= 0 && v < shape[k]!);
    data[i] = inside ? x[flatIndex(c, shape)]! : value;
  }
  return { data, shape: outShape };
}

/** Output axis k is input axis order[k]. Walks the output in order with an odometer (16M elements stay fast). */
export function permuteReference(x: ArrayLike<number>, shape: Shape, order: readonly number[]): ReferenceTensor {
  const outShape = order.map((k) => shape[k]!);
  const inStrides = new Array<number>(shape.length);
  for (let k = shape.length - 1, stride = 1; k >= 0; k--) {
    inStrides[k] = stride;
    stride *= shape[k]!;
  }
  const steps = order.map((k) => inStrides[k]!);
  const data = new Float64Array(sizeOf(outShape));
  const c = new Array<number>(outShape.length).fill(0);
  let source = 0;
  for (let i = 0; i < data.length; i++) {
    data[i] = x[source]!;
    for (let k = outShape.length - 1; k >= 0; k--) {
      source += steps[k]!;
      if (++c[k]! < outShape[k]!) break;
      source -= steps[k]! * outShape[k]!;
      c[k] = 0;
    }
  }
  return { data, shape: outShape };
}
