// Frames as data during playback, for a page that drives its own scene (a three.js head, a game character) from
// posedyn: a callback gets, for every frame the audio clock reaches, the head's rotation (quaternion) and
// translation in glTF's frame, the mouth opening and the 64 expression weights (alpha_exp, the GLB's morph
// weights). The values are those of result.json and the GLB (talking-head/export/head-frames.ts,
// docs/output-format.md).
//
//   const clock = new HeadFrameClock(() => audioElementOrPlayer.time, frames, head.face);
//   clock.onFrame((f) => { mesh.quaternion.set(...f.rotation); mesh.position.set(...f.translation); ... });
//   clock.start();          // follows the clock on requestAnimationFrame; clock.stop() ends it
import type { HeadFrames } from '../talking-head/export/head-frames.ts';

export interface HeadFrame {
  readonly frame: number;
  /** seconds on the audio clock when the frame was delivered */
  readonly time: number;
  /** x, y, z, w (glTF order) */
  readonly rotation: readonly [number, number, number, number];
  /** metres, relative to the rest pose */
  readonly translation: readonly [number, number, number];
  /** inner-lip gap, cm (null when the face model has no MediaPipe landmarks) */
  readonly mouthOpening: number | null;
  /** alpha_exp: the 64 morph weights */
  readonly expression: Float32Array;
}

export type HeadFrameCallback = (frame: HeadFrame) => void;

export class HeadFrameClock {
  readonly frames: HeadFrames;
  readonly #time: () => number;
  readonly #face: Float32Array;
  readonly #callbacks = new Set<HeadFrameCallback>();
  #last = -1;
  #loop = 0;

  /** `time` reads the audio clock (seconds); `face` is [frames, 144] (alpha_id, alpha_exp). */
  constructor(time: () => number, frames: HeadFrames, face: Float32Array) {
    if (face.length !== frames.frames * 144) throw new RangeError(`HeadFrameClock: ${face.length} face coefficients for ${frames.frames} frames, expected ${frames.frames} x 144`);
    this.#time = time;
    this.frames = frames;
    this.#face = face;
  }

  /** Calls `callback` for each frame reached from now on; returns a function that stops it. */
  onFrame(callback: HeadFrameCallback): () => void {
    this.#callbacks.add(callback);
    return () => this.#callbacks.delete(callback);
  }

  /** The frame at `time` seconds (clamped to the clip). */
  frameAt(time: number): HeadFrame {
    const { fps, rotation, translation, mouthOpening } = this.frames;
    const f = Math.min(this.frames.frames - 1, Math.max(0, Math.floor(time * fps)));
    return {
      frame: f, time,
      rotation: [rotation[4 * f]!, rotation[4 * f + 1]!, rotation[4 * f + 2]!, rotation[4 * f + 3]!],
      translation: [translation[3 * f]!, translation[3 * f + 1]!, translation[3 * f + 2]!],
      mouthOpening: mouthOpening ? mouthOpening[f]! : null,
      expression: this.#face.slice(f * 144 + 80, (f + 1) * 144),
    };
  }

  /** Reads the clock and delivers the frame if it changed since the last delivery. */
  tick(): void {
    const time = this.#time();
    const frame = this.frameAt(time);
    if (frame.frame === this.#last) return;
    this.#last = frame.frame;
    for (const callback of this.#callbacks) callback(frame);
  }

  start(): void {
    if (this.#loop) return;
    const step = () => {
      this.tick();
      this.#loop = requestAnimationFrame(step);
    };
    this.#loop = requestAnimationFrame(step);
  }

  stop(): void {
    cancelAnimationFrame(this.#loop);
    this.#loop = 0;
  }
}
