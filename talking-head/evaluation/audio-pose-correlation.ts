// Table 1's features (Eq. 9): for one window of T frames, the Pearson correlation between every audio feature
// f and every pose channel c over the window's frames,
//   r_fc = sum_t (x_tf - mean_f)(y_tc - mean_c) / sqrt(sum_t (x_tf - mean_f)^2 * sum_t (y_tc - mean_c)^2),
// an F x 6 vector (the paper's 29 DeepSpeech logits x 6 pose values; here the dataset's F features).
// A constant series has no correlation with anything: r = 0 there (ours; e.g. the mean-pose baseline).

/** Pearson's r of two equally long series; 0 when either is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`pearson: series of ${x.length} and ${y.length} values`);
  const n = x.length;
  if (n === 0) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const denominator = Math.sqrt(sxx * syy);
  // Relative floor: float32 inputs that are constant up to rounding count as constant.
  if (!(denominator > 1e-12 * (1 + mx * mx + my * my) * n)) return 0;
  return sxy / denominator;
}

/**
 * audio [T, F] and pose [T, C] (row-major, one window) -> r [F * C], element f * C + c correlating audio
 * feature f with pose channel c.
 */
export function audioPoseCorrelation(audio: ArrayLike<number>, pose: ArrayLike<number>, features: number, channels = 6): Float64Array {
  const frames = audio.length / features;
  if (!Number.isInteger(frames) || pose.length !== frames * channels) {
    throw new RangeError(`audioPoseCorrelation: audio has ${audio.length} values (${features} features a frame), pose ${pose.length} (${channels} a frame): not the same frames`);
  }
  const column = (values: ArrayLike<number>, width: number, k: number) => Float64Array.from({ length: frames }, (_, t) => values[t * width + k]!);
  const poseColumns = Array.from({ length: channels }, (_, c) => column(pose, channels, c));
  const out = new Float64Array(features * channels);
  for (let f = 0; f < features; f++) {
    const x = column(audio, features, f);
    for (let c = 0; c < channels; c++) out[f * channels + c] = pearson(x, poseColumns[c]!);
  }
  return out;
}
