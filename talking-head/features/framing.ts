// Where each output frame sits in the signal, in integer arithmetic so that the GPU kernels, the float64 CPU
// reference and the Python fixture script agree sample for sample.
//
//   frames(n)    = round(n * fps / sampleRate), halves rounded up      (= round(duration_s * fps))
//   centre(i)    = round((i + 1/2) * sampleRate / fps), halves up       (frame i covers [i, i+1) / fps seconds)
//   spectrum(i)  = samples centre(i) - floor(windowLength / 2) ...      + windowLength - 1
//   pitch(i)     = samples centre(i) - floor((pitchWindowLength + tauMax) / 2) ... + pitchWindowLength + tauMax
// Samples outside the signal are zero.
import type { FeatureConfig } from './config.ts';

/** Output frames for `sampleCount` samples: round(duration * fps), halves up. */
export function frameCount(sampleCount: number, config: Pick<FeatureConfig, 'sampleRate' | 'fps'>): number {
  return Math.floor((2 * sampleCount * config.fps + config.sampleRate) / (2 * config.sampleRate));
}

/** The sample at the centre of frame i: round((i + 1/2) * sampleRate / fps), halves up. */
export function frameCentre(i: number, config: Pick<FeatureConfig, 'sampleRate' | 'fps'>): number {
  return Math.floor(((2 * i + 1) * config.sampleRate + config.fps) / (2 * config.fps));
}

/** Pitch lags in samples: tauMin = floor(sr / pitchMax), tauMax = ceil(sr / pitchMin). */
export function pitchLagRange(config: FeatureConfig): { readonly tauMin: number; readonly tauMax: number } {
  return { tauMin: Math.floor(config.sampleRate / config.pitchMax), tauMax: Math.ceil(config.sampleRate / config.pitchMin) };
}

/** First sample of frame i's spectral window. */
export function spectrumWindowStart(centre: number, config: FeatureConfig): number {
  return centre - Math.floor(config.windowLength / 2);
}

/** First sample of frame i's pitch segment (its correlation reaches pitchWindowLength + tauMax samples on). */
export function pitchSegmentStart(centre: number, config: FeatureConfig): number {
  return centre - Math.floor((config.pitchWindowLength + pitchLagRange(config).tauMax) / 2);
}

/** Periodic Hann window: w[n] = 0.5 - 0.5 cos(2 pi n / N), n = 0 .. N-1 (scipy's get_window('hann', N)). */
export function hannWindow(length: number): Float64Array {
  const w = new Float64Array(length);
  for (let n = 0; n < length; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length);
  return w;
}

/** The neutral log F0 reported for unvoiced frames: ln sqrt(pitchMin * pitchMax), the range's log-centre. */
export function neutralLogF0(config: FeatureConfig): number {
  return 0.5 * (Math.log(config.pitchMin) + Math.log(config.pitchMax));
}
