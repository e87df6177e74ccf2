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
 * Per-frame features [frames, F], frames = round(duration * fps): log-mel energies (dB), log energy (dB),
 * voicing (0..1), log F0 (ln Hz). `samples` must already be at config.sampleRate (see talking-head/audio/resample.ts).
 */
export function computeFrameFeatures(engine: Engine, samples: Float32Array, config: FeatureConfig = defaultFeatureConfig): Tensor {
  validateFeatureConfig(config);
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

  const signal = Tensor.fromArray(engine, samples, [samples.length], 'audio samples');
  const sizes = spectrumSizes(config.windowLength, config.nFft);
  const basis = Tensor.fromArray(engine, Float32Array.from(spectrumBasis(window, config.nFft)), [sizes.row, sizes.columns], 'windowed DFT basis');
  const frameRows = Tensor.empty(engine, [frames, sizes.row], 'frame samples');
  const weights = Tensor.fromArray(engine, Float32Array.from(bank.weights), [config.nMels, nBins], 'mel filterbank');
  const binRanges = Tensor.fromArray(engine, Float32Array.from(bank.bins), [config.nMels, 2], 'mel bin ranges');
  const power = Tensor.empty(engine, [frames, nBins], 'power spectrum');
  const correlation = Tensor.empty(engine, [frames, correlationLags({ tauMin, tauMax })], 'pitch correlation');
  const features = Tensor.empty(engine, [frames, F], 'audio features');

  // The power spectrum: the DFT of every frame as one matrix product (the .wgsl header has the math).
  engine.dispatch(frameRowsLaunch(signal.buffer, frameRows.buffer, timing, config.windowLength, config.nFft));
  const spectra = engine.noGrad(() => matmul(frameRows, basis));
  engine.dispatch(spectrumPowerLaunch(spectra.buffer, power.buffer, frames, config.windowLength, config.nFft));
  engine.dispatch(melEnergyLaunch(power.buffer, weights.buffer, binRanges.buffer, features.buffer, {
    frames, nMels: config.nMels, nFft: config.nFft, features: F, logFloor: config.logFloor,
    windowPower: window.reduce((s, w) => s + w * w, 0),
    filterbankNonzeros: bank.bins.reduce((s, b, i) => s + (i % 2 === 1 ? b : -b), 0),
  }));
  const pitchShape = { windowLength: config.pitchWindowLength, tauMin, tauMax };
  const rows = pitchSegmentRows(pitchShape);
  const segments = Tensor.empty(engine, [frames, rows.aRow + rows.bRow], 'pitch segments');
  engine.dispatch(pitchSegmentsLaunch(signal.buffer, segments.buffer, timing, pitchShape));
  engine.dispatch(pitchCorrelationLaunch(segments.buffer, correlation.buffer, frames, pitchShape));
  engine.dispatch(pitchPickLaunch(correlation.buffer, features.buffer, {
    frames, tauMin, tauMax, features: F, voicingColumn: config.nMels + 1, sampleRate: config.sampleRate,
    peakRatio: config.pitchPeakRatio, voicingThreshold: config.voicingThreshold, neutralLogF0: neutralLogF0(config),
  }));
  // The pool hands these buffers out again only after the submit that uses them, so disposing now is safe.
  for (const t of [signal, basis, frameRows, spectra, weights, binRanges, power, segments, correlation]) t.dispose();
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
