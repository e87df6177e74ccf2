// Solving A X = B for a symmetric positive definite A, in float64 on the CPU: the normal equations of the
// landmark fits (talking-head/tracking/landmark-face-fit.ts fits coefficients to one face, and
// talking-head/face/fitted/landmark-model-fit.ts fits a face model to many), both 144 x 144.

/**
 * Solves A X = B in place: A [n, n] row-major is overwritten by its Cholesky factor, B [n, m] row-major by X.
 * Throws naming `what` when A is not positive definite.
 */
export function solveSymmetricPositiveDefinite(a: Float64Array, b: Float64Array, n: number, m: number, what = 'solveSymmetricPositiveDefinite'): void {
  if (a.length !== n * n || b.length !== n * m) throw new RangeError(`${what}: A has ${a.length} values and B ${b.length}, expected ${n} x ${n} and ${n} x ${m}`);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    if (!(d > 0)) throw new RangeError(`${what}: the normal equations are not positive definite at row ${j}`);
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / l;
    }
  }
  // Forward then back substitution, all m right-hand sides at once (row by row, so the inner loops run along
  // B's rows: m is 1404 for the fits, n 144).
  const row = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    row.set(b.subarray(i * m, (i + 1) * m));
    for (let k = 0; k < i; k++) {
      const l = a[i * n + k]!;
      if (l === 0) continue;
      for (let c = 0; c < m; c++) row[c]! -= l * b[k * m + c]!;
    }
    const d = a[i * n + i]!;
    for (let c = 0; c < m; c++) b[i * m + c] = row[c]! / d;
  }
  for (let i = n - 1; i >= 0; i--) {
    row.set(b.subarray(i * m, (i + 1) * m));
    for (let k = i + 1; k < n; k++) {
      const l = a[k * n + i]!;
      if (l === 0) continue;
      for (let c = 0; c < m; c++) row[c]! -= l * b[k * m + c]!;
    }
    const d = a[i * n + i]!;
    for (let c = 0; c < m; c++) b[i * m + c] = row[c]! / d;
  }
}
