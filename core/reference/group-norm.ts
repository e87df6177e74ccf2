// Float64 CPU reference for GroupNorm over x [B, C, L] (see core/kernels/group-norm.wgsl for the formulas).

/** y = gamma[c] * (x - mean_bg) / sqrt(var_bg + eps) + beta[c], with the biased variance of each group. */
export function groupNormReference(
  x: ArrayLike<number>, shape: readonly [number, number, number], groups: number,
  gamma: ArrayLike<number> | null, beta: ArrayLike<number> | null, eps = 1e-5,
): Float64Array {
  const [batch, channels, length] = shape;
  const perGroup = channels / groups;
  const n = perGroup * length;
  const y = new Float64Array(batch * channels * length);
  for (let b = 0; b < batch; b++) {
    for (let g = 0; g < groups; g++) {
      const base = (b * channels + g * perGroup) * length;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += x[base + j]!;
      const mean = sum / n;
      let squares = 0;
      for (let j = 0; j < n; j++) squares += (x[base + j]! - mean) ** 2;
      const rstd = 1 / Math.sqrt(squares / n + eps);
      for (let j = 0; j < n; j++) {
        const c = g * perGroup + Math.floor(j / length);
        y[base + j] = (x[base + j]! - mean) * rstd * (gamma ? gamma[c]! : 1) + (beta ? beta[c]! : 0);
      }
    }
  }
  return y;
}
