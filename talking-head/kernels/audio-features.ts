// Launch descriptions for talking-head/kernels/audio-features.wgsl: the audio front end's power spectrum (framing,
// the DFT basis for the core matmul, the power), mel and energy,
// pitch correlation, pitch peak picking, and the context windowing of per-frame features.
import source from './audio-features.wgsl';
import { type KernelLaunch, type KernelSource, f32, gridFor, gridForItems, u32 } from '../../core/kernels/launch.ts';

export const audioFeaturesKernel: KernelSource = { name: 'audio-features', file: 'talking-head/kernels/audio-features.wgsl', code: source };

const WG = 64;
/** Pitch lags a pitch_correlation thread computes (LAGS_PER_THREAD in the WGSL). */
const LAGS_PER_THREAD = 8;

/** How frames sit on the signal: frame i is centred on round((i + 1/2) * sampleRate / fps). */
export interface FrameTiming {
  readonly sampleCount: number;
  readonly frames: number;
  /** integers */
  readonly sampleRate: number;
  readonly fps: number;
}

/** The uniforms from which the WGSL recovers frame centres without 32-bit overflow (see the .wgsl header). */
function centreParams(timing: FrameTiming) {
  const twoFps = 2 * timing.fps;
  return { centre_q: u32(Math.floor(timing.sampleRate / twoFps)), centre_r: u32(timing.sampleRate % twoFps), fps: u32(timing.fps) };
}

/**
 * The sizes of the power spectrum's product for a window of `windowLength` samples and an nFft-point DFT: frame
 * rows of `row` samples (windowLength rounded up to a vec4, so the matmul reads them as vec4s), spectra rows of
 * `columns` values, re of bins 0 .. nBins - 1 then their im from `imAt` (both on a vec4).
 */
export function spectrumSizes(windowLength: number, nFft: number) {
  const nBins = nFft / 2 + 1;
  const imAt = Math.ceil(nBins / 4) * 4;
  return { nBins, row: Math.ceil(windowLength / 4) * 4, imAt, columns: 2 * imAt };
}

/**
 * The DFT basis B [row, columns] with the analysis window folded in, in float64 (rounded once to float32 on
 * upload): B[n][k] = w[n] cos(2 pi k n / nFft), B[n][imAt + k] = -w[n] sin(2 pi k n / nFft), zero in the padding.
 */
export function spectrumBasis(window: ArrayLike<number>, nFft: number): Float64Array {
  const { nBins, row, imAt, columns } = spectrumSizes(window.length, nFft);
  const basis = new Float64Array(row * columns);
  for (let n = 0; n < window.length; n++) {
    for (let k = 0; k < nBins; k++) {
      // (k n) mod nFft keeps the angle in [0, 2 pi): the same value, without the error of a large argument.
      const angle = (2 * Math.PI * ((k * n) % nFft)) / nFft;
      basis[n * columns + k] = window[n]! * Math.cos(angle);
      basis[n * columns + imAt + k] = -window[n]! * Math.sin(angle);
    }
  }
  return basis;
}

/** Frames first .. first + frames - 1 of a signal's: the front end computes its features a chunk at a time. */
export interface FrameChunk {
  readonly first: number;
  readonly frames: number;
}

/**
 * rows: [chunk.frames, row] the chunk's frames' samples (zero past the window and outside the signal).
 * samples: [sampleCount].
 */
export function frameRowsLaunch(samples: GPUBuffer, rows: GPUBuffer, timing: FrameTiming, chunk: FrameChunk, windowLength: number, nFft: number): KernelLaunch {
  const { row } = spectrumSizes(windowLength, nFft);
  return {
    kernel: audioFeaturesKernel, entry: 'frame_rows',
    params: {
      n_samples: u32(timing.sampleCount), n_frames: u32(chunk.frames), window_length: u32(windowLength), row: u32(row),
      ...centreParams(timing), half_window: u32(Math.floor(windowLength / 2)), first_frame: u32(chunk.first),
    },
    buffers: [samples, rows], workgroups: gridFor(chunk.frames),
    flops: 0, bytes: 8 * chunk.frames * row, shapes: `frames[${chunk.frames},${row}]<-[${timing.sampleCount}]`,
  };
}

/** power: [frames, nFft/2 + 1] from the spectra [frames, columns] of the product with spectrumBasis. */
export function spectrumPowerLaunch(spectra: GPUBuffer, power: GPUBuffer, frames: number, windowLength: number, nFft: number): KernelLaunch {
  const { nBins, imAt, columns } = spectrumSizes(windowLength, nFft);
  const n = frames * nBins;
  return {
    kernel: audioFeaturesKernel, entry: 'spectrum_power',
    params: { n_frames: u32(frames), n_bins: u32(nBins), im_at: u32(imAt), columns: u32(columns) },
    buffers: [spectra, power], workgroups: gridFor(frames),
    flops: 3 * n, bytes: 12 * n, shapes: `spectrum[${frames},${nBins}]<-[${frames},${columns}]`,
  };
}

export interface MelEnergyShape {
  readonly frames: number;
  readonly nMels: number;
  readonly nFft: number;
  /** features a frame in the output; mel_energy writes columns 0 .. nMels */
  readonly features: number;
  /** sum of the squared window, to turn frame energy into mean power */
  readonly windowPower: number;
  readonly logFloor: number;
  /** nonzero weights of the filterbank, for the declared work */
  readonly filterbankNonzeros: number;
}

/**
 * features[:, 0 .. nMels-1] = log-mel energies in dB, features[:, nMels] = log energy in dB, from
 * power [frames, nBins], weights [nMels, nBins] and bin ranges [nMels, 2].
 */
export function melEnergyLaunch(power: GPUBuffer, weights: GPUBuffer, binRanges: GPUBuffer, features: GPUBuffer, shape: MelEnergyShape): KernelLaunch {
  const nBins = shape.nFft / 2 + 1;
  const threads = shape.frames * (shape.nMels + 1);
  return {
    kernel: audioFeaturesKernel, entry: 'mel_energy',
    params: {
      n_frames: u32(shape.frames), n_mels: u32(shape.nMels), n_bins: u32(nBins), n_features: u32(shape.features),
      n_fft: u32(shape.nFft), window_power: f32(shape.windowPower), log_floor: f32(shape.logFloor),
    },
    buffers: [power, weights, binRanges, features], workgroups: gridForItems(threads, WG),
    flops: shape.frames * (2 * shape.filterbankNonzeros + nBins + 8 * (shape.nMels + 1)),
    bytes: 4 * (shape.frames * (2 * shape.filterbankNonzeros + nBins + shape.nMels + 1)),
    shapes: `mel[${shape.frames},${shape.nMels}+1]<-[${shape.frames},${nBins}]`,
  };
}

export interface PitchCorrelationShape {
  /** samples summed at each lag */
  readonly windowLength: number;
  readonly tauMin: number;
  readonly tauMax: number;
}

/** Lags stored a frame: tauMin - 1 .. tauMax + 1 (the ends only feed the peak tests and the interpolation). */
export const correlationLags = (shape: Pick<PitchCorrelationShape, 'tauMin' | 'tauMax'>): number => shape.tauMax - shape.tauMin + 3;

/**
 * The rows pitch_segments writes a frame: A, the L samples summed (rounded up to a vec4, zero past L), and B, the
 * samples from lag tauMin - 1 on, long enough for every thread's 8 lags (a multiple of 4 too).
 */
export function pitchSegmentRows(shape: PitchCorrelationShape): { aRow: number; bRow: number; groups: number } {
  const groups = Math.ceil(correlationLags(shape) / LAGS_PER_THREAD);
  const aRow = Math.ceil(shape.windowLength / 4) * 4;
  return { aRow, bRow: aRow + LAGS_PER_THREAD * groups, groups };
}

/** segments: [chunk.frames, aRow + bRow] the chunk's frames' pitch rows (pitchSegmentRows) from samples [sampleCount]. */
export function pitchSegmentsLaunch(samples: GPUBuffer, segments: GPUBuffer, timing: FrameTiming, chunk: FrameChunk, shape: PitchCorrelationShape): KernelLaunch {
  const { aRow, bRow } = pitchSegmentRows(shape);
  const halfSpan = Math.floor((shape.windowLength + shape.tauMax) / 2);
  return {
    kernel: audioFeaturesKernel, entry: 'pitch_segments',
    params: {
      n_samples: u32(timing.sampleCount), n_frames: u32(chunk.frames), ...centreParams(timing), half_span: u32(halfSpan),
      window_length: u32(shape.windowLength), lag_first: u32(shape.tauMin - 1), a_row: u32(aRow), b_row: u32(bRow),
      first_frame: u32(chunk.first),
    },
    buffers: [samples, segments], workgroups: gridFor(chunk.frames),
    flops: 0, bytes: 8 * chunk.frames * (aRow + bRow), shapes: `segments[${chunk.frames},${aRow}+${bRow}]<-[${timing.sampleCount}]`,
  };
}

/** correlation: [frames, correlationLags] normalised cross-correlation of each frame's pitch segment, from pitchSegmentsLaunch's rows. */
export function pitchCorrelationLaunch(segments: GPUBuffer, correlation: GPUBuffer, frames: number, shape: PitchCorrelationShape): KernelLaunch {
  const nLags = correlationLags(shape);
  const { aRow, bRow, groups } = pitchSegmentRows(shape);
  return {
    kernel: audioFeaturesKernel, entry: 'pitch_correlation',
    params: {
      n_frames: u32(frames), window_length: u32(shape.windowLength), n_lags: u32(nLags), groups_per_frame: u32(groups),
      a_row: u32(aRow), b_row: u32(bRow),
    },
    buffers: [segments, correlation], workgroups: gridForItems(frames * groups, WG),
    // a multiply-add a lag and sample, and the two energies' a sample
    flops: 2 * frames * groups * (LAGS_PER_THREAD + 2) * aRow,
    bytes: 4 * frames * (2 * groups * aRow + nLags),
    shapes: `correlation[${frames},${nLags}]<-[${frames},${aRow}+${bRow}]`,
  };
}

export interface PitchPickShape {
  readonly frames: number;
  readonly tauMin: number;
  readonly tauMax: number;
  readonly features: number;
  /** the output column of voicing; log F0 goes in the next */
  readonly voicingColumn: number;
  readonly sampleRate: number;
  readonly peakRatio: number;
  readonly voicingThreshold: number;
  readonly neutralLogF0: number;
}

/** features[:, voicingColumn] = voicing, features[:, voicingColumn + 1] = log F0, from correlation [frames, lags]. */
export function pitchPickLaunch(correlation: GPUBuffer, features: GPUBuffer, shape: PitchPickShape): KernelLaunch {
  const nLags = correlationLags(shape);
  return {
    kernel: audioFeaturesKernel, entry: 'pitch_pick',
    params: {
      n_frames: u32(shape.frames), n_lags: u32(nLags), tau_min: u32(shape.tauMin), tau_max: u32(shape.tauMax),
      n_features: u32(shape.features), voicing_column: u32(shape.voicingColumn), sample_rate: f32(shape.sampleRate),
      peak_ratio: f32(shape.peakRatio), voicing_threshold: f32(shape.voicingThreshold), neutral_log_f0: f32(shape.neutralLogF0),
    },
    buffers: [correlation, features], workgroups: gridForItems(shape.frames, WG),
    flops: 4 * shape.frames * nLags, bytes: 4 * shape.frames * (2 * nLags + 2),
    shapes: `pitch[${shape.frames},2]<-[${shape.frames},${nLags}]`,
  };
}

/** windows: [frames, features, context], column c of window i = frame i - centre + c, zero outside. */
export function contextWindowsLaunch(perFrame: GPUBuffer, windows: GPUBuffer, frames: number, features: number, context: number, centre: number): KernelLaunch {
  const n = frames * features * context;
  return {
    kernel: audioFeaturesKernel, entry: 'context_windows',
    params: { n_frames: u32(frames), n_features: u32(features), context: u32(context), centre: u32(centre) },
    buffers: [perFrame, windows], workgroups: gridForItems(frames * features, WG),
    flops: 0, bytes: 8 * n, shapes: `windows[${frames},${features},${context}]<-[${frames},${features}]`,
  };
}
