// Float64 reference of PoseGAN's anchored output (talking-head/kernels/anchor-poses.wgsl), from its formula.

/** out [B, C, T], initial [B, C] -> y [B, T, C] = out[b, c, t] - out[b, c, 0] + initial[b, c]. */
export function anchorPosesReference(out: ArrayLike<number>, initial: ArrayLike<number>, batch: number, channels: number, frames: number): Float64Array {
  const y = new Float64Array(batch * frames * channels);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const row = (b * channels + c) * frames;
      for (let t = 0; t < frames; t++) y[(b * frames + t) * channels + c] = out[row + t]! - out[row]! + initial[b * channels + c]!;
    }
  }
  return y;
}

/** dy [B, T, C] -> [dout [B, C, T], dinitial [B, C]]. */
export function anchorPosesBackwardReference(dy: ArrayLike<number>, batch: number, channels: number, frames: number): [Float64Array, Float64Array] {
  const dout = new Float64Array(batch * channels * frames);
  const dinitial = new Float64Array(batch * channels);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const row = (b * channels + c) * frames;
      let s = 0;
      for (let t = 0; t < frames; t++) {
        const g = dy[(b * frames + t) * channels + c]!;
        s += g;
        dout[row + t] = g;
      }
      dout[row] = dout[row]! - s;
      dinitial[b * channels + c] = s;
    }
  }
  return [dout, dinitial];
}
