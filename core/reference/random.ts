// Float64 CPU references for the counter-based random ops of core/kernels/random.wgsl, from the same
// definitions: the bits of element i of a draw with seed s are pcg(pcg(i) + pcg(s)), PCG-RXS-M-XS on u32.
// Given the seed an op drew, its output is a pure function of (seed, index), so it can be checked exactly.

/** 2^24, written out: bundlers treat `2 ** 24` at module scope as code that may have effects and keep it. */
const UNIFORM_BITS = 16777216;

/** PCG-RXS-M-XS, u32 -> u32 (Math.imul and >>> 0 give WGSL's wrapping u32 arithmetic). */
function pcg(v: number): number {
  const state = (Math.imul(v, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

export function randomBitsReference(seed: number, i: number): number {
  return pcg((pcg(i) + pcg(seed >>> 0)) >>> 0);
}

/** n values low + (high - low) u, u = (bits >> 8) 2^-24 in [0, 1). */
export function randomUniformReference(n: number, seed: number, low: number, high: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => low + (high - low) * ((randomBitsReference(seed, i) >>> 8) / UNIFORM_BITS));
}

/** n values mean + deviation sqrt(-2 ln u1) cos(2 pi u2), u1 from bits(2i) in (0, 1], u2 from bits(2i + 1) in [0, 1). */
export function randomNormalReference(n: number, seed: number, mean: number, deviation: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    const u1 = ((randomBitsReference(seed, 2 * i) >>> 8) + 1) / UNIFORM_BITS;
    const u2 = (randomBitsReference(seed, 2 * i + 1) >>> 8) / UNIFORM_BITS;
    return mean + deviation * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  });
}

/** Whether dropout with probability p keeps element i: (bits >> 8) >= round(p 2^24). */
export function dropoutKeepsReference(seed: number, i: number, p: number): boolean {
  return randomBitsReference(seed, i) >>> 8 >= Math.round(p * UNIFORM_BITS);
}

/** x / (1 - p) where kept, 0 elsewhere. Applied to dy with the same seed it is the gradient. */
export function dropoutReference(x: ArrayLike<number>, seed: number, p: number): Float64Array {
  return Float64Array.from({ length: x.length }, (_, i) => (dropoutKeepsReference(seed, i, p) ? x[i]! / (1 - p) : 0));
}
