// Audio features on the GPU: mono samples at config.sampleRate -> per-frame features [frames, F] at config.fps
// -> context windows [frames, F, context] (the layout PoseGAN and PGFace read). The math is in
// talking-head/kernels/audio-features.wgsl, its float64 specification in audio-features-reference.ts, the choices behind it
// in README.md here. Everything is recorded into the engine's command stream; nothing is read back.
import type { Engine } from '../../core/engine.ts';
import { ShapeError, formatShape } from '../../core/shape.ts';
import { Tensor } from '../../core/tensor.ts';
import { matmul } from '../../core/ops/matmul.ts';
import {
  contextWindowsLaunch, correlationLags, frameRowsLaunch, melEnergyLaunch, pitchCorrelationLaunch, pitchPickLaunch,
  pitchSegmentRows, pitchSegmentsLaunch, spectrumBasis, spectrumPowerLaunch, spectrumSizes,
} from '../kernels/audio-features.ts';
import { type FeatureConfig, defaultFeatureConfig, validateFeatureConfig } from './config.ts';
import { frameCount, hannWindow, neutralLogF0, pitchLagRange } from './framing.ts';
import { melFilterbank } from './mel-filterbank.ts';

/**
 * Frames the front end computes at a time. Its intermediates are wider than the features (the pitch rows 1032
 * values a frame, the spectra 520 with the defaults, the features 29), so in chunks the longest audio an adapter
 * takes is set by the networks' tensors, not by these; one chunk is 136 s of audio at 30 fps.
 */
export const FEATURE_CHUNK_FRAMES = 4096;

/**
 * The windowed DFT basis by (window length, nFft), made once: its 2 x 400 x 257 float64 sines and cosines took
 * 17-20 ms of the main thread a call, more than the GPU's work on a few seconds of audio (streaming calls this for
 * every chunk). Float32, as uploaded.
 */
const spectrumBases = new Map<string, Float32Array>();

function cachedSpectrumBasis(windowLength: number, nFft: number): Float32Array {
  const key = `${windowLength}|${nFft}`;
  let basis = spectrumBases.get(key);
  if (!basis) {
    basis = Float32Array.from(spectrumBasis(hannWindow(windowLength), nFft));
    spectrumBases.set(key, basis);
  }
  return basis;
}

export interface FrameFeatureOptions {
  /** Frames computed at a time (default FEATURE_CHUNK_FRAMES); the features do not depend on it beyond float rounding. */
  readonly chunkFrames?: number;
}

/**
 * Per-frame features [frames, F], frames = round(duration * fps): log-mel energies (dB), log energy (dB),
 * voicing (0..1), log F0 (ln Hz). `samples` must already be at config.sampleRate (see talking-head/audio/resample.ts).
 */
export function computeFrameFeatures(engine: Engine, samples: Float32Array, config: FeatureConfig = defaultFeatureConfig, options: FrameFeatureOptions = {}): Tensor {
  validateFeatureConfig(config);
  const chunkFrames = options.chunkFrames ?? FEATURE_CHUNK_FRAMES;
  if (!(Number.isInteger(chunkFrames) && chunkFrames >= 1)) throw new RangeError(`computeFrameFeatures: chunkFrames ${chunkFrames}, expected a positive integer`);
  const frames = frameCount(samples.length, config);
  const F = config.features;
  if (frames === 0) return Tensor.empty(engine, [0, F], 'audio features');
  const bad = samples.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`computeFrameFeatures: sample ${bad} is ${samples[bad]}, expected a finite number`);

  const timing = { sampleCount: samples.length, frames, sampleRate: config.sampleRate, fps: config.fps };
  const nBins = config.nFft / 2 + 1;
  const bank = melFilterbank(config);
  const { tauMin, tauMax } = pitchLagRange(config);
  const window = hannWindow(config.windowLength);
  const pitchShape = { windowLength: config.pitchWindowLength, tauMin, tauMax };
  const rows = pitchSegmentRows(pitchShape);
  const sizes = spectrumSizes(config.windowLength, config.nFft);
  const melShape = {
    nMels: config.nMels, nFft: config.nFft, features: F, logFloor: config.logFloor,
    windowPower: window.reduce((s, w) => s + w * w, 0),
    filterbankNonzeros: bank.bins.reduce((s, b, i) => s + (i % 2 === 1 ? b : -b), 0),
  };
  const pickShape = {
    tauMin, tauMax, features: F, voicingColumn: config.nMels + 1, sampleRate: config.sampleRate,
    peakRatio: config.pitchPeakRatio, voicingThreshold: config.voicingThreshold, neutralLogF0: neutralLogF0(config),
  };

  const signal = Tensor.fromArray(engine, samples, [samples.length], 'audio samples');
  const basis = Tensor.fromArray(engine, cachedSpectrumBasis(config.windowLength, config.nFft), [sizes.row, sizes.columns], 'windowed DFT basis');
  const weights = Tensor.fromArray(engine, Float32Array.from(bank.weights), [config.nMels, nBins], 'mel filterbank');
  const binRanges = Tensor.fromArray(engine, Float32Array.from(bank.bins), [config.nMels, 2], 'mel bin ranges');
  const features = Tensor.empty(engine, [frames, F], 'audio features');
  for (let first = 0; first < frames; first += chunkFrames) {
    const chunk = { first, frames: Math.min(chunkFrames, frames - first) };
    const n = chunk.frames;
    const out = n === frames ? features : Tensor.empty(engine, [n, F], 'audio features chunk');
    const frameRows = Tensor.empty(engine, [n, sizes.row], 'frame samples');
    const power = Tensor.empty(engine, [n, nBins], 'power spectrum');
    const segments = Tensor.empty(engine, [n, rows.aRow + rows.bRow], 'pitch segments');
    const correlation = Tensor.empty(engine, [n, correlationLags({ tauMin, tauMax })], 'pitch correlation');
    // The power spectrum: the DFT of every frame as one matrix product (the .wgsl header has the math).
    engine.dispatch(frameRowsLaunch(signal.buffer, frameRows.buffer, timing, chunk, config.windowLength, config.nFft));
    const spectra = engine.noGrad(() => matmul(frameRows, basis));
    engine.dispatch(spectrumPowerLaunch(spectra.buffer, power.buffer, n, config.windowLength, config.nFft));
    engine.dispatch(melEnergyLaunch(power.buffer, weights.buffer, binRanges.buffer, out.buffer, { frames: n, ...melShape }));
    engine.dispatch(pitchSegmentsLaunch(signal.buffer, segments.buffer, timing, chunk, pitchShape));
    engine.dispatch(pitchCorrelationLaunch(segments.buffer, correlation.buffer, n, pitchShape));
    engine.dispatch(pitchPickLaunch(correlation.buffer, out.buffer, { frames: n, ...pickShape }));
    if (out !== features) engine.copyBuffer(out.buffer, 0, features.buffer, 4 * first * F, 4 * n * F);
    // The pool hands these buffers out again only after the submit that uses them, so disposing now is safe; the
    // flush lets the next chunk have them.
    for (const t of [frameRows, spectra, power, segments, correlation, ...(out !== features ? [out] : [])]) t.dispose();
    if (first + n < frames) engine.flush();
  }
  for (const t of [signal, basis, weights, binRanges]) t.dispose();
  return features;
}

/**
 * Context windows [frames, F, context] of per-frame features [frames, F]: window i holds frames
 * i - contextCentre .. i + context - 1 - contextCentre, zero beyond either end. With the defaults
 * (16, 8) frame i sits in column 8, as in VOCA's DeepSpeech windows.
 */
export function contextWindows(perFrame: Tensor, context: number, contextCentre: number): Tensor {
  if (perFrame.rank !== 2) {
    throw new ShapeError(`contextWindows: per-frame features ${perFrame.name} have shape ${formatShape(perFrame.shape)}, expected [frames, F]`);
  }
  if (!(Number.isInteger(context) && context >= 1 && Number.isInteger(contextCentre) && contextCentre >= 0 && contextCentre < context)) {
    throw new RangeError(`contextWindows: context ${context} with centre column ${contextCentre}; expected integers with 0 <= centre < context`);
  }
  const [frames, F] = perFrame.shape as [number, number];
  const windows = Tensor.empty(perFrame.engine, [frames, F, context], 'audio windows');
  if (windows.size > 0) perFrame.engine.dispatch(contextWindowsLaunch(perFrame.buffer, windows.buffer, frames, F, context, contextCentre));
  return windows;
}

/** The network input: context windows [frames, F, context] of computeFrameFeatures. */
export function computeAudioFeatures(engine: Engine, samples: Float32Array, config: FeatureConfig = defaultFeatureConfig): Tensor {
  const perFrame = computeFrameFeatures(engine, samples, config);
  const windows = contextWindows(perFrame, config.context, config.contextCentre);
  perFrame.dispose();
  return windows;
}
