// Launch descriptions for core/kernels/peak.wgsl (used by benchmarks/peak.ts).
import source from './peak.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridFor, gridForItems, u32 } from './launch.ts';

export const peakKernel: KernelSource = { name: 'peak', file: 'core/kernels/peak.wgsl', code: source };

const FMA_WG = 64;
const FMA_ACCUMULATORS = 4;
const FMA_UNROLL = 4;
const COPY_WG = 256;
const COPY_VEC4_PER_THREAD = 4;

/** Bytes of the sink buffer fma_chains writes over `workgroups` workgroups: one vec4 a thread. */
export function fmaSinkBytes(workgroups: number): number {
  return workgroups * FMA_WG * 16;
}

/** `workgroups` x 64 threads, each running 4 independent vec4 FMA chains for `iterations` x 4 links. */
export function fmaChainsLaunch(sink: GPUBuffer, workgroups: number, iterations: number): KernelLaunch {
  const threads = workgroups * FMA_WG;
  const flopsPerThread = iterations * FMA_UNROLL * FMA_ACCUMULATORS * 4 * 2 + (FMA_ACCUMULATORS - 1) * 4;
  return {
    kernel: peakKernel, entry: 'fma_chains', params: { iterations: u32(iterations), b: f32(0.999), c: f32(1e-3) }, buffers: [sink],
    workgroups: gridFor(workgroups), flops: threads * flopsPerThread, bytes: threads * 16,
    shapes: `fma[${threads} threads x ${iterations}]`,
  };
}

/** dst[0..vec4s) = src[0..vec4s), 4 contiguous vec4s a thread. Bytes are read plus written. */
export function copyVec4Launch(src: GPUBuffer, dst: GPUBuffer, vec4s: number): KernelLaunch {
  return {
    kernel: peakKernel, entry: 'copy_vec4', params: { vec4s: u32(vec4s) }, buffers: [src, dst],
    workgroups: gridForItems(Math.ceil(vec4s / COPY_VEC4_PER_THREAD), COPY_WG), flops: 0, bytes: 2 * 16 * vec4s,
    shapes: `copy[${vec4s} vec4]`,
  };
}
