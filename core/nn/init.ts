// Seeded parameter initialisation on the CPU: the same seed gives the same model bytes on every runtime.

/** mulberry32 generator: floats in [0, 1). */
export class InitRandom {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** n values uniform in [-bound, bound). */
  uniform(n: number, bound: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (2 * this.next() - 1) * bound;
    return out;
  }
}

/**
 * PyTorch's default for Linear and Conv layers (kaiming_uniform with a = sqrt(5)): weights and biases uniform
 * in +-1/sqrt(fan_in). Kept so that widths and learning rates transfer from the usual PyTorch recipes.
 */
export function fanInBound(fanIn: number): number {
  return 1 / Math.sqrt(Math.max(1, fanIn));
}
