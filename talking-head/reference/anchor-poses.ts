// Float64 reference of PoseGAN's anchored output (talking-head/kernels/anchor-poses.wgsl), from its formula; with a
// sigma, of out filtered first by the Eq. (1) filter's own reference (reference/gaussian-filter.ts).
import { gaussianFilterBackwardReference, gaussianFilterReference } from './gaussian-filter.ts';

/** out [B, C, T], initial [B, C] -> y [B, T, C] = f[b, c, t] - f[b, c, 0] + initial[b, c], f = out or F(out) along T. */
export function anchorPosesReference(
  out: ArrayLike<number>, initial: ArrayLike<number>, batch: number, channels: number, frames: number, sigma = 0,
): Float64Array {
  const f = sigma > 0 ? gaussianFilterReference(out, batch * channels, frames, 1, sigma) : out;
  const y = new Float64Array(batch * frames * channels);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const row = (b * channels + c) * frames;
      for (let t = 0; t < frames; t++) y[(b * frames + t) * channels + c] = f[row + t]! - f[row]! + initial[b * channels + c]!;
    }
  }
  return y;
}

/** dy [B, T, C] -> [dout [B, C, T], dinitial [B, C]]. */
export function anchorPosesBackwardReference(dy: ArrayLike<number>, batch: number, channels: number, frames: number, sigma = 0): [Float64Array, Float64Array] {
  const df = new Float64Array(batch * channels * frames);
  const dinitial = new Float64Array(batch * channels);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const row = (b * channels + c) * frames;
      let s = 0;
      for (let t = 0; t < frames; t++) {
        const g = dy[(b * frames + t) * channels + c]!;
        s += g;
        df[row + t] = g;
      }
      df[row] = df[row]! - s;
      dinitial[b * channels + c] = s;
    }
  }
  return [sigma > 0 ? gaussianFilterBackwardReference(df, batch * channels, frames, 1, sigma) : df, dinitial];
}
