// What `posedyn generate --video`, `posedyn render` and `posedyn demo` share: a head's motion (generated, or
// from a result.json / track.json / .mat) -> an MP4 with its speech, optionally beside the real head of a
// coefficient or track file (--compare), as the paper's figures show them.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { Engine } from '../../core/engine.ts';
import type { FaceModel } from '../../talking-head/face/face-model.ts';
import { meanPose } from '../../talking-head/export/head-frames.ts';
import { type HeadMotion, readHeadMotion } from '../../talking-head/formats/head-motion.ts';
import { buildHeadMesh } from '../../talking-head/render/mesh/head-mesh.ts';
import { readFileBytes } from '../files/read-file.ts';
import { type VideoHead, parseBackground, renderVideo } from './render-video.ts';

export const VIDEO_DEFAULTS = { size: 512, background: '#28303c', fps: 30 } as const;

export interface VideoRequest {
  readonly video: string;
  /** default 512 a head */
  readonly width?: number;
  readonly height?: number;
  readonly background: string;
  /** a .mat or track.json (or result.json) whose head is drawn beside */
  readonly compare?: string;
  readonly progress: boolean;
  readonly faceModel: FaceModel;
}

/** A head's motion from a file, its translation drawn relative to the file's rest pose (else its mean pose). */
export function headFromMotion(motion: HeadMotion, label: string): VideoHead {
  return {
    label, fps: motion.fps, pose: motion.pose, translationUnit: motion.translationUnit, face: motion.face,
    rest: motion.restPose ?? meanPose(motion.pose),
  };
}

export async function readMotionFile(path: string): Promise<HeadMotion> {
  return readHeadMotion(await readFileBytes(path), path);
}

/**
 * The speech of a motion file: `--audio` when given; else the file's own `audio` field (as written, or relative to
 * the file's folder); else <stem>.wav beside it (a styletalk .mat and its .wav).
 */
export function speechFor(motion: HeadMotion, path: string, audio: string | undefined): string {
  if (audio !== undefined) return audio;
  const tried: string[] = [];
  const candidates = [
    ...(motion.audio ? [motion.audio, isAbsolute(motion.audio) ? null : join(dirname(path), motion.audio)] : []),
    join(dirname(path), `${basename(path, extname(path))}.wav`),
  ].filter((c): c is string => c !== null);
  for (const candidate of candidates) {
    if (existsSync(candidate)) return candidate;
    tried.push(candidate);
  }
  throw new Error(`${path}: no speech found for the video (looked for ${tried.join(', ')}); give one with --audio FILE`);
}

export async function writeTalkingHeadVideo(engine: Engine, head: VideoHead, audio: string, request: VideoRequest): Promise<void> {
  const heads = [head];
  if (request.compare !== undefined) {
    const motion = await readMotionFile(request.compare);
    heads.push(headFromMotion(motion, `real: ${basename(request.compare)}`));
  }
  const width = request.width ?? VIDEO_DEFAULTS.size * heads.length;
  const height = request.height ?? VIDEO_DEFAULTS.size;
  const mesh = buildHeadMesh(request.faceModel);
  await mkdir(dirname(resolve(request.video)), { recursive: true });
  const { frames, seconds } = await renderVideo(engine, mesh, heads, {
    out: request.video, audio, width, height, background: parseBackground(request.background), fps: VIDEO_DEFAULTS.fps, progress: request.progress,
  });
  console.log(`wrote ${request.video} (${width} x ${height}, ${frames} frames at ${VIDEO_DEFAULTS.fps} fps with the speech of ${audio}; rendered in ${seconds.toFixed(1)} s)`);
}
