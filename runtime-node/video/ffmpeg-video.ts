// Writes an MP4 with Debian's ffmpeg: raw RGBA frames go into its stdin (no frame files anywhere), the speech is
// read from its file, and out come H.264 (yuv420p, playable everywhere) and AAC. ffmpeg writes a temporary file
// beside the target, renamed over it only when ffmpeg finished cleanly: a failed run leaves the old video as it was.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface VideoSettings {
  readonly out: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** the speech, any format ffmpeg reads; its length is the video's */
  readonly audio: string;
  /** text drawn at the top of equal-width columns (side-by-side videos), e.g. ['generated', 'real'] */
  readonly labels?: readonly string[];
}

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** Quotes text for ffmpeg's drawtext filter (inside single quotes: ', \ and : are special). */
function drawtextValue(text: string): string {
  return `'${text.replace(/[\\':%]/g, (c) => `\\${c}`)}'`;
}

export class FfmpegVideo {
  readonly settings: VideoSettings;
  readonly #process: ChildProcess;
  readonly #temp: string;
  readonly #exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';
  #failure: Error | null = null;

  constructor(settings: VideoSettings) {
    const { out, width, height, fps, audio } = settings;
    if (width % 2 !== 0 || height % 2 !== 0) throw new RangeError(`video size ${width} x ${height}: H.264 in yuv420p needs an even width and height`);
    this.settings = settings;
    this.#temp = join(dirname(out), `.${basename(out, '.mp4')}.${process.pid}.${randomBytes(4).toString('hex')}.tmp.mp4`);
    const filters = ['format=yuv420p'];
    const labels = settings.labels ?? [];
    if (labels.length > 0 && existsSync(FONT)) {
      const column = width / labels.length;
      const size = Math.max(12, Math.round(height / 26));
      labels.forEach((label, i) => filters.unshift(
        `drawtext=fontfile=${FONT}:text=${drawtextValue(label)}:fontsize=${size}:fontcolor=white@0.85:x=${Math.round(i * column)}+(${Math.round(column)}-text_w)/2:y=${Math.round(size * 0.8)}`,
      ));
    }
    const args = [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0',
      '-i', audio,
      '-map', '0:v:0', '-map', '1:a:0',
      '-vf', filters.join(','),
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-r', String(fps),
      '-c:a', 'aac', '-b:a', '128k',
      '-movflags', '+faststart', '-f', 'mp4', this.#temp,
    ];
    this.#process = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.#process.stderr!.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    this.#process.stdin!.on('error', (error) => (this.#failure ??= error));
    this.#exit = new Promise((resolve) => {
      this.#process.on('error', (error: NodeJS.ErrnoException) => {
        this.#failure = error.code === 'ENOENT'
          ? new Error('ffmpeg is not installed: ./setup.sh installs it (Debian package ffmpeg)')
          : error;
        resolve({ code: null, signal: null });
      });
      this.#process.on('close', (code, signal) => resolve({ code, signal }));
    });
  }

  /** Writes one frame (RGBA, width * height * 4 bytes); resolves when ffmpeg can take more. */
  async write(rgba: Uint8Array): Promise<void> {
    const { width, height } = this.settings;
    if (rgba.length !== 4 * width * height) throw new RangeError(`FfmpegVideo.write: ${rgba.length} bytes, expected ${width} x ${height} RGBA (${4 * width * height})`);
    if (this.#failure) throw this.#error();
    const stdin = this.#process.stdin!;
    if (!stdin.write(rgba)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stdin.off('drain', done);
          this.#process.off('close', done);
          resolve();
        };
        stdin.on('drain', done);
        this.#process.on('close', done);
      });
    }
    if (this.#failure) throw this.#error();
  }

  /** Closes the frame stream, waits for ffmpeg, and moves the finished video into place. */
  async finish(): Promise<void> {
    this.#process.stdin!.end();
    const { code, signal } = await this.#exit;
    if (this.#failure || code !== 0) {
      await rm(this.#temp, { force: true });
      throw this.#error(code, signal);
    }
    await rename(this.#temp, this.settings.out);
  }

  /** Stops ffmpeg and removes its partial output (after an error elsewhere). */
  async abort(): Promise<void> {
    this.#process.kill('SIGTERM');
    await this.#exit;
    await rm(this.#temp, { force: true });
  }

  #error(code?: number | null, signal?: NodeJS.Signals | null): Error {
    const how = signal ? `was stopped by ${signal}` : code !== undefined && code !== null ? `exited with status ${code}` : 'failed';
    const detail = this.#stderr.trim() || this.#failure?.message || 'no message';
    return new Error(`${this.settings.out}: ffmpeg ${how}: ${detail}`);
  }
}
