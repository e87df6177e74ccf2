// Float64 reference of PoseGAN's Eq. (3) and (4), written straight from the paper's sums.

/** generated, real [B, T, C] and initial [B, C] -> [B, 2] = (L_pose[b], L_motion[b]). */
export function poseReconstructionLossesReference(generated: ArrayLike<number>, real: ArrayLike<number>, initial: ArrayLike<number>, batch: number, frames: number, channels: number): Float64Array {
  const out = new Float64Array(batch * 2);
  const at = (b: number, t: number, c: number) => (b * frames + t) * channels + c;
  for (let b = 0; b < batch; b++) {
    let pose = 0;
    let motion = 0;
    for (let c = 0; c < channels; c++) pose += (initial[b * channels + c]! - generated[at(b, 0, c)]!) ** 2;
    for (let t = 0; t < frames; t++) {
      for (let c = 0; c < channels; c++) {
        pose += (real[at(b, t, c)]! - generated[at(b, t, c)]!) ** 2;
        if (t >= 1) {
          const realMotion = real[at(b, t, c)]! - real[at(b, t - 1, c)]!;
          const generatedMotion = generated[at(b, t, c)]! - generated[at(b, t - 1, c)]!;
          motion += (realMotion - generatedMotion) ** 2;
        }
      }
    }
    out[2 * b] = pose;
    out[2 * b + 1] = motion;
  }
  return out;
}
