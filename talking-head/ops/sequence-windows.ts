// The audio encoder's first layer evaluated once a feature frame instead of once a window column, then cut into
// the windows the rest of the encoder reads (talking-head/nn/audio-window-encoder.ts, forwardFrames; kernel:
// talking-head/kernels/sequence-windows.wgsl). Inference's context windows overlap: window i holds frames
// i - centre .. i - centre + W - 1, so the k = 3, pad 1 convolution over window i's column j reads the same three
// frames as the convolution over the whole (zero-extended) sequence at frame i - centre + j, except at the
// window's own edges, where the window's zero padding replaces a real frame: column 0 misses the first tap,
// column W - 1 the last. So the layer is computed over the sequence three times (all taps, without the first,
// without the last: `stacked`), a sixteenth of the work a window at a time, and this op picks each column from
// its stack, with the activation. Same values as the windowed layer up to float rounding (sums in another order).
import { sequenceWindowsBackwardLaunch, sequenceWindowsForwardLaunch } from '../kernels/sequence-windows.ts';
import { recordGrad } from '../../core/record-grad.ts';
import { assertRank } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';

export interface SequenceWindowsOptions {
  /** N: windows to cut (frames) */
  readonly frames: number;
  /** W: columns a window, at least 2 (a one-column window misses both taps: not a case of this op) */
  readonly window: number;
  /** leaky ReLU slope a of the activation; 1 for none */
  readonly slope: number;
}

/**
 * stacked [3C, L] (L >= N + W - 1) -> windows [N, C, W]: out[i, r, j] = act(stacked[sel(j) C + r, i + j]) with
 * sel(0) = 1, sel(W - 1) = 2 and 0 between. Differentiable in stacked.
 */
export function sequenceWindows(stacked: Tensor, options: SequenceWindowsOptions): Tensor {
  assertRank('sequenceWindows', 'stacked', stacked.shape, 2, '[3 x channels, positions]');
  const [rows, length] = stacked.shape as [number, number];
  const { frames, window, slope } = options;
  if (rows % 3 !== 0) throw new RangeError(`sequenceWindows: stacked has ${rows} rows; expected 3 stacks of the same channels`);
  if (!(Number.isInteger(window) && window >= 2)) throw new RangeError(`sequenceWindows: window ${window}; expected an integer of at least 2`);
  if (!(Number.isInteger(frames) && frames >= 0 && (frames === 0 || length >= frames + window - 1))) {
    throw new RangeError(`sequenceWindows: ${frames} windows of ${window} need ${frames + window - 1} positions; stacked has ${length}`);
  }
  if (!Number.isFinite(slope)) throw new RangeError(`sequenceWindows: slope ${slope}; expected a finite number`);
  const engine = stacked.engine;
  const geometry = { frames, channels: rows / 3, window, length, slope };
  const out = Tensor.empty(engine, [frames, rows / 3, window], 'sequenceWindows');
  if (out.size > 0) engine.dispatch(sequenceWindowsForwardLaunch(geometry, stacked.buffer, out.buffer));
  return recordGrad(out, 'sequenceWindows', [stacked], (dout) => {
    const dstacked = Tensor.empty(engine, stacked.shape, 'sequenceWindows.grad');
    if (stacked.size > 0) engine.dispatch(sequenceWindowsBackwardLaunch(geometry, dout.buffer, stacked.buffer, dstacked.buffer));
    return [dstacked];
  });
}
