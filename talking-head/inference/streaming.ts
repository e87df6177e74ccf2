// The same generation as generateTalkingHead, on audio that arrives in chunks (a microphone, a network
// stream): frames come out as soon as everything they depend on has arrived, and the concatenated output
// equals the whole-file run's.
//
// What a frame depends on, and so when it can be emitted:
//   its features: samples up to centre(i) + reach (the spectral window and the pitch segment);
//   its audio window: the features of frames i - 8 .. i + 7;
//   its pose: PoseGAN's whole 256-frame window, including the frames past the ones it keeps (config
//   windowOverlap), and, through the initial pose, every window before it; the last frames (an end window,
//   pose-windows.ts) also the audio and poses of the hop before them, which the chain keeps;
//   with --smooth: the poses of frames up to i + m (the filter's half-window);
//   its face: its window and its (smoothed) pose.
// Features are recomputed over all audio received so far each time a window completes (simple, and cheap
// next to the networks); a frame's features do not depend on how much audio follows its reach.
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { add, mulScalar, sub } from '../../core/ops/elementwise.ts';
import { smoothPoseSequence } from '../ops/gaussian-filter.ts';
import { slice } from '../../core/ops/layout.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { IdentityEntry } from '../data/dataset-format.ts';
import { generatorPoseUnits, posesFromGenerator, posesToGenerator } from '../posegan/pose-units.ts';
import { computeFrameFeatures, contextWindows } from '../features/audio-features.ts';
import type { FeatureConfig } from '../features/config.ts';
import { frameCentre, frameCount, pitchLagRange } from '../features/framing.ts';
import { type GenerateOptions, denormaliseChannels, findIdentity, normaliseChannels } from './generate.ts';
import { type WindowChain, generatePoseWindows, windowHop } from './pose-windows.ts';
import { type LoadedPgFace, type LoadedPoseGan, assertCompatible } from './load-models.ts';

export interface TalkingHeadChunk {
  /** Index of the first frame in this chunk. */
  readonly startFrame: number;
  readonly frames: number;
  /** [frames, 6] and [frames, 144], as in TalkingHeadResult. */
  readonly pose: Float32Array;
  readonly face: Float32Array;
}

export class TalkingHeadStream {
  readonly #engine: Engine;
  readonly #posegan: LoadedPoseGan;
  readonly #pgface: LoadedPgFace;
  readonly #config: FeatureConfig;
  readonly #identity: IdentityEntry;
  readonly #options: GenerateOptions;
  readonly #halfWindow: number;
  #samples = new Float32Array(1 << 16);
  #sampleCount = 0;
  /** Generated (motion-scaled, unsmoothed) raw poses of finished PoseGAN windows, [frames, 6]. */
  #rawPoses: Float32Array[] = [];
  #generatedFrames = 0;
  #emittedFrames = 0;
  /** Where the next PoseGAN window starts, and the previous one's kept poses (in G's units; generatePoseWindows' `next`). */
  #chain: WindowChain | null = null;
  #finished = false;

  constructor(engine: Engine, posegan: LoadedPoseGan, pgface: LoadedPgFace, options: GenerateOptions = {}) {
    assertCompatible(posegan, pgface);
    if (posegan.featureConfig.frontEnd !== 'logmel-pitch-v1') throw new Error('streaming needs a checkpoint trained on posedyn\'s own audio front end');
    this.#engine = engine;
    this.#posegan = posegan;
    this.#pgface = pgface;
    this.#config = posegan.featureConfig;
    this.#identity = findIdentity(posegan.checkpoint.meta, options.identity, 'the PoseGAN checkpoint');
    this.#options = options;
    const sigma = options.smoothSigma ?? 0;
    this.#halfWindow = sigma > 0 ? Math.ceil(3 * sigma) : 0;
  }

  get identity(): string {
    return this.#identity.name;
  }

  /** Adds 16 kHz samples; returns the frames that became final (possibly none). */
  async push(samples: Float32Array): Promise<TalkingHeadChunk> {
    if (this.#finished) throw new Error('TalkingHeadStream.push after finish()');
    this.#append(samples);
    const frames = this.#posegan.config.frames;
    const hop = windowHop(this.#posegan.config);
    // Window k (starting hop frames after window k - 1) is final once frames up to its end plus the context
    // look-ahead exist in any longer audio too and every sample those frames read has arrived.
    const lookAhead = this.#config.context - 1 - this.#config.contextCentre;
    const final = (end: number) => end + lookAhead <= frameCount(this.#sampleCount, this.#config) && this.#lastSampleOf(end + lookAhead - 1) < this.#sampleCount;
    let windowsReady = 0;
    while (final(this.#generatedFrames + windowsReady * hop + frames)) windowsReady++;
    if (windowsReady > 0) await this.#generate(windowsReady * hop, this.#generatedFrames + (windowsReady - 1) * hop + frames);
    return this.#emit(this.#generatedFrames - this.#halfWindow);
  }

  /** Ends the stream: generates and returns every remaining frame. */
  async finish(): Promise<TalkingHeadChunk> {
    this.#finished = true;
    const total = frameCount(this.#sampleCount, this.#config);
    if (total > this.#generatedFrames) await this.#generate(total - this.#generatedFrames, total, true);
    const chunk = await this.#emit(total);
    this.#releaseChain();
    return chunk;
  }

  /** The last sample that frame i's features read. */
  #lastSampleOf(i: number): number {
    const c = this.#config;
    const { tauMax } = pitchLagRange(c);
    const centre = frameCentre(i, c);
    const spectrumEnd = centre - Math.floor(c.windowLength / 2) + c.windowLength - 1;
    const pitchSpan = c.pitchWindowLength + tauMax;
    const pitchEnd = centre - Math.floor(pitchSpan / 2) + pitchSpan;
    return Math.max(spectrumEnd, pitchEnd);
  }

  #append(samples: Float32Array): void {
    if (this.#sampleCount + samples.length > this.#samples.length) {
      const grown = new Float32Array(Math.max(2 * this.#samples.length, this.#sampleCount + samples.length));
      grown.set(this.#samples.subarray(0, this.#sampleCount));
      this.#samples = grown;
    }
    this.#samples.set(samples, this.#sampleCount);
    this.#sampleCount += samples.length;
  }

  /** Normalised context windows of every frame computable from the audio so far. */
  #windows(): Tensor {
    const engine = this.#engine;
    const meta = this.#posegan.checkpoint.meta;
    const perFrame = computeFrameFeatures(engine, this.#samples.subarray(0, this.#sampleCount), this.#config);
    return contextWindows(normaliseChannels(engine, perFrame, meta.normalisation.features), this.#config.context, this.#config.contextCentre);
  }

  /**
   * Runs the PoseGAN windows that start before frame generated + `count`, on the frames up to `windowEnd`; with
   * `withHistory` (the end of the stream) on the frames of the previous window's kept poses too, which an end
   * window may start in.
   */
  async #generate(count: number, windowEnd: number, withHistory = false): Promise<void> {
    const engine = this.#engine;
    const meta = this.#posegan.checkpoint.meta;
    const generator = this.#posegan.generator;
    const motionScale = this.#options.motionScale ?? 1;
    const lead = withHistory ? (this.#chain?.history?.shape[0] ?? 0) : 0;
    const { poses, chain } = engine.noGrad(() => engine.tidy(() => {
      const windows = this.#windows();
      const [, f, w] = windows.shape as [number, number, number];
      const rest = tensor(engine, this.#identity.meanPose, [1, 6]);
      // G's units (pose-units.ts): the chain stays in them between windows; only its output leaves them.
      const units = generatorPoseUnits(this.#posegan.config, this.#identity, meta.normalisation.pose);
      const start = this.#chain?.initial ?? posesToGenerator(engine, normaliseChannels(engine, rest, meta.normalisation.pose), units);
      // The same windows, in the same order, as the whole-file run: that is what makes the outputs equal.
      const from = this.#generatedFrames - lead;
      const run = generatePoseWindows(generator, slice(windows, [from, 0, 0], [windowEnd - from, f, w]), start, { frames: count, previous: this.#chain ?? undefined, lead });
      const generated = denormaliseChannels(engine, posesFromGenerator(engine, run.poses, units), meta.normalisation.pose);
      return { poses: add(rest, mulScalar(sub(generated, rest), motionScale)), chain: run.next };
    }));
    this.#releaseChain();
    this.#chain = { initial: engine.keep(chain.initial), tail: chain.tail && engine.keep(chain.tail), history: chain.history && engine.keep(chain.history) };
    this.#rawPoses.push(await poses.read());
    poses.dispose();
    this.#generatedFrames += count;
  }

  #releaseChain(): void {
    this.#chain?.initial.dispose();
    this.#chain?.tail?.dispose();
    this.#chain?.history?.dispose();
    this.#chain = null;
  }

  /** Smooths (if asked), runs PGFace and returns frames [emitted, upTo). */
  async #emit(upTo: number): Promise<TalkingHeadChunk> {
    const from = this.#emittedFrames;
    const to = Math.max(from, Math.min(upTo, this.#generatedFrames));
    if (to === from) return { startFrame: from, frames: 0, pose: new Float32Array(0), face: new Float32Array(0) };
    const engine = this.#engine;
    const all = concatFloat32(this.#rawPoses);
    this.#rawPoses = [all];
    const m = this.#halfWindow;
    const { pose, face } = engine.noGrad(() => engine.tidy(() => {
      let poses: Tensor;
      if (m > 0) {
        // The filter sees the same neighbours as in the whole-sequence run: m real frames each side, or the
        // sequence's true ends (replicated), which are the only edges it clamps at.
        const lo = Math.max(0, from - m);
        const hi = Math.min(this.#generatedFrames, to + m);
        const smoothed = smoothPoseSequence(tensor(engine, all.subarray(lo * 6, hi * 6), [hi - lo, 6]), this.#options.smoothSigma!);
        poses = slice(smoothed, [from - lo, 0], [to - from, 6]);
      } else {
        poses = tensor(engine, all.subarray(from * 6, to * 6), [to - from, 6]);
      }
      const faceMeta = this.#pgface.checkpoint.meta.normalisation;
      if (!faceMeta.face) throw new Error('the PGFace checkpoint has no face-coefficient statistics');
      const windows = this.#windows();
      const [, f, w] = windows.shape as [number, number, number];
      const normalisedFace = this.#pgface.model.forward(slice(windows, [from, 0, 0], [to - from, f, w]), normaliseChannels(engine, poses, faceMeta.pose));
      return { pose: poses, face: denormaliseChannels(engine, normalisedFace, faceMeta.face) };
    }));
    const chunk = { startFrame: from, frames: to - from, pose: await pose.read(), face: await face.read() };
    pose.dispose();
    face.dispose();
    this.#emittedFrames = to;
    return chunk;
  }
}

function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
