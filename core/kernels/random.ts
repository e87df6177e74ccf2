// Launch descriptions for core/kernels/random.wgsl: counter-based uniform and normal draws, and dropout (whose mask is a
// pure function of (seed, index), so the backward regenerates it).
import source from './random.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridForItems, u32 } from './launch.ts';

export const randomKernel: KernelSource = { name: 'random', file: 'core/kernels/random.wgsl', code: source };

const WG = 256;
/** Random bits kept for a uniform draw (the float mantissa of [0, 1)). */
const UNIFORM_BITS = 2 ** 24;

/** n values uniform in [low, high). */
export function randomUniformLaunch(out: GPUBuffer, n: number, seed: number, low: number, high: number): KernelLaunch {
  return {
    kernel: randomKernel, entry: 'random_uniform', params: { n: u32(n), seed: u32(seed >>> 0), low: f32(low), high: f32(high) }, buffers: [out],
    workgroups: gridForItems(n, WG), flops: 12 * n, bytes: 4 * n, shapes: `uniform[${n}]`,
  };
}

/** n values from a normal distribution (Box-Muller on two uniforms an element). */
export function randomNormalLaunch(out: GPUBuffer, n: number, seed: number, mean: number, std: number): KernelLaunch {
  return {
    kernel: randomKernel, entry: 'random_normal', params: { n: u32(n), seed: u32(seed >>> 0), mean: f32(mean), deviation: f32(std) }, buffers: [out],
    workgroups: gridForItems(n, WG), flops: 40 * n, bytes: 4 * n, shapes: `normal[${n}]`,
  };
}

/**
 * out = x * keep / (1 - p) where an element is kept with probability 1 - p: exactly 1 - round(p 2^24) / 2^24.
 * Applied to dy with the same seed it is the gradient.
 */
export function dropoutLaunch(x: GPUBuffer, out: GPUBuffer, n: number, seed: number, p: number): KernelLaunch {
  return {
    kernel: randomKernel, entry: 'dropout',
    params: { n: u32(n), seed: u32(seed >>> 0), threshold: u32(Math.round(p * UNIFORM_BITS)), scale: f32(1 / (1 - p)) }, buffers: [x, out],
    workgroups: gridForItems(n, WG), flops: 12 * n, bytes: 8 * n, shapes: `dropout[${n}] p${p}`,
  };
}
