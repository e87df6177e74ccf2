// Band-limited sample-rate conversion by a polyphase windowed-sinc filter (pure TypeScript, CPU).
//
// With g = gcd(inRate, outRate), L = outRate / g and M = inRate / g, output sample j sits at input position
// t_j = j * M / L = n_j + p_j / L (n_j integer, phase p_j in 0..L-1). It is
//   y[j] = sum_k x[n_j + k] * h(k - p_j / L),   k = -K+1 .. K,
//   h(d) = 2 fc sinc(2 fc d) * kaiser(d / K)    (fc in cycles per input sample; sum_d h(d) = 1, unit DC gain)
// so only L distinct filters (phases) exist: they are computed once into a bank of L x 2K taps.
// Filter design (Kaiser, "Discrete-Time Signal Processing", Oppenheim & Schafer, eq. 7.62-7.63):
//   the passband ends at `bandwidth` x the lower Nyquist frequency, the stopband starts at that Nyquist frequency
//   (so nothing above the output Nyquist aliases back), attenuation `stopbandDb`;
//   beta = 0.1102 (A - 8.7), taps = (A - 7.95) / (2.285 * 2 pi * transition width in cycles per input sample).
// Samples outside the input are zero. The output has round(n * outRate / inRate) samples; output 0 is aligned
// with input 0 (no delay), as sox's `rate` does.

export interface ResampleOptions {
  /** passband edge as a fraction of the lower Nyquist frequency; default 0.95 (sox `rate -v` uses 95%) */
  readonly bandwidth?: number;
  /** stopband attenuation in dB; default 100 */
  readonly stopbandDb?: number;
}

/** Phases whose taps are precomputed at most; rarer rate pairs (e.g. 44100 -> 16001) compute taps per sample. */
const MAX_BANK_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the betas used here). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200 && term > 1e-17 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** A windowed-sinc low-pass filter for one in -> out rate pair, with its taps per phase. */
export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  /** interpolation factor (phases) */
  readonly up: number;
  /** decimation factor */
  readonly down: number;
  /** half the filter length, in input samples */
  readonly halfTaps: number;
  readonly #cutoff: number;
  readonly #beta: number;
  readonly #i0Beta: number;
  /** [up, 2 * halfTaps] taps, or undefined when there are too many phases to store */
  readonly #bank: Float64Array | undefined;

  constructor(inRate: number, outRate: number, options: ResampleOptions = {}) {
    if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) {
      throw new Error(`resample: rates must be positive integers, got ${inRate} Hz -> ${outRate} Hz`);
    }
    const bandwidth = options.bandwidth ?? 0.95;
    const attenuation = options.stopbandDb ?? 100;
    if (!(bandwidth > 0 && bandwidth < 1)) throw new Error(`resample: bandwidth ${bandwidth} must be in (0, 1)`);
    this.inRate = inRate;
    this.outRate = outRate;
    const g = gcd(inRate, outRate);
    this.up = outRate / g;
    this.down = inRate / g;
    // Frequencies in cycles per input sample.
    const nyquist = Math.min(inRate, outRate) / 2 / inRate;
    const transition = (1 - bandwidth) * nyquist;
    this.#cutoff = nyquist - transition / 2;
    this.#beta = attenuation > 50 ? 0.1102 * (attenuation - 8.7) : attenuation >= 21 ? 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21) : 0;
    this.#i0Beta = besselI0(this.#beta);
    this.halfTaps = Math.ceil((attenuation - 7.95) / (2.285 * 2 * Math.PI * transition) / 2) + 1;
    if (this.up <= MAX_BANK_PHASES) {
      const width = 2 * this.halfTaps;
      this.#bank = new Float64Array(this.up * width);
      for (let p = 0; p < this.up; p++) this.#fillTaps(p, this.#bank.subarray(p * width, (p + 1) * width));
    }
  }

  /** Taps for phase p: tap k (0-based) weights input n_j - halfTaps + 1 + k. */
  #fillTaps(phase: number, out: Float64Array): void {
    const K = this.halfTaps;
    const frac = phase / this.up;
    for (let k = 0; k < 2 * K; k++) {
      const d = k - K + 1 - frac;
      const r = d / K;
      if (Math.abs(r) >= 1) {
        out[k] = 0;
        continue;
      }
      const x = 2 * this.#cutoff * d;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      out[k] = 2 * this.#cutoff * sinc * (besselI0(this.#beta * Math.sqrt(1 - r * r)) / this.#i0Beta);
    }
  }

  /** Output length for n input samples: round(n * outRate / inRate). */
  outputLength(n: number): number {
    return Math.round((n * this.up) / this.down);
  }

  run(input: Float32Array): Float32Array {
    if (this.up === this.down) return input.slice();
    const n = input.length;
    const out = new Float32Array(this.outputLength(n));
    const K = this.halfTaps;
    const width = 2 * K;
    const scratch = this.#bank ? undefined : new Float64Array(width);
    for (let j = 0; j < out.length; j++) {
      const position = j * this.down;
      const base = Math.floor(position / this.up);
      const phase = position - base * this.up;
      let taps: Float64Array;
      let offset = 0;
      if (this.#bank) {
        taps = this.#bank;
        offset = phase * width;
      } else {
        taps = scratch!;
        this.#fillTaps(phase, taps);
      }
      const first = base - K + 1;
      const kStart = Math.max(0, -first);
      const kEnd = Math.min(width, n - first);
      let acc = 0;
      for (let k = kStart; k < kEnd; k++) acc += input[first + k]! * taps[offset + k]!;
      out[j] = acc;
    }
    return out;
  }
}

/** Resamples mono audio from inRate to outRate (builds the filter bank each call; keep a Resampler to reuse it). */
export function resample(input: Float32Array, inRate: number, outRate: number, options?: ResampleOptions): Float32Array {
  return new Resampler(inRate, outRate, options).run(input);
}
