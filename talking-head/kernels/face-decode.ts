// Launch descriptions for talking-head/kernels/face-decode.wgsl: Eq. (2) for a batch of frames, and its coefficient gradient.
import source from './face-decode.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from '../../core/kernels/launch.ts';

export const faceDecodeKernel: KernelSource = { name: 'face-decode', file: 'talking-head/kernels/face-decode.wgsl', code: source };

const WG = 64;
/** Coefficients a frame (80 identity + 64 expression); the kernel reads them as 36 vec4. */
export const DECODE_COEFFICIENTS = 144;
/** Rows of the basis one backward thread sums over (the WGSL override CHUNK_ROWS). */
export const DECODE_CHUNK_ROWS = 512;

/** The number of partial sums the backward writes a (frame, coefficient): the op sums them. */
export function decodeBackwardChunks(rows: number): number {
  return Math.max(1, Math.ceil(rows / DECODE_CHUNK_ROWS));
}

/**
 * vertices [frames, rows] = mean [rows] + coeffs [frames, 144] · basisᵀ, basis [rows, 144] row-major.
 */
export function faceDecodeLaunch(basis: GPUBuffer, mean: GPUBuffer, coeffs: GPUBuffer, vertices: GPUBuffer, frames: number, rows: number): KernelLaunch {
  const rowBlocks = Math.ceil(rows / 4);
  return {
    kernel: faceDecodeKernel,
    entry: 'forward',
    params: { frames: u32(frames), rows: u32(rows), row_blocks: u32(rowBlocks) },
    buffers: [basis, mean, coeffs, vertices],
    workgroups: gridForItems(Math.ceil(frames / 4) * rowBlocks, WG),
    flops: 2 * frames * rows * DECODE_COEFFICIENTS,
    bytes: 4 * (rows * DECODE_COEFFICIENTS + rows + frames * DECODE_COEFFICIENTS + frames * rows),
    shapes: `[${frames},${DECODE_COEFFICIENTS}]*[${rows},${DECODE_COEFFICIENTS}]ᵀ`,
  };
}

/**
 * partial [chunks, frames, 144]: partial[c] = dS[:, rows of chunk c] · basis[rows of chunk c, :]. Summed over c,
 * the gradient of the coefficients.
 */
export function faceDecodeBackwardLaunch(basis: GPUBuffer, gradVertices: GPUBuffer, partial: GPUBuffer, frames: number, rows: number): KernelLaunch {
  const chunks = decodeBackwardChunks(rows);
  const frameBlocks = Math.ceil(frames / 4);
  return {
    kernel: faceDecodeKernel,
    entry: 'backward',
    constants: { CHUNK_ROWS: DECODE_CHUNK_ROWS },
    params: { frames: u32(frames), rows: u32(rows), frame_blocks: u32(frameBlocks), chunks: u32(chunks) },
    buffers: [basis, gradVertices, partial],
    workgroups: gridForItems(chunks * frameBlocks * (DECODE_COEFFICIENTS / 4), WG),
    flops: 2 * frames * rows * DECODE_COEFFICIENTS,
    bytes: 4 * (rows * DECODE_COEFFICIENTS + frames * rows + chunks * frames * DECODE_COEFFICIENTS),
    shapes: `[${frames},${rows}]*[${rows},${DECODE_COEFFICIENTS}] in ${chunks} chunks`,
  };
}
