// Float64 CPU reference of the Gaussian temporal filter (Eq. 1), written from the equation independently of
// the kernel: weights F(k - i) normalised over the 2m + 1 taps, indices clamped to [0, T - 1].

/** x viewed as [outer, length, inner], filtered along the middle axis. */
export function gaussianFilterReference(
  x: ArrayLike<number>, outer: number, length: number, inner: number, sigma: number, halfWindow = Math.ceil(3 * sigma),
): Float64Array {
  const m = halfWindow;
  const F = (d: number) => Math.exp(-(d * d) / (2 * sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma);
  let norm = 0;
  for (let k = -m; k <= m; k++) norm += F(k);
  const y = new Float64Array(outer * length * inner);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c++) {
      const at = (t: number) => (o * length + t) * inner + c;
      for (let i = 0; i < length; i++) {
        let acc = 0;
        for (let k = i - m; k <= i + m; k++) acc += x[at(Math.min(Math.max(k, 0), length - 1))]! * (F(k - i) / norm);
        y[at(i)] = acc;
      }
    }
  }
  return y;
}

/**
 * The filter's gradient written as the scatter it is: each output's taps send w_j dy(i) to clamp(i + j), with the
 * same normalised weights (so it checks the kernel's gather, which sums edge taps through running sums).
 */
export function gaussianFilterBackwardReference(
  dy: ArrayLike<number>, outer: number, length: number, inner: number, sigma: number, halfWindow = Math.ceil(3 * sigma),
): Float64Array {
  const m = halfWindow;
  const F = (d: number) => Math.exp(-(d * d) / (2 * sigma * sigma));
  let norm = 0;
  for (let k = -m; k <= m; k++) norm += F(k);
  const dx = new Float64Array(outer * length * inner);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c++) {
      const at = (t: number) => (o * length + t) * inner + c;
      for (let i = 0; i < length; i++) {
        for (let j = -m; j <= m; j++) dx[at(Math.min(Math.max(i + j, 0), length - 1))]! += (F(j) / norm) * dy[at(i)]!;
      }
    }
  }
  return dx;
}
