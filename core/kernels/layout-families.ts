// The box-copy family (core/kernels/variants.ts), for boxes of long contiguous rows (a U-Net skip concat: [B, C, L]
// parts are rows of C L values): "kernel" (layout.wgsl's copy_box_vec4, 4 vec4s a thread, one dispatch over all
// cores) and "buffer-copies" (one copyBufferToBuffer a row: a memcpy each on a CPU adapter, on its one queue
// thread). On lavapipe neither won: the copies ran x0.94 to x2.0 of the kernel from one run to the next as the
// machine's load moved (core/kernels/PERFORMANCE.md); on a GPU one dispatch is the usual winner. Boxes that are one
// contiguous run are one buffer copy and never come here; other boxes run the kernel.
import { type Box, contiguousRows, copyBoxLaunch, simplifyBox } from './layout.ts';
import { type KernelFamily, type KernelVariant, sizeClass } from './variants.ts';

/** dst's box = src's box (see Box); the box is rows of one contiguous run each (contiguousRows). */
export interface BoxCopyProblem {
  readonly src: GPUBuffer;
  readonly dst: GPUBuffer;
  readonly box: Box;
}

const BYTES_PER_VALUE = 4;

const kernel: KernelVariant<BoxCopyProblem> = {
  name: 'kernel',
  supports: () => true,
  launches: ({ src, dst, box }) => [copyBoxLaunch(src, dst, box)],
};

const bufferCopies: KernelVariant<BoxCopyProblem> = {
  name: 'buffer-copies',
  supports: ({ box }) => contiguousRows(box) !== null,
  launches: () => [],
  copies: ({ src, dst, box }) => (contiguousRows(box) ?? []).map((r) => ({
    source: src, sourceOffset: r.srcOffset * BYTES_PER_VALUE, target: dst, targetOffset: r.dstOffset * BYTES_PER_VALUE, bytes: r.count * BYTES_PER_VALUE,
  })),
};

/** Values a buffer must hold for the box at `offset` with these strides. */
const extentOf = (box: Box, strides: readonly number[], offset: number) =>
  offset + box.extent.reduce((end, e, k) => end + (e - 1) * strides[k]!, 0) + 1;

export const boxCopyFamily: KernelFamily<BoxCopyProblem> = {
  name: 'layout.copy-box',
  variants: [kernel, bufferCopies],
  shapeClass: ({ src, dst, box }) => {
    const s = simplifyBox(box);
    const vec4 = copyBoxLaunch(src, dst, box).entry === 'copy_box_vec4';
    return `rows~2^${sizeClass(s.extent[0]!)} run~2^${sizeClass(s.extent.at(-1)!)}${vec4 ? ' vec4' : ''}`;
  },
  tuningProblem: ({ box }, buffer) => ({
    box, src: buffer(BYTES_PER_VALUE * extentOf(box, box.srcStrides, box.srcOffset)), dst: buffer(BYTES_PER_VALUE * extentOf(box, box.dstStrides, box.dstOffset)),
  }),
  // On a CPU adapter the copies, as before the family (exact either way: a copy rounds nothing).
  preference: (device) => (device.isSoftwareAdapter ? ['buffer-copies', 'kernel'] : ['kernel', 'buffer-copies']),
};
