// Kernel families with named variants: several ways of computing the same result, of which the engine picks one
// per adapter and shape class (core/kernel-selection.ts). On a CPU adapter (lavapipe, SwiftShader) register
// blocking with operands shared through subgroups wins; on a GPU workgroup-memory tiling may; only a
// measurement on the adapter itself says (core/kernels/PERFORMANCE.md). Every variant of a family computes the
// same mathematical result for every problem it supports; they differ only in the order of float32 roundings,
// and every variant is checked against the family's references (tests/core/kernel-variants.test.ts).
//
// This file is plain data and types: like the launchers, it never imports the engine.
import type { KernelLaunch } from './launch.ts';

/** What the device offers that a variant may need, known when the engine is created. */
export interface DeviceFeatures {
  /** The adapter's description, for reports. */
  readonly adapter: string;
  /** A CPU implementation (lavapipe, SwiftShader). */
  readonly isSoftwareAdapter: boolean;
  /** The device was created with the `subgroups` feature. */
  readonly subgroups: boolean;
  /** The adapter's subgroup sizes (both 0 when unknown): kernels that share values over a subgroup need them fixed. */
  readonly subgroupMinSize: number;
  readonly subgroupMaxSize: number;
}

/** The subgroup size a variant can rely on, or 0 when the adapter has none or does not fix it. */
export function fixedSubgroupSize(device: DeviceFeatures): number {
  return device.subgroups && device.subgroupMinSize > 0 && device.subgroupMinSize === device.subgroupMaxSize ? device.subgroupMinSize : 0;
}

/** Temporary storage a variant may need (partial sums): released by the engine once the launches are recorded. */
export interface Scratch {
  acquire(bytes: number, label: string): GPUBuffer;
}

/** A copy of bytes between storage buffers (copyBufferToBuffer), recorded in order with the launches around it. */
export interface BufferCopy {
  readonly source: GPUBuffer;
  readonly sourceOffset: number;
  readonly target: GPUBuffer;
  readonly targetOffset: number;
  readonly bytes: number;
}

export interface KernelVariant<P> {
  /** Unique within its family, stable (tests force variants by name): "register", "subgroup-r8p16". */
  readonly name: string;
  /** Whether this variant can compute this problem on this device. */
  supports(problem: P, device: DeviceFeatures): boolean;
  /** The launches that compute the problem, in order. */
  launches(problem: P, device: DeviceFeatures, scratch: Scratch): KernelLaunch[];
  /** Buffer copies recorded after the launches (a variant that moves values without a kernel has only these). */
  copies?(problem: P): BufferCopy[];
}

/**
 * A kernel family: one job (conv1d's forward, a matrix product), its variants, and how problems group into
 * shape classes that share one choice. variants[0] is the portable one: it supports every problem on every device.
 */
export interface KernelFamily<P> {
  readonly name: string;
  readonly variants: readonly KernelVariant<P>[];
  /** Problems of one class run fastest with the same variant (same kernel geometry, similar sizes). */
  shapeClass(problem: P): string;
  /**
   * The problem a tuning run times for this one's class: the same geometry on fresh buffers (from `buffer`, zeroed),
   * cut down (fewer batch items) so that a run takes milliseconds, not seconds.
   */
  tuningProblem(problem: P, buffer: (bytes: number) => GPUBuffer): P;
  /** Variant names to try first when nothing was measured (default: the order of `variants`). */
  preference?(device: DeviceFeatures): readonly string[];
}

/** log2 rounded: sizes within a factor of about 1.4 of each other share a class. */
export const sizeClass = (n: number): number => Math.round(Math.log2(Math.max(1, n)));
