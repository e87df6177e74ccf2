// Launch descriptions for talking-head/kernels/gaussian-filter.wgsl, and the filter's weights (Eq. 1, normalised).
import source from './gaussian-filter.wgsl';
import { type KernelLaunch, type KernelSource, gridForItems, u32 } from '../../core/kernels/launch.ts';

export const gaussianFilterKernel: KernelSource = { name: 'gaussian-filter', file: 'talking-head/kernels/gaussian-filter.wgsl', code: source };

const WG = 64;
/** The uniform block holds 16 vec4 of weights: 2m + 1 <= 63 taps (and 2m + 2 <= 64 running sums). */
export const MAX_HALF_WINDOW = 31;

/** The filter: sigma d (in frames) and half-window m (2m + 1 taps). */
export interface GaussianFilterSpec {
  readonly sigma: number;
  readonly halfWindow: number;
}

/** m = ceil(3 d) unless given: the taps beyond 3 sigma carry < 0.3% of the weight. */
export function gaussianFilterSpec(sigma: number, halfWindow?: number): GaussianFilterSpec {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new RangeError(`gaussian filter: sigma ${sigma} must be a positive number of frames`);
  const m = halfWindow ?? Math.ceil(3 * sigma);
  if (!Number.isInteger(m) || m < 0 || m > MAX_HALF_WINDOW) {
    throw new RangeError(`gaussian filter: half-window ${m} (sigma ${sigma}) must be an integer in [0, ${MAX_HALF_WINDOW}] (at most ${2 * MAX_HALF_WINDOW + 1} taps)`);
  }
  return { sigma, halfWindow: m };
}

/**
 * w_j = F(j) / sum_k F(k) for j = -m .. m, F(x) = exp(-x^2 / (2 d^2)) / (sqrt(2 pi) d) (Eq. 1): the
 * 1 / (sqrt(2 pi) d) factor cancels in the normalisation. Index j + m.
 */
export function gaussianFilterWeights(spec: GaussianFilterSpec): Float64Array {
  const m = spec.halfWindow;
  const w = new Float64Array(2 * m + 1);
  let total = 0;
  for (let j = -m; j <= m; j++) total += w[j + m] = Math.exp(-(j * j) / (2 * spec.sigma * spec.sigma));
  for (let k = 0; k < w.length; k++) w[k]! /= total;
  return w;
}

/** gaussianFilterWeightUniforms by sigma and half-window (read, never written): generation filters every window with one spec. */
const uniformsBySpec = new Map<string, { weights: Float32Array; cumulative: Float32Array }>();

/** The weights and their running sums: the kernel's `weights` and `cumulative` (array<vec4f, 16> each). */
export function gaussianFilterWeightUniforms(spec: GaussianFilterSpec): { weights: Float32Array; cumulative: Float32Array } {
  const key = `${spec.sigma}|${spec.halfWindow}`;
  let uniforms = uniformsBySpec.get(key);
  if (!uniforms) {
    uniforms = computeWeightUniforms(spec);
    if (uniformsBySpec.size >= 64) uniformsBySpec.clear();
    uniformsBySpec.set(key, uniforms);
  }
  return uniforms;
}

function computeWeightUniforms(spec: GaussianFilterSpec): { weights: Float32Array; cumulative: Float32Array } {
  const w = gaussianFilterWeights(spec);
  const weights = new Float32Array(4 * 16);
  const cumulative = new Float32Array(4 * 16);
  let running = 0;
  w.forEach((value, k) => {
    weights[k] = value;
    running += value;
    cumulative[k + 1] = running;
  });
  return { weights, cumulative };
}

/** The filtered axis of a row-major tensor viewed as [outer, length, inner]. */
export interface FilterAxis {
  readonly outer: number;
  readonly length: number;
  readonly inner: number;
}

/** Outputs a forward_rows thread computes (ROW_BLOCK in the WGSL). */
const ROW_BLOCK = 8;
/**
 * vec4s of outputs a forward_rows_stream thread computes along its row (STREAM4 in the WGSL, set from here): 32
 * took 1.67 ms of CPU at [4096, 256] m = 6 where 16 took 1.89 and 64 1.63 (benchmarks/experiments/gaussian-rows.ts);
 * 32 keeps twice the threads of 64.
 */
const STREAM4 = 32;
/** forward_rows_stream's workgroup size (ROWS_WG): 256 ran faster than 64 on lavapipe (core/kernels/PERFORMANCE.md). */
const ROWS_WG = 256;

function launch(entry: 'forward' | 'backward', input: GPUBuffer, output: GPUBuffer, axis: FilterAxis, spec: GaussianFilterSpec): KernelLaunch {
  const n = axis.outer * axis.length * axis.inner;
  const taps = 2 * spec.halfWindow + 1;
  // Rows (inner == 1): a block of outputs a thread, reading its window once (forward_rows in the WGSL); when a row is
  // a whole number of vec4s, a run of vec4s a thread with the window slid along it (forward_rows_stream).
  const rows = entry === 'forward' && axis.inner === 1;
  const vec4 = rows && axis.length % 4 === 0;
  const threads = vec4 ? axis.outer * Math.ceil(axis.length / 4 / STREAM4) : axis.outer * Math.ceil(axis.length / ROW_BLOCK);
  return {
    kernel: gaussianFilterKernel,
    entry: vec4 ? 'forward_rows_stream' : rows ? 'forward_rows' : entry,
    ...(vec4 ? { constants: { HALF_WINDOW: spec.halfWindow, STREAM4 } } : rows ? { constants: { HALF_WINDOW: spec.halfWindow } } : {}),
    params: { outer: u32(axis.outer), length: u32(axis.length), inner: u32(axis.inner), half_window: u32(spec.halfWindow), ...gaussianFilterWeightUniforms(spec) },
    buffers: [input, output],
    workgroups: rows ? gridForItems(threads, vec4 ? ROWS_WG : WG) : gridForItems(n, WG),
    flops: 2 * taps * n,
    bytes: 8 * n,
    shapes: `${entry === 'forward' ? 'gaussian' : 'gaussian\''}[${axis.outer},${axis.length},${axis.inner}] d=${spec.sigma} m=${spec.halfWindow}`,
  };
}

/** y = the filtered x along the middle axis of [outer, length, inner]. */
export function gaussianFilterLaunch(x: GPUBuffer, y: GPUBuffer, axis: FilterAxis, spec: GaussianFilterSpec): KernelLaunch {
  return launch('forward', x, y, axis, spec);
}

/** dx = Aᵀ dy, the transposed (clamped-edge) filter. */
export function gaussianFilterBackwardLaunch(dy: GPUBuffer, dx: GPUBuffer, axis: FilterAxis, spec: GaussianFilterSpec): KernelLaunch {
  return launch('backward', dy, dx, axis, spec);
}
