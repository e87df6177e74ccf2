// Deterministic inputs for benchmarks: they need finite numbers, the same in every run and in every peer,
// not statistics. A 32-bit LCG gives values in [-1, 1).
export function syntheticValues(n: number, seed: number): Float32Array {
  const values = new Float32Array(n);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}
