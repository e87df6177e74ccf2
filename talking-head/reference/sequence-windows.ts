// Float64 reference of the audio encoder's first layer cut into windows (talking-head/kernels/sequence-windows.wgsl),
// written from its formula.

const stackOf = (j: number, window: number) => (j === 0 ? 1 : j === window - 1 ? 2 : 0);

/** stacked [3C, L] -> [N, C, W]: out[i, r, j] = act(stacked[sel(j) C + r, i + j]). */
export function sequenceWindowsReference(stacked: ArrayLike<number>, frames: number, channels: number, window: number, length: number, slope: number): Float64Array {
  const out = new Float64Array(frames * channels * window);
  for (let i = 0; i < frames; i++) {
    for (let r = 0; r < channels; r++) {
      for (let j = 0; j < window; j++) {
        const v = stacked[(stackOf(j, window) * channels + r) * length + i + j]!;
        out[(i * channels + r) * window + j] = v > 0 ? v : slope * v;
      }
    }
  }
  return out;
}

/** dout [N, C, W] -> dstacked [3C, L], scattered back from every window column. */
export function sequenceWindowsBackwardReference(dout: ArrayLike<number>, stacked: ArrayLike<number>, frames: number, channels: number, window: number, length: number, slope: number): Float64Array {
  const d = new Float64Array(3 * channels * length);
  for (let i = 0; i < frames; i++) {
    for (let r = 0; r < channels; r++) {
      for (let j = 0; j < window; j++) {
        const at = (stackOf(j, window) * channels + r) * length + i + j;
        const g = dout[(i * channels + r) * window + j]!;
        d[at]! += stacked[at]! > 0 ? g : slope * g;
      }
    }
  }
  return d;
}
