// Launch descriptions for talking-head/kernels/audio-features.wgsl: the audio front end's power spectrum (framing,
// the half-length DFT basis for the core matmul, the radix-2 combination), mel and energy,
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
 * The sizes of the power spectrum's steps for a window of `windowLength` samples and an nFft-point DFT (nFft even):
 * each frame's even and odd samples are rows of `row` values (ceil(windowLength / 2), rounded up to a vec4 so the
 * matmul reads them as vec4s); their DFTs of length half = nFft / 2 are kept at bins 0 .. halfBins - 1
 * (halfBins = half / 2 + 1, the rest follow by symmetry), re then im, in rows of `columns` (2 halfBins rounded
 * up to a vec4).
 */
export function spectrumSizes(windowLength: number, nFft: number) {
  const half = nFft / 2;
  const halfBins = Math.floor(half / 2) + 1;
  return { half, halfBins, nBins: half + 1, row: Math.ceil(Math.ceil(windowLength / 2) / 4) * 4, columns: Math.ceil((2 * halfBins) / 4) * 4 };
}

/**
 * The half-length DFT basis B [row, columns] in float64 (rounded once to float32 on upload): B[m][j] =
 * cos(2 pi j m / half), B[m][halfBins + j] = -sin(2 pi j m / half), zero in the padding.
 */
export function halfSpectrumBasis(windowLength: number, nFft: number): Float64Array {
  const { half, halfBins, row, columns } = spectrumSizes(windowLength, nFft);
  const basis = new Float64Array(row * columns);
  for (let m = 0; m < row; m++) {
    for (let j = 0; j < halfBins; j++) {
      // (j m) mod half keeps the angle in [0, 2 pi): the same value, without the error of a large argument.
      const angle = (2 * Math.PI * ((j * m) % half)) / half;
      basis[m * columns + j] = Math.cos(angle);
      basis[m * columns + halfBins + j] = -Math.sin(angle);
    }
  }
  return basis;
}

/** The radix-2 twiddles [2 (nFft/2 + 1)]: cos(2 pi k / nFft), then sin(2 pi k / nFft), in float64. */
export function spectrumTwiddles(nFft: number): Float64Array {
  const nBins = nFft / 2 + 1;
  const table = new Float64Array(2 * nBins);
  for (let k = 0; k < nBins; k++) {
    table[k] = Math.cos((2 * Math.PI * k) / nFft);
    table[nBins + k] = Math.sin((2 * Math.PI * k) / nFft);
  }
  return table;
}

/** halves: [2 frames, row] the windowed even and odd samples of every frame. samples: [sampleCount]; window: [windowLength]. */
export function frameHalvesLaunch(samples: GPUBuffer, window: GPUBuffer, halves: GPUBuffer, timing: FrameTiming, windowLength: number, nFft: number): KernelLaunch {
  const { row } = spectrumSizes(windowLength, nFft);
  const n = 2 * timing.frames * row;
  return {
    kernel: audioFeaturesKernel, entry: 'frame_halves',
    params: {
      n_samples: u32(timing.sampleCount), n_frames: u32(timing.frames), window_length: u32(windowLength), row: u32(row),
      ...centreParams(timing), half_window: u32(Math.floor(windowLength / 2)),
    },
    buffers: [samples, window, halves], workgroups: gridFor(2 * timing.frames),
    flops: n, bytes: 12 * n, shapes: `halves[${2 * timing.frames},${row}]<-[${timing.sampleCount}]`,
  };
}

/** power: [frames, nFft/2 + 1] from the half-length DFTs [2 frames, columns] and spectrumTwiddles. */
export function spectrumPowerLaunch(halves: GPUBuffer, twiddles: GPUBuffer, power: GPUBuffer, frames: number, windowLength: number, nFft: number): KernelLaunch {
  const { half, halfBins, nBins, columns } = spectrumSizes(windowLength, nFft);
  const n = frames * nBins;
  return {
    kernel: audioFeaturesKernel, entry: 'spectrum_power',
    params: { n_frames: u32(frames), n_bins: u32(nBins), half: u32(half), half_bins: u32(halfBins), columns: u32(columns) },
    buffers: [halves, twiddles, power], workgroups: gridFor(frames),
    flops: 10 * n, bytes: 4 * 7 * n, shapes: `spectrum[${frames},${nBins}]<-[${2 * frames},${columns}]`,
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

/** segments: [frames, aRow + bRow] each frame's pitch rows (pitchSegmentRows) from samples [sampleCount]. */
export function pitchSegmentsLaunch(samples: GPUBuffer, segments: GPUBuffer, timing: FrameTiming, shape: PitchCorrelationShape): KernelLaunch {
  const { aRow, bRow } = pitchSegmentRows(shape);
  const halfSpan = Math.floor((shape.windowLength + shape.tauMax) / 2);
  return {
    kernel: audioFeaturesKernel, entry: 'pitch_segments',
    params: {
      n_samples: u32(timing.sampleCount), n_frames: u32(timing.frames), ...centreParams(timing), half_span: u32(halfSpan),
      window_length: u32(shape.windowLength), lag_first: u32(shape.tauMin - 1), a_row: u32(aRow), b_row: u32(bRow),
    },
    buffers: [samples, segments], workgroups: gridFor(timing.frames),
    flops: 0, bytes: 8 * timing.frames * (aRow + bRow), shapes: `segments[${timing.frames},${aRow}+${bRow}]<-[${timing.sampleCount}]`,
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
