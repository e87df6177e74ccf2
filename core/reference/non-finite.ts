// Float64 CPU reference of core/kernels/non-finite.wgsl: the number of NaN and infinite values.

export function countNonFiniteReference(x: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) count++;
  return count;
}
