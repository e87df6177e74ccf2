// Triangular mel filterbank on the HTK mel scale, mel(f) = 2595 log10(1 + f / 700), peak 1, no area
// normalisation: the same matrix as librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=True, norm=None)
// (checked by tests/fixtures/make_audio_features.py). Band j rises from edge j to edge j+1 and falls to
// edge j+2, the nMels + 2 edges equally spaced in mel from fMin to fMax; bin k sits at k * sampleRate / nFft Hz.
//
//   weight[j][k] = max(0, min((f_k - e_j) / (e_{j+1} - e_j), (e_{j+2} - f_k) / (e_{j+2} - e_{j+1})))
import type { FeatureConfig } from './config.ts';

export const hzToMel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
export const melToHz = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

export interface MelFilterbank {
  readonly nMels: number;
  /** nFft / 2 + 1 */
  readonly nBins: number;
  /** [nMels, nBins], row-major */
  readonly weights: Float64Array;
  /** Shape `[nMels, 2]`: the first bin and one past the last bin with a nonzero weight (first = last when none) */
  readonly bins: Int32Array;
}

export function melFilterbank(config: Pick<FeatureConfig, 'sampleRate' | 'nFft' | 'nMels' | 'fMin' | 'fMax'>): MelFilterbank {
  const { sampleRate, nFft, nMels, fMin, fMax } = config;
  const nBins = nFft / 2 + 1;
  const melMin = hzToMel(fMin);
  const melMax = hzToMel(fMax);
  const edges = Array.from({ length: nMels + 2 }, (_, j) => melToHz(melMin + ((melMax - melMin) * j) / (nMels + 1)));
  const weights = new Float64Array(nMels * nBins);
  const bins = new Int32Array(nMels * 2);
  for (let j = 0; j < nMels; j++) {
    const [lower, peak, upper] = [edges[j]!, edges[j + 1]!, edges[j + 2]!];
    let first = -1;
    let end = 0;
    for (let k = 0; k < nBins; k++) {
      const f = (k * sampleRate) / nFft;
      const w = Math.max(0, Math.min((f - lower) / (peak - lower), (upper - f) / (upper - peak)));
      weights[j * nBins + k] = w;
      if (w > 0) {
        if (first < 0) first = k;
        end = k + 1;
      }
    }
    bins[2 * j] = first < 0 ? 0 : first;
    bins[2 * j + 1] = first < 0 ? 0 : end;
  }
  return { nMels, nBins, weights, bins };
}
