// Float64 reference of Eq. (2) for a batch of frames, on the combined basis the GPU op takes, and its gradient.

/** vertices [N, R] = mean [R] + coeffs [N, K] basisᵀ, basis [R, K] row-major. */
export function decodeFaceReference(coeffs: ArrayLike<number>, basis: ArrayLike<number>, mean: ArrayLike<number>, k: number): Float64Array {
  const rows = mean.length;
  const frames = coeffs.length / k;
  const out = new Float64Array(frames * rows);
  for (let n = 0; n < frames; n++) {
    for (let r = 0; r < rows; r++) {
      let s = mean[r]!;
      for (let j = 0; j < k; j++) s += basis[r * k + j]! * coeffs[n * k + j]!;
      out[n * rows + r] = s;
    }
  }
  return out;
}

/** dcoeffs [N, K] = dvertices [N, R] basis [R, K]. */
export function decodeFaceBackwardReference(dVertices: ArrayLike<number>, basis: ArrayLike<number>, rows: number, k: number): Float64Array {
  const frames = dVertices.length / rows;
  const dc = new Float64Array(frames * k);
  for (let n = 0; n < frames; n++) {
    for (let r = 0; r < rows; r++) {
      const g = dVertices[n * rows + r]!;
      for (let j = 0; j < k; j++) dc[n * k + j]! += g * basis[r * k + j]!;
    }
  }
  return dc;
}
