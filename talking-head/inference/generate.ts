// Speech in, head poses and face coefficients out (PAPER.md, Pipeline; Sec. 4.1 inference):
//   features [N, F] -> normalised -> context windows [N, F, 16]
//   PoseGAN over 256-frame windows (pose-windows.ts): the first starts at the identity's rest (mean) pose,
//     each next one where the previous window left the head
//   -> de-normalised poses, scaled about the rest pose (--motion-scale), optionally smoothed (Eq. 1)
//   PGFace on every frame's window and pose -> [alpha_id, alpha_exp] a frame
// Everything stays on the GPU until the final readback, which also carries the numeric guard: the GPU's count
// of non-finite values in the features, the poses and the face coefficients, so a broken input or checkpoint is
// refused naming it instead of giving NaN (null in JSON) frames.
import { BufferTooLargeError } from '../../core/buffer-pool.ts';
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { add, div, mul, mulScalar, sub } from '../../core/ops/elementwise.ts';
import { smoothPoseSequence } from '../ops/gaussian-filter.ts';
import { concat, slice } from '../../core/ops/layout.ts';
import { NonFiniteError, findNonFinite, readWithNonFiniteCounts } from '../../core/ops/non-finite.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { CheckpointMeta } from '../checkpoint/checkpoint.ts';
import type { ChannelStats, IdentityEntry } from '../data/dataset-format.ts';
import { computeFrameFeatures } from '../features/audio-features.ts';
import type { FeatureConfig } from '../features/config.ts';
import type { PgFace } from '../pgface/pgface.ts';
import { generatorPoseUnits, posesFromGenerator, posesToGenerator } from '../posegan/pose-units.ts';
import { type LoadedPgFace, type LoadedPoseGan, assertCompatible } from './load-models.ts';
import { type FrameFeatures, assertFrameFeatures, frameInputs, generatePoseSequence } from './pose-windows.ts';

export interface GenerateOptions {
  /** Identity whose rest pose starts the sequence; default: the first in the PoseGAN checkpoint. */
  readonly identity?: string;
  /** Scales motion about the rest pose: 0 = a still head at the rest pose, 1 = as generated. */
  readonly motionScale?: number;
  /** Gaussian smoothing of the generated poses (Eq. 1), sigma in frames; 0 = none. */
  readonly smoothSigma?: number;
  /** Frames PGFace runs at once (bounds GPU memory for long audio). */
  readonly faceChunk?: number;
  /** What to call the inputs in errors (file names); default 'the speech', 'the PoseGAN checkpoint', 'the PGFace checkpoint'. */
  readonly names?: { readonly audio?: string; readonly posegan?: string; readonly pgface?: string };
}

export interface TalkingHeadResult {
  readonly fps: number;
  readonly frames: number;
  readonly identity: string;
  /** Shape `[frames, 6]`: pitch, yaw, roll (radians), tx, ty, tz (the dataset's unit) */
  readonly pose: Float32Array;
  /** Shape `[frames, 144]`: alpha_id (80) then alpha_exp (64) */
  readonly face: Float32Array;
}

/**
 * The identity `name` of a checkpoint, or by default the person it was personalised to (a fine-tuned checkpoint
 * records `training.personalisedTo`, talking-head/workflows/fine-tune.ts), else its first identity.
 */
export function findIdentity(meta: Pick<CheckpointMeta, 'identities' | 'training'>, name: string | undefined, source: string): IdentityEntry {
  const identities = meta.identities;
  if (identities.length === 0) throw new Error(`${source}: the checkpoint lists no identities`);
  if (name === undefined) {
    const personal = meta.training.personalisedTo;
    return identities.find((i) => i.name === personal) ?? identities[0]!;
  }
  const found = identities.find((i) => i.name === name);
  if (!found) throw new Error(`identity '${name}' is not in ${source} (known: ${identities.map((i) => i.name).join(', ')})`);
  return found;
}

/** x [N, C] -> (x - mean) / std per channel, with the checkpoint's statistics. */
export function normaliseChannels(engine: Engine, x: Tensor, stats: ChannelStats): Tensor {
  const c = stats.mean.length;
  return div(sub(x, tensor(engine, stats.mean, [c])), tensor(engine, stats.std.map((s) => Math.max(s, 1e-6)), [c]));
}

export function denormaliseChannels(engine: Engine, x: Tensor, stats: ChannelStats): Tensor {
  const c = stats.mean.length;
  return add(mul(x, tensor(engine, stats.std.map((s) => Math.max(s, 1e-6)), [c])), tensor(engine, stats.mean, [c]));
}

/**
 * PGFace on every frame, in chunks. windows [N, F, W], poses [N, 6], both normalised -> [N, 144]. With `features`
 * (the normalised per-frame features [N, F] the windows were cut from, and their centre column), the encoder
 * runs from them (PgFace.encodeFrames: its first layer once a frame): each chunk encodes its frames and the
 * context around them, cut from the features, and keeps its own rows; the same values up to float rounding.
 */
export function generateFaceSequence(model: PgFace, windows: Tensor, poses: Tensor, chunk: number, features?: FrameFeatures): Tensor {
  const [n, f, w] = windows.shape as [number, number, number];
  if (features) assertFrameFeatures('generateFaceSequence', features, n);
  const parts: Tensor[] = [];
  for (let s = 0; s < n; s += chunk) {
    const size = Math.min(chunk, n - s);
    const chunkPoses = slice(poses, [s, 0], [size, poses.shape[1]!]);
    if (!features) {
      parts.push(model.forward(slice(windows, [s, 0, 0], [size, f, w]), chunkPoses));
      continue;
    }
    // Frames s - centre .. s + size - 1 + (W - 1 - centre) are all the chunk's windows read (zero past either end)
    const from = Math.max(0, s - features.centre);
    const to = Math.min(n, s + size + w - 1 - features.centre);
    const encoded = model.encodeFrames(slice(features.perFrame, [from, 0], [to - from, f]), features.centre);
    parts.push(model.forwardEncoded(slice(encoded, [s - from, 0], [size, encoded.shape[1]!]), chunkPoses));
  }
  return parts.length === 1 ? parts[0]! : concat(parts, 0);
}

/**
 * Runs `generate`, refusing audio too long for the adapter in its own terms: the tensors that outgrow a buffer
 * grow with the audio's length, so the buffer limit gives the longest audio that fits.
 */
function fitsAdapter<T>(audio: string, seconds: number, generate: () => T): T {
  try {
    return generate();
  } catch (error) {
    if (!(error instanceof BufferTooLargeError)) throw error;
    const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;
    throw new RangeError(
      `${audio}: ${minutes(seconds)} of audio is too long to generate in one piece on this adapter (${error.message}); ` +
        `about ${minutes((seconds * error.limit) / error.bytes)} fit: split it into shorter files, e.g. \`ffmpeg -i in.wav -f segment -segment_time 300 part%03d.wav\``,
      { cause: error },
    );
  }
}

/**
 * PoseGAN on speech (16 kHz mono samples), as inference runs it: the first window starts at the identity's rest
 * pose. Returns the audio features [N, F] (as computed, for the numeric guard), the normalised audio windows
 * [N, F, W] and poses [N, 6] (the checkpoint's normalised units, meta.normalisation.pose, whatever units G works in:
 * posegan/pose-units.ts), or null for audio shorter than a frame.
 */
export function speechPoseSequence(engine: Engine, posegan: LoadedPoseGan, samples16k: Float32Array, identity: IdentityEntry): { features: Tensor; windows: Tensor; frameFeatures: FrameFeatures; poses: Tensor } | null {
  const featureConfig = posegan.featureConfig;
  if (featureConfig.frontEnd !== 'logmel-pitch-v1') {
    throw new Error('this checkpoint was trained on precomputed features; generate from audio needs a checkpoint trained on posedyn\'s own front end');
  }
  const meta = posegan.checkpoint.meta;
  const perFrame = computeFrameFeatures(engine, samples16k, featureConfig as FeatureConfig);
  if (perFrame.shape[0] === 0) return null;
  const { windows, features: frameFeatures } = frameInputs(normaliseChannels(engine, perFrame, meta.normalisation.features), featureConfig.context, featureConfig.contextCentre);
  const units = generatorPoseUnits(posegan.config, identity, meta.normalisation.pose);
  const initial = posesToGenerator(engine, normaliseChannels(engine, tensor(engine, identity.meanPose, [1, 6], 'rest pose'), meta.normalisation.pose), units);
  return { features: perFrame, windows, frameFeatures, poses: posesFromGenerator(engine, generatePoseSequence(posegan.generator, windows, initial, { features: frameFeatures }), units) };
}

/** The whole pipeline on 16 kHz mono samples. */
export async function generateTalkingHead(engine: Engine, posegan: LoadedPoseGan, pgface: LoadedPgFace, samples16k: Float32Array, options: GenerateOptions = {}): Promise<TalkingHeadResult> {
  assertCompatible(posegan, pgface);
  const featureConfig = posegan.featureConfig;
  if (featureConfig.frontEnd !== 'logmel-pitch-v1') {
    throw new Error('this checkpoint was trained on precomputed features; generate from audio needs a checkpoint trained on posedyn\'s own front end');
  }
  const meta = posegan.checkpoint.meta;
  const identity = findIdentity(meta, options.identity, 'the PoseGAN checkpoint');
  const motionScale = options.motionScale ?? 1;
  const names = { audio: 'the speech', posegan: 'the PoseGAN checkpoint', pgface: 'the PGFace checkpoint', ...options.names };
  const seconds = samples16k.length / featureConfig.sampleRate;
  const { pose, face, features, frames } = fitsAdapter(names.audio, seconds, () => engine.noGrad(() =>
    engine.tidy(() => {
      const speech = speechPoseSequence(engine, posegan, samples16k, identity);
      if (!speech) return { pose: null, face: null, features: null, frames: 0 };
      const { features: perFrame, windows, frameFeatures, poses: normalisedPoses } = speech;
      const frames = windows.shape[0]!;
      const rest = tensor(engine, identity.meanPose, [1, 6], 'rest pose');
      const generated = denormaliseChannels(engine, normalisedPoses, meta.normalisation.pose);
      let poses = add(rest, mulScalar(sub(generated, rest), motionScale));
      if ((options.smoothSigma ?? 0) > 0) poses = smoothPoseSequence(poses, options.smoothSigma!);
      const faceMeta = pgface.checkpoint.meta.normalisation;
      if (!faceMeta.face) throw new Error('the PGFace checkpoint has no face-coefficient statistics');
      const normalisedFace = generateFaceSequence(pgface.model, windows, normaliseChannels(engine, poses, faceMeta.pose), options.faceChunk ?? 1024, frameFeatures);
      return { pose: poses, face: denormaliseChannels(engine, normalisedFace, faceMeta.face), features: perFrame, frames };
    }),
  ));
  if (!pose || !face || !features) {
    throw new RangeError(`${names.audio}: ${seconds.toFixed(3)} s of audio is shorter than one frame (1/${featureConfig.fps} s); nothing to generate`);
  }
  try {
    const { values, nonFinite } = await readWithNonFiniteCounts(engine, [pose, face], [[features], [pose], [face]]);
    const [badFeatures, badPose, badFace] = nonFinite as [number, number, number];
    if (badFeatures > 0) throw new NonFiniteError(`${names.audio}: ${badFeatures} of its ${features.size} audio feature values are NaN or infinite (are the samples far outside [-1, 1]?); nothing was generated`);
    if (badPose > 0) throw new NonFiniteError(`${names.posegan}: generated ${badPose} NaN or infinite pose values (the first at frame ${Math.floor(findNonFinite(values[0]!).first / 6)}); the checkpoint is unusable`);
    if (badFace > 0) throw new NonFiniteError(`${names.pgface}: generated ${badFace} NaN or infinite face coefficients (the first at frame ${Math.floor(findNonFinite(values[1]!).first / 144)}); the checkpoint is unusable`);
    return { fps: featureConfig.fps, frames, identity: identity.name, pose: Float32Array.from(values[0]!), face: Float32Array.from(values[1]!) };
  } finally {
    for (const t of [pose, face, features]) t.dispose();
  }
}
