// Layout ops: concat, split, slice, pad, permute, transpose. Each is a strided box copy (core/kernels/layout.ts), or a
// plain buffer copy when the box is one contiguous run in both tensors. Their gradients are layout ops too:
//   concat <-> split,  slice <-> pad with zeros,  permute <-> the inverse permutation.
import { type Box, contiguousRows, contiguousRun, copyBoxLaunch, padLaunch, rowMajorStrides } from '../kernels/layout.ts';
import { boxCopyFamily } from '../kernels/layout-families.ts';
import { recordGrad } from '../record-grad.ts';
import type { Engine } from '../engine.ts';
import { type Shape, ShapeError, formatShape, normalizeAxis } from '../shape.ts';
import { Tensor } from '../tensor.ts';

const BYTES_PER_VALUE = 4;

/** Records the copy of one box from `src` to `dst`. */
// One contiguous run is one buffer copy; a box of long contiguous rows is copied by the variant of the box-copy
// family chosen for its shape class (a kernel, or a buffer copy a row: core/kernels/layout-families.ts); any other
// box by the box kernel.
function copyBox(engine: Engine, src: GPUBuffer, dst: GPUBuffer, box: Box): void {
  if (box.extent.some((e) => e === 0)) return;
  const run = contiguousRun(box);
  if (run) {
    engine.copyBuffer(src, run.srcOffset * BYTES_PER_VALUE, dst, run.dstOffset * BYTES_PER_VALUE, run.count * BYTES_PER_VALUE);
  } else if (contiguousRows(box)) {
    engine.run(boxCopyFamily, { src, dst, box }, () => `box [${box.extent.join(',')}]`);
  } else {
    engine.dispatch(copyBoxLaunch(src, dst, box));
  }
}

function assertAxisList(op: string, what: string, values: readonly number[], shape: Shape): void {
  if (values.length !== shape.length || !values.every((v) => Number.isInteger(v))) {
    throw new ShapeError(`${op}: ${what} [${values.join(',')}] must give one integer for each axis of the input ${formatShape(shape)}`);
  }
}

/**
 * Joins tensors along `axis`; every other dimension must agree. The U-Net skip connection:
 * concat([decoder [B, C1, L], skip [B, C2, L]], 1) -> [B, C1 + C2, L].
 */
export function concat(tensors: readonly Tensor[], axis: number): Tensor {
  const first = tensors[0];
  if (!first) throw new ShapeError('concat: needs at least one tensor');
  const a = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    if (t.engine !== first.engine) throw new Error(`concat: ${t.name} and ${first.name} live on different engines`);
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      throw new ShapeError(`concat along axis ${a}: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ on another axis`);
    }
  }
  const sizes = tensors.map((t) => t.shape[a]!);
  const shape = first.shape.map((d, k) => (k === a ? sizes.reduce((p, s) => p + s, 0) : d));
  const out = Tensor.empty(first.engine, shape, 'concat');
  const dstStrides = rowMajorStrides(shape);
  let start = 0;
  for (const t of tensors) {
    copyBox(t.engine, t.buffer, out.buffer, {
      extent: t.shape, srcStrides: rowMajorStrides(t.shape), srcOffset: 0, dstStrides, dstOffset: start * dstStrides[a]!,
    });
    start += t.shape[a]!;
  }
  return recordGrad(out, 'concat', tensors, (g) => {
    let from = 0;
    return tensors.map((t) => {
      const at = from;
      from += t.shape[a]!;
      return t.requiresGrad ? sliceForward(g, g.shape.map((_, k) => (k === a ? at : 0)), t.shape, 'concat.grad') : null;
    });
  });
}

/** Cuts x along `axis` into parts of the given sizes (which must add up to that dimension): concat's inverse. */
export function split(x: Tensor, sizes: readonly number[], axis: number): Tensor[] {
  const a = normalizeAxis('split', axis, x.rank);
  const total = sizes.reduce((p, s) => p + s, 0);
  if (total !== x.shape[a] || !sizes.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new ShapeError(`split: sizes [${sizes.join(',')}] do not add up to dimension ${a} of ${x.name} ${formatShape(x.shape)}`);
  }
  let start = 0;
  return sizes.map((size) => {
    const starts = x.shape.map((_, k) => (k === a ? start : 0));
    start += size;
    return slice(x, starts, x.shape.map((d, k) => (k === a ? size : d)));
  });
}

function sliceForward(x: Tensor, starts: readonly number[], sizes: Shape, name: string): Tensor {
  const out = Tensor.empty(x.engine, sizes, name);
  const strides = rowMajorStrides(x.shape);
  const srcOffset = starts.reduce((p, s, k) => p + s * strides[k]!, 0);
  copyBox(x.engine, x.buffer, out.buffer, { extent: sizes, srcStrides: strides, srcOffset, dstStrides: rowMajorStrides(sizes), dstOffset: 0 });
  return out;
}

/** The box of x starting at `starts` with shape `sizes` (one entry each per axis). Backward: pad with zeros. */
export function slice(x: Tensor, starts: readonly number[], sizes: readonly number[]): Tensor {
  assertAxisList('slice', 'starts', starts, x.shape);
  assertAxisList('slice', 'sizes', sizes, x.shape);
  if (x.shape.some((d, k) => starts[k]! < 0 || sizes[k]! < 0 || starts[k]! + sizes[k]! > d)) {
    throw new ShapeError(`slice: the box at [${starts.join(',')}] of shape [${sizes.join(',')}] does not fit in ${x.name} ${formatShape(x.shape)}`);
  }
  const out = sliceForward(x, starts, sizes, 'slice');
  return recordGrad(out, 'slice', [x], (g) => [padForward(g, starts, x.shape.map((d, k) => d - starts[k]! - sizes[k]!), 0, 'slice.grad')]);
}

function padForward(x: Tensor, before: readonly number[], after: readonly number[], value: number, name: string): Tensor {
  const shape = x.shape.map((d, k) => d + before[k]! + after[k]!);
  const out = Tensor.empty(x.engine, shape, name);
  if (out.size > 0) x.engine.dispatch(padLaunch(x.buffer, out.buffer, x.shape, before, after, value));
  return out;
}

/** Adds `before[k]` and `after[k]` values equal to `value` at each end of axis k. Backward: slice. */
export function pad(x: Tensor, before: readonly number[], after: readonly number[], value = 0): Tensor {
  assertAxisList('pad', 'before', before, x.shape);
  assertAxisList('pad', 'after', after, x.shape);
  if (![...before, ...after].every((p) => p >= 0)) {
    throw new ShapeError(`pad: padding before [${before.join(',')}] and after [${after.join(',')}] of ${formatShape(x.shape)} must be >= 0 (use slice to crop)`);
  }
  const out = padForward(x, before, after, value, 'pad');
  return recordGrad(out, 'pad', [x], (g) => [sliceForward(g, before, x.shape, 'pad.grad')]);
}

/** Reorders axes: output axis k is input axis order[k]. Backward: the inverse permutation. */
export function permute(x: Tensor, order: readonly number[]): Tensor {
  const valid = order.length === x.rank && [...order].sort((p, q) => p - q).every((v, k) => v === k);
  if (!valid) throw new ShapeError(`permute: order [${order.join(',')}] is not a permutation of the axes of ${x.name} ${formatShape(x.shape)}`);
  const shape = order.map((k) => x.shape[k]!);
  const out = Tensor.empty(x.engine, shape, 'permute');
  const strides = rowMajorStrides(x.shape);
  copyBox(x.engine, x.buffer, out.buffer, {
    extent: shape, srcStrides: order.map((k) => strides[k]!), srcOffset: 0, dstStrides: rowMajorStrides(shape), dstOffset: 0,
  });
  const inverse = new Array<number>(order.length);
  order.forEach((k, i) => (inverse[k] = i));
  return recordGrad(out, 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps axes a and b. */
export function transpose(x: Tensor, a: number, b: number): Tensor {
  const order = x.shape.map((_, k) => k);
  const i = normalizeAxis('transpose', a, x.rank);
  const j = normalizeAxis('transpose', b, x.rank);
  [order[i], order[j]] = [order[j]!, order[i]!];
  return permute(x, order);
}
