// Float64 references for PGFace's Eq. (7)-(8): the explicit per-vertex form (decode both coefficient sets,
// weight by the mask, sum) and the quadratic form Q = B^T M^2 B that the kernel uses.

/** basis [R = 3V, K] row-major, mask [V] -> Q [K, K] = B^T diag(m_r^2) B with m_r = mask[floor(r / 3)]. */
export function vertexQuadraticForm(basis: ArrayLike<number>, mask: ArrayLike<number>, k: number): Float64Array {
  const rows = basis.length / k;
  const q = new Float64Array(k * k);
  for (let r = 0; r < rows; r++) {
    const w = mask[Math.floor(r / 3)]! ** 2;
    for (let i = 0; i < k; i++) {
      const bi = basis[r * k + i]! * w;
      if (bi === 0) continue;
      for (let j = 0; j < k; j++) q[i * k + j]! += bi * basis[r * k + j]!;
    }
  }
  return q;
}

/**
 * The paper's definition: decode f = B alpha_pred, v = B alpha_true (the mean cancels), then
 * L_shape = mean over frames of ||(v - f) (.) m||^2 and L_s-motion = mean over pairs of
 * ||((v_b - v_a) - (f_b - f_a)) (.) m||^2. predicted, target [2P, K] row-major.
 */
export function maskedVertexLossesReference(predicted: ArrayLike<number>, target: ArrayLike<number>, basis: ArrayLike<number>, mask: ArrayLike<number>, k: number): [number, number] {
  const rows = predicted.length / k;
  const coordinates = basis.length / k;
  const vertexResidual = (n: number) => {
    const out = new Float64Array(coordinates);
    for (let r = 0; r < coordinates; r++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += basis[r * k + j]! * (target[n * k + j]! - predicted[n * k + j]!);
      out[r] = s * mask[Math.floor(r / 3)]!;
    }
    return out;
  };
  let shape = 0;
  let motion = 0;
  for (let p = 0; p < rows / 2; p++) {
    const a = vertexResidual(2 * p);
    const b = vertexResidual(2 * p + 1);
    for (let r = 0; r < coordinates; r++) {
      shape += a[r]! ** 2 + b[r]! ** 2;
      motion += (b[r]! - a[r]!) ** 2;
    }
  }
  return [shape / rows, motion / (rows / 2)];
}
