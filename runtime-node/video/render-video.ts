// A talking-head video: every frame rendered offscreen on the engine's own device by the shared head renderer
// (talking-head/render/), read back and piped into ffmpeg with the speech (ffmpeg-video.ts). One head, or several
// side by side (a generated head next to the real one of a coefficient or track file).
//
// Length: the audio's. The video has round(duration * fps) frames, within half a frame of the speech; a head whose
// motion is shorter holds its last frame, a longer one is cut. The face decode (Eq. 2, on the GPU) runs over
// chunks of frames, so long clips need no more memory than short ones.
import cliProgress from 'cli-progress';
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import type { Tensor } from '../../core/tensor.ts';
import { decodeAudio, MODEL_SAMPLE_RATE } from '../../talking-head/audio/decode.ts';
import { FaceDecoder } from '../../talking-head/face/decode.ts';
import { FACE_COEFFICIENTS } from '../../talking-head/face/face-model.ts';
import { videoCamera } from '../../talking-head/render/camera.ts';
import { centimetresPerTranslationUnit, headMatrix, torsoMatrix } from '../../talking-head/render/head-placement.ts';
import { type HeadDraw, HeadRenderer } from '../../talking-head/render/head-renderer.ts';
import type { HeadMesh } from '../../talking-head/render/mesh/head-mesh.ts';
import { OffscreenFrame } from '../../talking-head/render/offscreen-frame.ts';
import { readFileBytes } from '../files/read-file.ts';
import { FfmpegVideo } from './ffmpeg-video.ts';

/** A head's motion, as `posedyn generate` makes it or a file holds it (talking-head/formats/head-motion.ts). */
export interface VideoHead {
  readonly label: string;
  readonly fps: number;
  /** [frames, 6] */
  readonly pose: Float32Array;
  readonly translationUnit: string;
  /** translation is drawn relative to this pose's */
  readonly rest: readonly number[];
  /** [frames, 144] */
  readonly face: Float32Array;
}

export interface VideoOptions {
  readonly out: string;
  readonly audio: string;
  readonly width: number;
  readonly height: number;
  /** sRGB, 0-1 */
  readonly background: readonly [number, number, number];
  readonly fps: number;
  readonly progress: boolean;
}

const DECODE_CHUNK = 128;

/** Parses '#rrggbb' (or 'rrggbb') into sRGB 0-1. */
export function parseBackground(value: string, flag = '--background'): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(value.trim());
  if (!m) throw new Error(`${flag} expects a colour as #rrggbb (e.g. '#28303c'), got '${value}'`);
  return [parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255];
}

/** Frames of a head's motion, decoded a chunk at a time. */
class DecodedMotion {
  readonly head: VideoHead;
  readonly frames: number;
  readonly #engine: Engine;
  readonly #decoder: FaceDecoder;
  #chunk: { start: number; vertices: Tensor } | null = null;

  constructor(engine: Engine, decoder: FaceDecoder, head: VideoHead) {
    this.#engine = engine;
    this.#decoder = decoder;
    this.head = head;
    this.frames = head.face.length / FACE_COEFFICIENTS;
    if (this.frames < 1) throw new RangeError(`${head.label}: no frames to draw`);
  }

  /** The frame of this head's motion shown at video frame `f` (by time; held at the end). */
  frameAt(f: number, fps: number): number {
    return Math.min(this.frames - 1, Math.round((f / fps) * this.head.fps));
  }

  /** The vertex buffer holding frame `frame` and the frame's index in it (decodes its chunk when needed). */
  async vertices(frame: number): Promise<{ buffer: GPUBuffer; index: number }> {
    if (!this.#chunk || frame < this.#chunk.start || frame >= this.#chunk.start + this.#chunk.vertices.shape[0]!) {
      this.#chunk?.vertices.dispose();
      const start = frame;
      const count = Math.min(DECODE_CHUNK, this.frames - start);
      const coefficients = this.head.face.subarray(start * FACE_COEFFICIENTS, (start + count) * FACE_COEFFICIENTS);
      const engine = this.#engine;
      const vertices = engine.keep(engine.noGrad(() => engine.tidy(() => this.#decoder.decode(tensor(engine, coefficients, [count, FACE_COEFFICIENTS], 'video face coefficients')))));
      await engine.sync();
      this.#chunk = { start, vertices };
    }
    return { buffer: this.#chunk.vertices.buffer, index: frame - this.#chunk.start };
  }

  dispose(): void {
    this.#chunk?.vertices.dispose();
  }
}

export async function renderVideo(engine: Engine, mesh: HeadMesh, heads: readonly VideoHead[], options: VideoOptions): Promise<{ frames: number; seconds: number }> {
  const { width, height, fps } = options;
  if (heads.length === 0) throw new RangeError('renderVideo: no head to draw');
  const columns = heads.length;
  const column = Math.floor(width / columns);
  const samples = decodeAudio(await readFileBytes(options.audio), options.audio);
  const duration = samples.length / MODEL_SAMPLE_RATE;
  const frames = Math.round(duration * fps);
  if (frames < 1) throw new RangeError(`${options.audio}: ${duration.toFixed(3)} s of speech is shorter than one video frame`);

  const decoder = new FaceDecoder(engine, mesh.model);
  const sources = heads.map((head) => new DecodedMotion(engine, decoder, head));
  const renderer = new HeadRenderer(engine.device, mesh);
  const frame = new OffscreenFrame(engine.device, width, height);
  const camera = videoCamera(mesh, column / height);
  const torso = torsoMatrix(mesh.cmPerUnit);
  const video = new FfmpegVideo({ out: options.out, width, height, fps, audio: options.audio, labels: columns > 1 ? heads.map((h) => h.label) : undefined });
  const bar = options.progress ? new cliProgress.SingleBar({ format: 'video [{bar}] {value}/{total} frames | {speed} frames/s', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
  const started = performance.now();
  bar?.start(frames, 0, { speed: '-' });
  try {
    let pending: Promise<Uint8Array> | null = null;
    for (let f = 0; f < frames; f++) {
      const draws: HeadDraw[] = [];
      for (const [i, source] of sources.entries()) {
        const motionFrame = source.frameAt(f, fps);
        const { buffer, index } = await source.vertices(motionFrame);
        const head = source.head;
        const pose = Array.from(head.pose.subarray(motionFrame * 6, motionFrame * 6 + 6));
        draws.push({
          positions: buffer, frame: index, torso,
          head: headMatrix(pose, head.rest, centimetresPerTranslationUnit(head.translationUnit), mesh.cmPerUnit),
          viewProjection: camera.viewProjection, eye: camera.eye,
          viewport: { x: i * column, y: 0, width: i === columns - 1 ? width - i * column : column, height },
        });
      }
      const encoder = engine.device.createCommandEncoder({ label: `video frame ${f}` });
      renderer.encode(encoder, frame.target, draws, options.background);
      const read = frame.copy(encoder);
      engine.device.queue.submit([encoder.finish()]);
      // The previous frame is read (and sent to ffmpeg) while this one renders.
      if (pending) await video.write(await pending);
      pending = read();
      bar?.update(f + 1, { speed: ((f + 1) / ((performance.now() - started) / 1000)).toFixed(1) });
    }
    if (pending) await video.write(await pending);
    await video.finish();
  } catch (error) {
    await video.abort();
    throw error;
  } finally {
    bar?.stop();
    for (const s of sources) s.dispose();
    renderer.dispose();
    frame.dispose();
    decoder.dispose();
  }
  return { frames, seconds: (performance.now() - started) / 1000 };
}
