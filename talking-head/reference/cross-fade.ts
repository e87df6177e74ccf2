// Float64 reference of inference's window cross-fade (talking-head/kernels/cross-fade.wgsl), written from its formula.

/** poses [L, C], tail [K', C] -> [L, C]: the first k = min(K', L) frames (1 - j/k) tail_j + (j/k) poses_j. */
export function crossFadeReference(poses: ArrayLike<number>, tail: ArrayLike<number>, frames: number, tailFrames: number, channels: number): Float64Array {
  const k = Math.min(frames, tailFrames);
  const out = Float64Array.from(poses);
  for (let j = 0; j < k; j++) {
    const w = j / k;
    for (let c = 0; c < channels; c++) out[j * channels + c] = (1 - w) * tail[j * channels + c]! + w * poses[j * channels + c]!;
  }
  return out;
}

/** dout [L, C] -> [dposes [L, C], dtail [K', C]]. */
export function crossFadeBackwardReference(dout: ArrayLike<number>, frames: number, tailFrames: number, channels: number): [Float64Array, Float64Array] {
  const k = Math.min(frames, tailFrames);
  const dposes = Float64Array.from(dout);
  const dtail = new Float64Array(tailFrames * channels);
  for (let j = 0; j < k; j++) {
    const w = j / k;
    for (let c = 0; c < channels; c++) {
      dposes[j * channels + c] = w * dout[j * channels + c]!;
      dtail[j * channels + c] = (1 - w) * dout[j * channels + c]!;
    }
  }
  return [dposes, dtail];
}
