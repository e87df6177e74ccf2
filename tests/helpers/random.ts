// Seeded inputs, so a failing test fails the same way every run.

/** mulberry32: a small, fast, well-mixed 32-bit generator. Returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [low, high). */
export function uniform(n: number, seed: number, low = -1, high = 1): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + (high - low) * next();
  return out;
}

/** n values in [low, high) but at least `gap` away from each point in `avoid` (kinks of relu, abs...). */
export function uniformAvoiding(n: number, seed: number, low: number, high: number, avoid: number[], gap: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = low + (high - low) * next();
    while (avoid.some((a) => Math.abs(v - a) < gap));
    out[i] = v;
  }
  return out;
}
