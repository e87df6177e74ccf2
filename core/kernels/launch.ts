// What a kernel launch is, as plain data: which WGSL entry point, with which override constants, uniforms and
// buffers, over how many workgroups, and how much work it declares (for the profiler's roofline). Launchers in
// this folder only build these objects; the engine (core/engine.ts) executes them, so no launcher imports it.

/** A WGSL source file. `name` is the kernel family ("conv1d"), `file` where it lives (for error messages). */
export interface KernelSource {
  readonly name: string;
  readonly file: string;
  readonly code: string;
}

/** A scalar field of a kernel's uniform struct: u32(n), i32(k) or f32(x), so the WGSL type is checked too. */
export type UniformScalar = { readonly u32: number } | { readonly i32: number } | { readonly f32: number };
export const u32 = (value: number): UniformScalar => ({ u32: value });
export const i32 = (value: number): UniformScalar => ({ i32: value });
export const f32 = (value: number): UniformScalar => ({ f32: value });

/**
 * One field's value: a scalar, or for vec4<T> and array<vec4<T>, N> fields a typed array of T (Uint32Array,
 * Int32Array, Float32Array) of at most 4 N values, the rest zero.
 */
export type UniformValue = UniformScalar | Uint32Array | Int32Array | Float32Array;

/**
 * The values of a kernel's uniform struct (binding 0) by field name, as its WGSL declares them. The engine lays
 * them out from that declaration (core/kernels/uniform-layout.ts); padding fields (pad*) may be left out.
 */
export type UniformValues = Readonly<Record<string, UniformValue>>;

export interface KernelLaunch {
  readonly kernel: KernelSource;
  readonly entry: string;
  /** WGSL `override` constants. They specialise the pipeline and are part of its cache key. */
  readonly constants?: Readonly<Record<string, number>>;
  /** The uniform struct at @binding(0), by field name: every entry point reads one. */
  readonly params: UniformValues;
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
