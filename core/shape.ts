// Shape arithmetic and the checks that make a wrong shape fail at the op that received it.

export type Shape = readonly number[];

export class ShapeError extends Error {
  override name = 'ShapeError';
}

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function assertShape(op: string, what: string, actual: Shape, expected: Shape): void {
  if (!sameShape(actual, expected)) {
    throw new ShapeError(`${op}: ${what} has shape ${formatShape(actual)}, expected ${formatShape(expected)}`);
  }
}

export function assertRank(op: string, what: string, shape: Shape, rank: number, meaning: string): void {
  if (shape.length !== rank) {
    throw new ShapeError(`${op}: ${what} has shape ${formatShape(shape)}, expected rank ${rank} ${meaning}`);
  }
}

export function assertValidShape(shape: Shape, where: string): void {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${where}: invalid shape ${formatShape(shape)}: dimensions must be non-negative integers`);
  }
}

/** NumPy broadcasting of two shapes; throws naming the op and both shapes when they are incompatible. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Row-major strides of `shape` as seen from `outShape` (broadcast dimensions get stride 0). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const outAxis = outShape.length - shape.length + i;
    strides[outAxis] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  return strides;
}

export function normalizeAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}
