// What a kernel launch is, as plain data: which WGSL entry point, with which override constants, uniforms and
// buffers, over how many workgroups, and how much work it declares (for the profiler's roofline). Launchers in
// this folder only build these objects; engine/ executes them. So kernels/ never imports engine/.

/** A WGSL source file. `name` is the kernel family ("conv1d"), `file` where it lives (for error messages). */
export interface KernelSource {
  readonly name: string;
  readonly file: string;
  readonly code: string;
}

/** One 4-byte field of a kernel's `Params` uniform struct (binding 0), written in declaration order. */
export type UniformValue = { readonly u32: number } | { readonly i32: number } | { readonly f32: number };
export const u32 = (value: number): UniformValue => ({ u32: value });
export const i32 = (value: number): UniformValue => ({ i32: value });
export const f32 = (value: number): UniformValue => ({ f32: value });

export interface KernelLaunch {
  readonly kernel: KernelSource;
  readonly entry: string;
  /** WGSL `override` constants. They specialise the pipeline and are part of its cache key. */
  readonly constants?: Readonly<Record<string, number>>;
  /** The `Params` uniform struct at @binding(0): every entry point reads it. */
  readonly params: readonly UniformValue[];
  /** Storage buffers at @binding(1), (2), ...: first those the kernel only reads, then those it writes. */
  readonly buffers: readonly GPUBuffer[];
  readonly workgroups: readonly [number, number, number];
  /** Declared work, for the profiler: floating-point operations and bytes read plus written. */
  readonly flops: number;
  readonly bytes: number;
  /** Human-readable shapes for profiles and errors, e.g. "[64,32,256]*[64,32,5]". */
  readonly shapes: string;
}

/** WebGPU's guaranteed maximum workgroups per grid dimension. */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/**
 * Spreads `groups` workgroups over x and y so no dimension exceeds the limit. Kernels recover the flat
 * workgroup index as `wg.x + wg.y * num_workgroups.x` and must bounds-check, since x * y may exceed `groups`.
 */
export function gridFor(groups: number): [number, number, number] {
  const n = Math.max(1, Math.ceil(groups));
  if (n <= MAX_WORKGROUPS_PER_DIMENSION) return [n, 1, 1];
  const y = Math.ceil(n / MAX_WORKGROUPS_PER_DIMENSION);
  return [Math.ceil(n / y), y, 1];
}

/** Workgroups needed for `count` independent items at `perWorkgroup` items a workgroup, spread by gridFor. */
export function gridForItems(count: number, perWorkgroup: number): [number, number, number] {
  return gridFor(Math.ceil(count / perWorkgroup));
}
