// The audio front end in float64 on the CPU, written for clarity: the specification the GPU kernels in
// talking-head/kernels/audio-features.wgsl are tested against. Not used in the hot path.
//
// Frame i (centre, windows: see framing.ts) gets F = nMels + 3 features:
//   P[k]        = | sum_{n<N} w[n] x[s+n] e^{-2 pi i k n / nFft} |^2,  k = 0 .. nFft/2     (power spectrum)
//   logMel[j]   = 10 log10( sum_k M[j][k] P[k] + logFloor )                              (mel-filterbank.ts)
//   logEnergy   = 10 log10( sum_n (w[n] x[s+n])^2 / sum_n w[n]^2 + logFloor )            (windowed power, dBFS)
//   r(tau)      = sum_{n<L} a[n] a[n+tau] / sqrt( sum_{n<L} a[n]^2 * sum_{n<L} a[n+tau]^2 + 1e-20 )
//                 over lags tauMin-1 .. tauMax+1, a = the pitch segment               (normalised cross-correlation)
//   tau*        = the smallest tau in [tauMin, tauMax] with r(tau) >= pitchPeakRatio * max r and
//                 r(tau-1) <= r(tau) >= r(tau+1); the first global maximum when there is none
//   voicing     = clamp(r(tau*), 0, 1)
//   logF0       = ln( sampleRate / (tau* + delta) ), delta the parabolic-interpolation offset
//                 0.5 (r(tau*-1) - r(tau*+1)) / (r(tau*-1) - 2 r(tau*) + r(tau*+1)) clamped to [-1/2, 1/2]
//                 (0 where that denominator is >= 0); the neutral ln sqrt(pitchMin pitchMax) when
//                 voicing < voicingThreshold
// Feature order in a frame: logMel[0 .. nMels-1], logEnergy, voicing, logF0.
import type { FeatureConfig } from './config.ts';
import { frameCentre, frameCount, hannWindow, neutralLogF0, pitchLagRange, pitchSegmentStart, spectrumWindowStart } from './framing.ts';
import { melFilterbank } from './mel-filterbank.ts';

/** Added under the square root of the correlation's normaliser, so silence gives r = 0 rather than 0/0. */
export const PITCH_NORM_EPSILON = 1e-20;

export interface FrameFeatures {
  readonly frames: number;
  readonly features: number;
  /** [frames, features], row-major */
  readonly values: Float64Array;
}

/** Per-frame features [frames, F] of mono samples at config.sampleRate. */
export function audioFeaturesReference(samples: ArrayLike<number>, config: FeatureConfig): FrameFeatures {
  const frames = frameCount(samples.length, config);
  const F = config.features;
  const values = new Float64Array(frames * F);
  const at = (i: number) => (i >= 0 && i < samples.length ? samples[i]! : 0);
  const window = hannWindow(config.windowLength);
  const windowPower = window.reduce((s, w) => s + w * w, 0);
  const bank = melFilterbank(config);
  const nBins = bank.nBins;
  const cosTable = Float64Array.from({ length: config.nFft }, (_, m) => Math.cos((2 * Math.PI * m) / config.nFft));
  const sinTable = Float64Array.from({ length: config.nFft }, (_, m) => Math.sin((2 * Math.PI * m) / config.nFft));
  const { tauMin, tauMax } = pitchLagRange(config);
  const L = config.pitchWindowLength;
  const toDb = (e: number) => 10 * Math.log10(e + config.logFloor);

  const frame = new Float64Array(config.windowLength);
  const power = new Float64Array(nBins);
  const segment = new Float64Array(L + tauMax + 1);
  const r = new Float64Array(tauMax - tauMin + 3);
  for (let i = 0; i < frames; i++) {
    const out = values.subarray(i * F, (i + 1) * F);
    const centre = frameCentre(i, config);

    const start = spectrumWindowStart(centre, config);
    let energy = 0;
    for (let n = 0; n < config.windowLength; n++) {
      frame[n] = window[n]! * at(start + n);
      energy += frame[n]! * frame[n]!;
    }
    for (let k = 0; k < nBins; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < config.windowLength; n++) {
        const m = (k * n) % config.nFft;
        re += frame[n]! * cosTable[m]!;
        im -= frame[n]! * sinTable[m]!;
      }
      power[k] = re * re + im * im;
    }
    for (let j = 0; j < bank.nMels; j++) {
      let e = 0;
      for (let k = bank.bins[2 * j]!; k < bank.bins[2 * j + 1]!; k++) e += bank.weights[j * nBins + k]! * power[k]!;
      out[j] = toDb(e);
    }
    out[bank.nMels] = toDb(energy / windowPower);

    const segmentStart = pitchSegmentStart(centre, config);
    for (let n = 0; n < segment.length; n++) segment[n] = at(segmentStart + n);
    let e0 = 0;
    for (let n = 0; n < L; n++) e0 += segment[n]! * segment[n]!;
    for (let l = 0; l < r.length; l++) {
      const tau = tauMin - 1 + l;
      let num = 0;
      let eTau = 0;
      for (let n = 0; n < L; n++) {
        num += segment[n]! * segment[n + tau]!;
        eTau += segment[n + tau]! * segment[n + tau]!;
      }
      r[l] = num / Math.sqrt(e0 * eTau + PITCH_NORM_EPSILON);
    }
    const { voicing, logF0 } = pickPitch(r, tauMin, tauMax, config);
    out[bank.nMels + 1] = voicing;
    out[bank.nMels + 2] = logF0;
  }
  return { frames, features: F, values };
}

/** Peak picking over r, where r[l] is the correlation at lag tauMin - 1 + l (see the header). */
function pickPitch(r: Float64Array, tauMin: number, tauMax: number, config: FeatureConfig): { voicing: number; logF0: number } {
  const at = (tau: number) => r[tau - tauMin + 1]!;
  let best = tauMin;
  for (let tau = tauMin + 1; tau <= tauMax; tau++) if (at(tau) > at(best)) best = tau;
  let chosen = best;
  for (let tau = tauMin; tau <= tauMax; tau++) {
    if (at(tau) >= config.pitchPeakRatio * at(best) && at(tau) >= at(tau - 1) && at(tau) >= at(tau + 1)) {
      chosen = tau;
      break;
    }
  }
  const voicing = Math.min(1, Math.max(0, at(chosen)));
  if (voicing < config.voicingThreshold) return { voicing, logF0: neutralLogF0(config) };
  const [a, b, c] = [at(chosen - 1), at(chosen), at(chosen + 1)];
  const curvature = a - 2 * b + c;
  const delta = curvature < 0 ? Math.min(0.5, Math.max(-0.5, (0.5 * (a - c)) / curvature)) : 0;
  return { voicing, logF0: Math.log(config.sampleRate / (chosen + delta)) };
}

/**
 * Context windows [frames, F, context]: window i holds frames i - contextCentre .. i + context - 1 -
 * contextCentre in its columns, zero where a frame falls outside the sequence.
 */
export function contextWindowsReference(perFrame: ArrayLike<number>, frames: number, features: number, context: number, contextCentre: number): Float64Array {
  const out = new Float64Array(frames * features * context);
  for (let i = 0; i < frames; i++) {
    for (let f = 0; f < features; f++) {
      for (let c = 0; c < context; c++) {
        const source = i - contextCentre + c;
        out[(i * features + f) * context + c] = source >= 0 && source < frames ? perFrame[source * features + f]! : 0;
      }
    }
  }
  return out;
}
