// Debian's ffmpeg through pipes: what a video file holds (ffprobe), its frames as raw RGBA, its sound as 16 kHz
// mono samples. setup.sh installs ffmpeg.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';

export interface VideoInfo {
  readonly file: string;
  /** the size frames are decoded at (after the rotation the file asks for, and the cap of MAX_FRAME_SIDE) */
  readonly width: number;
  readonly height: number;
  /** the video's own frame rate (average), frames a second */
  readonly fps: number;
  /** the rate frames are decoded at: the video's own, at most MAX_DECODE_FPS */
  readonly decodeFps: number;
  readonly duration: number;
  readonly codec: string;
  readonly hasAudio: boolean;
}

/**
 * Frames are decoded at the video's own rate up to 30 frames a second (the project's rate; faster videos are
 * thinned to 30 by ffmpeg's fps filter, slower ones interpolated to 30 after tracking, talking-head/tracking/face-track.ts).
 */
export const MAX_DECODE_FPS = 30;
/**
 * Frames larger than this (longer side, pixels) are scaled down before tracking: MediaPipe crops the face to
 * 192 x 192 for its landmark network, so a face keeps its detail unless the video is very wide; the cap bounds
 * the bytes a frame moves to Chromium (5.3 MB RGBA at 1280 x 1024).
 */
export const MAX_FRAME_SIDE = 1280;

function ffmpegMissing(tool: string): Error {
  return new Error(`${tool} is not installed: posedyn reads videos with Debian's ffmpeg (./setup.sh installs it, or apt-get install ffmpeg)`);
}

/** Runs a tool to its end and returns stdout; rejects with its stderr's first lines when it fails. */
function run(tool: string, args: readonly string[]): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? ffmpegMissing(tool) : error));
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr, code: code ?? 1 }));
  });
}

function firstLines(text: string): string {
  return text.trim().split('\n').slice(0, 3).join('; ') || 'no message';
}

function rate(text: unknown): number {
  const [num, den] = String(text ?? '').split('/').map(Number);
  const value = den ? num! / den : Number(num);
  return Number.isFinite(value) && value > 0 ? value : NaN;
}

/**
 * What the file holds; throws naming the file when it is missing, unreadable or has no video stream. Frames
 * will be decoded at most `maxSide` pixels on their longer side (default MAX_FRAME_SIDE).
 */
export async function probeVideo(file: string, maxSide = MAX_FRAME_SIDE): Promise<VideoInfo> {
  try {
    if (!(await stat(file)).isFile()) throw new Error(`${file}: is not a file, expected a video file (mp4, webm, mov, ...)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${file}: file not found`, { cause: error });
    throw error;
  }
  const probe = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  if (probe.code !== 0) throw new Error(`${file}: not a video ffmpeg can read (ffprobe: ${firstLines(probe.stderr)}); expected a video file (mp4, webm, mov, ...)`);
  const parsed = JSON.parse(probe.stdout.toString()) as {
    streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; duration?: string; tags?: { rotate?: string }; side_data_list?: { rotation?: number }[]; disposition?: { attached_pic?: number } }[];
    format?: { duration?: string; format_name?: string };
  };
  const streams = parsed.streams ?? [];
  // Cover art in an audio file is a 'video' stream of one picture: not a video.
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) {
    const found = streams.map((s) => `${s.codec_type ?? '?'} ${s.codec_name ?? ''}`.trim()).join(', ') || 'none';
    throw new Error(`${file}: no video stream (streams: ${found}); expected a talking-head video (mp4, webm, mov, ...)`);
  }
  const fps = rate(video.avg_frame_rate) || rate(video.r_frame_rate) || MAX_DECODE_FPS;
  const duration = Number(video.duration ?? parsed.format?.duration);
  if (!(video.width! > 0 && video.height! > 0)) throw new Error(`${file}: video stream has size ${video.width} x ${video.height}, expected a picture`);
  const rotation = Math.abs(Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0)) % 180;
  let [width, height] = rotation === 90 ? [video.height!, video.width!] : [video.width!, video.height!];
  const scale = Math.min(1, maxSide / Math.max(width, height));
  // Even sizes: what ffmpeg's scaler and most decoders expect.
  width = Math.max(2, 2 * Math.round((width * scale) / 2));
  height = Math.max(2, 2 * Math.round((height * scale) / 2));
  return {
    file, width, height, fps, decodeFps: Math.min(fps, MAX_DECODE_FPS), duration: Number.isFinite(duration) ? duration : NaN,
    codec: video.codec_name ?? 'unknown', hasAudio: streams.some((s) => s.codec_type === 'audio'),
  };
}

/**
 * The frames of the first video stream, counted from its packets (one a frame in the H.264/VP9 files trackers
 * read; nothing is decoded). Throws naming the file when ffprobe cannot count them.
 */
export async function countVideoFrames(file: string): Promise<number> {
  const probe = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file]);
  const count = Number(probe.stdout.toString().trim());
  if (probe.code !== 0 || !Number.isInteger(count) || count < 1) throw new Error(`${file}: ffprobe could not count its video frames (${firstLines(probe.stderr)})`);
  return count;
}

export interface DecodedFrame {
  readonly index: number;
  /** seconds from the first frame: index / decodeFps */
  readonly time: number;
  /** width * height * 4 bytes, RGBA */
  readonly pixels: Buffer;
}

/**
 * The frames in order, as raw RGBA at `info`'s size and decode rate, straight from ffmpeg's stdout (a pipe, no
 * files): the consumer's pace throttles ffmpeg. Throws naming the file when ffmpeg fails.
 */
export async function* decodeFrames(info: VideoInfo): AsyncGenerator<DecodedFrame> {
  const frameBytes = info.width * info.height * 4;
  const child = spawn('ffmpeg', [
    '-v', 'error', '-nostdin', '-i', info.file, '-map', '0:v:0', '-an',
    '-vf', `fps=${info.decodeFps},scale=${info.width}:${info.height}:flags=bicubic`, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? ffmpegMissing('ffmpeg') : error));
    child.on('close', (code) => resolve(code ?? 1));
  });
  let index = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= frameBytes) {
        const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        yield { index, time: index / info.decodeFps, pixels: all.subarray(0, frameBytes) };
        index++;
        const rest = all.subarray(frameBytes);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`${info.file}: ffmpeg could not decode the video after ${index} frames (${firstLines(stderr)})`);
    if (index === 0) throw new Error(`${info.file}: the video stream has no frames ffmpeg can decode`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** The first audio stream as mono samples at `sampleRate`, in [-1, 1]; throws naming the file when it cannot. */
export async function decodeSpeech(file: string, sampleRate: number): Promise<Float32Array> {
  const result = await run('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-map', '0:a:0', '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1']);
  if (result.code !== 0) throw new Error(`${file}: ffmpeg could not decode its sound (${firstLines(result.stderr)})`);
  const bytes = result.stdout;
  const samples = new Float32Array(bytes.length >> 2);
  new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 4));
  return samples;
}
