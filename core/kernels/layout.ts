// Launch descriptions for core/kernels/layout.wgsl: strided box copies and padding. Before launching, a box is
// simplified (axes of extent 1 dropped, axes contiguous in both tensors merged), so most layout ops become a
// rank-1 or rank-2 copy; a box that is one contiguous run in both tensors needs no kernel at all
// (`contiguousRun`: the engine copies it with copyBufferToBuffer, several times faster than any kernel here).
import source from './layout.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridForItems, u32 } from './launch.ts';

export const layoutKernel: KernelSource = { name: 'layout', file: 'core/kernels/layout.wgsl', code: source };

const WG = 256;
/** vec4s a copy_box_vec4 thread copies (ITEMS in the WGSL). */
const VEC4_ITEMS = 4;
/** The uniform holds shapes and strides as two vec4s. */
export const MAX_LAYOUT_RANK = 8;

/**
 * A box of shape `extent` copied from `src` to `dst`: element c of the box is
 * src[srcOffset + sum c_k srcStrides_k] and goes to dst[dstOffset + sum c_k dstStrides_k] (in elements).
 */
export interface Box {
  readonly extent: readonly number[];
  readonly srcStrides: readonly number[];
  readonly srcOffset: number;
  readonly dstStrides: readonly number[];
  readonly dstOffset: number;
}

/** Row-major strides of a contiguous tensor of `shape`, in elements. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = stride;
    stride *= shape[k]!;
  }
  return strides;
}

/**
 * The same copy at the lowest rank: axes of extent 1 are dropped, and axis k merges with axis k+1 when both
 * tensors step over axis k exactly one full run of axis k+1 (stride_k = extent_{k+1} * stride_{k+1}).
 */
export function simplifyBox(box: Box): Box {
  const extent: number[] = [];
  const srcStrides: number[] = [];
  const dstStrides: number[] = [];
  box.extent.forEach((e, k) => {
    if (e === 1) return;
    const last = extent.length - 1;
    if (
      last >= 0 &&
      srcStrides[last] === e * box.srcStrides[k]! &&
      dstStrides[last] === e * box.dstStrides[k]!
    ) {
      extent[last]! *= e;
      srcStrides[last] = box.srcStrides[k]!;
      dstStrides[last] = box.dstStrides[k]!;
      return;
    }
    extent.push(e);
    srcStrides.push(box.srcStrides[k]!);
    dstStrides.push(box.dstStrides[k]!);
  });
  if (extent.length === 0) return { extent: [1], srcStrides: [1], srcOffset: box.srcOffset, dstStrides: [1], dstOffset: box.dstOffset };
  return { extent, srcStrides, srcOffset: box.srcOffset, dstStrides, dstOffset: box.dstOffset };
}

/** When the box is one contiguous run in both tensors: where it starts in each and how long it is. */
export function contiguousRun(box: Box): { srcOffset: number; dstOffset: number; count: number } | null {
  const s = simplifyBox(box);
  if (s.extent.length !== 1 || s.srcStrides[0] !== 1 || s.dstStrides[0] !== 1) return null;
  return { srcOffset: s.srcOffset, dstOffset: s.dstOffset, count: s.extent[0]! };
}

/** Box rows at least this long (values) are copied by copyBufferToBuffer, one a row ... */
const MIN_COPY_RUN = 1024;
/** ... when there are at most this many (every copy is a command of its own). */
const MAX_COPY_RUNS = 512;

/**
 * When the box is rows of one contiguous run each in both tensors (rank 2 after simplifying, inner strides 1), long
 * and few enough: the runs, for copyBufferToBuffer (a memcpy on a CPU adapter): the box-copy family's
 * "buffer-copies" variant (layout-families.ts). Else null.
 */
export function contiguousRows(box: Box): { srcOffset: number; dstOffset: number; count: number }[] | null {
  const s = simplifyBox(box);
  if (s.extent.length !== 2 || s.srcStrides[1] !== 1 || s.dstStrides[1] !== 1) return null;
  const [rows, run] = s.extent as [number, number];
  if (run < MIN_COPY_RUN || rows > MAX_COPY_RUNS) return null;
  return Array.from({ length: rows }, (_, r) => ({ srcOffset: s.srcOffset + r * s.srcStrides[0]!, dstOffset: s.dstOffset + r * s.dstStrides[0]!, count: run }));
}

const padTo = (values: readonly number[], fill: number) => Uint32Array.from([...values, ...new Array<number>(MAX_LAYOUT_RANK - values.length).fill(fill)]);

/**
 * Copies a box (see Box) with one thread an element, or 4 vec4s a thread when the innermost axis is contiguous
 * in both tensors and every extent, stride and offset along the way is a multiple of 4.
 */
export function copyBoxLaunch(src: GPUBuffer, dst: GPUBuffer, box: Box): KernelLaunch {
  const s = simplifyBox(box);
  const rank = s.extent.length;
  if (rank > MAX_LAYOUT_RANK) throw new RangeError(`copy_box: rank ${rank} exceeds ${MAX_LAYOUT_RANK} (box [${box.extent}])`);
  const inner = rank - 1;
  const by4 = (v: number) => v % 4 === 0;
  const vec4 =
    s.srcStrides[inner] === 1 && s.dstStrides[inner] === 1 && by4(s.extent[inner]!) && by4(s.srcOffset) && by4(s.dstOffset) &&
    s.srcStrides.every((v, k) => k === inner || by4(v)) && s.dstStrides.every((v, k) => k === inner || by4(v));
  const width = vec4 ? 4 : 1;
  const extent = s.extent.map((e, k) => (k === inner ? e / width : e));
  // In vec4 units the innermost stride (1 value) stays 1 vec4; every other stride and offset shrinks by 4.
  const srcStrides = s.srcStrides.map((v, k) => (vec4 && k === inner ? 1 : v / width));
  const dstStrides = s.dstStrides.map((v, k) => (vec4 && k === inner ? 1 : v / width));
  const n = extent.reduce((p, e) => p * e, 1);
  return {
    kernel: layoutKernel, entry: vec4 ? 'copy_box_vec4' : 'copy_box', constants: { RANK: rank },
    params: {
      n: u32(n), src_offset: u32(s.srcOffset / width), dst_offset: u32(s.dstOffset / width),
      extent: padTo(extent, 1), src_strides: padTo(srcStrides, 0), dst_strides: padTo(dstStrides, 0),
    },
    buffers: [src, dst], workgroups: gridForItems(vec4 ? Math.ceil(n / VEC4_ITEMS) : n, WG),
    flops: 0, bytes: 8 * n * width, shapes: `box[${s.extent.join(',')}]`,
  };
}

/**
 * out[c] = src[c - before] inside the source, `value` elsewhere; src is a contiguous tensor of `srcShape`
 * and out one of shape srcShape + before + after. Axes without padding merge into the axis outside them.
 */
export function padLaunch(
  src: GPUBuffer, out: GPUBuffer, srcShape: readonly number[], before: readonly number[], after: readonly number[], value: number,
): KernelLaunch {
  const outShape: number[] = [];
  const shape: number[] = [];
  const lead: number[] = [];
  srcShape.forEach((d, k) => {
    const o = d + before[k]! + after[k]!;
    if (o === 1 && d === 1) return;
    const last = outShape.length - 1;
    const padded = before[k]! !== 0 || after[k]! !== 0;
    if (last >= 0 && !padded) {
      outShape[last]! *= d;
      shape[last]! *= d;
      lead[last]! *= d;
      return;
    }
    outShape.push(o);
    shape.push(d);
    lead.push(before[k]!);
  });
  if (outShape.length === 0) {
    outShape.push(1);
    shape.push(srcShape.reduce((p, d) => p * d, 1));
    lead.push(0);
  }
  const rank = outShape.length;
  if (rank > MAX_LAYOUT_RANK) throw new RangeError(`pad: rank ${rank} exceeds ${MAX_LAYOUT_RANK} (source [${srcShape}])`);
  const n = outShape.reduce((p, d) => p * d, 1);
  const describe = `pad[${srcShape.join(',')}]->[${outShape.join(',')}]`;
  // Only the innermost axis padded, to whole vec4s: a vec4 an item (layout.wgsl pad_rows_vec4)
  const rowsOnly = rank <= 2 && outShape[rank - 1]! % 4 === 0 && (rank === 1 || (lead[0] === 0 && outShape[0] === shape[0]));
  if (rowsOnly) {
    const rows = rank === 1 ? 1 : outShape[0]!;
    const out4 = outShape[rank - 1]! / 4;
    return {
      kernel: layoutKernel, entry: 'pad_rows_vec4',
      params: { rows: u32(rows), src_cols: u32(shape[rank - 1]!), out_cols4: u32(out4), before: u32(lead[rank - 1]!), value: f32(value) },
      buffers: [src, out], workgroups: gridForItems(rows * out4, WG),
      flops: 0, bytes: 4 * n + 4 * shape.reduce((p, d) => p * d, 1), shapes: describe,
    };
  }
  return {
    kernel: layoutKernel, entry: 'pad', constants: { RANK: rank },
    params: {
      n: u32(n), value: f32(value),
      out_shape: padTo(outShape, 1), src_shape: padTo(shape, 1), before: padTo(lead, 0), src_strides: padTo(rowMajorStrides(shape), 0),
    },
    buffers: [src, out], workgroups: gridForItems(n, WG),
    flops: 0, bytes: 4 * n + 4 * shape.reduce((p, d) => p * d, 1), shapes: describe,
  };
}
