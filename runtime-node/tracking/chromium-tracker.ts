// MediaPipe Face Mesh for Node: the tracker page (runtime-web/tracking/tracker-page.ts, built into dist/tracker/)
// in Debian's headless Chromium, driven by puppeteer-core, served from 127.0.0.1 with the frames ffmpeg decodes.
// Node hands frames over HTTP as raw RGBA (one request a frame, fetched by the page while it tracks the one
// before) and receives the landmarks and pose matrices back; no image file is written.
import type { IncomingMessage } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { decodeTrackedFrames, type TrackedFrame } from '../../talking-head/tracking/tracked-frame.ts';
import { packageRoot } from '../files/package-root.ts';
import { ensurePagesBuilt } from '../serve/serve-command.ts';
import { type RunningServer, startServer } from '../serve/server.ts';
import type { DecodedFrame, VideoInfo } from './ffmpeg.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** WebGPU is not needed here; the flags are the ones the project's browser tests use (nothing reaches the network). */
const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic', '--enable-unsafe-swiftshader', '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

// The built pages: the repository's dist/ in a checkout, the installed package's dist/ (found from the package root,
// which also holds when this module runs built, from dist/lib/).
const dist = join(packageRoot(), 'dist');

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

interface Session {
  readonly frames: AsyncIterator<DecodedFrame>;
  readonly info: VideoInfo;
  readonly results: TrackedFrame[];
  readonly onProgress: (tracked: number) => void;
  error: Error | null;
}

export class ChromiumFaceTracker {
  readonly #browser: Browser;
  readonly #page: Page;
  readonly #server: RunningServer;
  readonly #profile: string;
  readonly #log: string[];
  #session: Session | null = null;

  private constructor(browser: Browser, page: Page, server: RunningServer, profile: string, log: string[]) {
    this.#browser = browser;
    this.#page = page;
    this.#server = server;
    this.#profile = profile;
    this.#log = log;
  }

  /** Builds the tracker page if dist/ lacks it, starts the server and Chromium, and waits until MediaPipe is loaded. */
  static async launch(options: { log?: (line: string) => void; faceMeshOptions?: Readonly<Record<string, unknown>> } = {}): Promise<ChromiumFaceTracker> {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the face tracker runs MediaPipe in Debian's Chromium (./setup.sh installs it)`);
    ensurePagesBuilt({ log: options.log ?? (() => undefined) });
    let tracker: ChromiumFaceTracker | null = null;
    const server = await startServer([
      { prefix: '/tracker/', dir: join(dist, 'tracker') },
      { prefix: '/face_mesh/', dir: join(dist, 'face_mesh') },
    ], 0, [
      { method: 'GET', path: '/tracker/frames/next', handle: (_request, response) => void tracker!.#nextFrame(response) },
      { method: 'POST', path: '/tracker/results', handle: (request, response) => void tracker!.#receive(request, response) },
    ]);
    const profile = mkdtempSync(join(tmpdir(), 'posedyn-tracker-'));
    const log: string[] = [];
    let browser: Browser | null = null;
    try {
      // A long video is one page.evaluate call: no limit on how long a protocol call may take.
      // puppeteer-core loads here, not at import: posedyn/node imports this module and most programs track nothing.
      const { default: puppeteer } = await import('puppeteer-core');
      browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, protocolTimeout: 0, args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`] });
      const page = await browser.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') log.push(m.text());
      });
      page.on('pageerror', (e) => log.push(e instanceof Error ? e.message : String(e)));
      tracker = new ChromiumFaceTracker(browser, page, server, profile, log);
      await page.goto(`${server.url}tracker/${options.faceMeshOptions ? `?options=${encodeURIComponent(JSON.stringify(options.faceMeshOptions))}` : ''}`);
      await page.waitForFunction(() => 'posedynTrackerReady' in globalThis, { timeout: 60_000 });
      await page.evaluate(() => (globalThis as unknown as { posedynTrackerReady: Promise<void> }).posedynTrackerReady);
      return tracker;
    } catch (error) {
      await browser?.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
      throw new Error(`the face tracker did not start in Chromium (${(error as Error).message}${log.length ? `; page: ${log.join('; ')}` : ''})`, { cause: error });
    }
  }

  /** Tracks `frames` (one video, in order); `onProgress` hears how many frames have been tracked. */
  async track(info: VideoInfo, frames: AsyncIterable<DecodedFrame>, onProgress: (tracked: number) => void = () => undefined): Promise<TrackedFrame[]> {
    if (this.#session) throw new Error('ChromiumFaceTracker: one video at a time');
    const session: Session = { frames: frames[Symbol.asyncIterator](), info, results: [], onProgress, error: null };
    this.#session = session;
    try {
      const count = await this.#page.evaluate(() => (globalThis as unknown as { posedynTrack: () => Promise<number> }).posedynTrack());
      if (session.error) throw session.error;
      if (count !== session.results.length) throw new Error(`the tracker page tracked ${count} frames but returned ${session.results.length}`);
      return session.results;
    } catch (error) {
      if (session.error) throw session.error;
      throw new Error(`${info.file}: the face tracker failed (${(error as Error).message}${this.#log.length ? `; page: ${this.#log.join('; ')}` : ''})`, { cause: error });
    } finally {
      this.#session = null;
      await session.frames.return?.();
    }
  }

  async #nextFrame(response: import('node:http').ServerResponse): Promise<void> {
    const session = this.#session;
    if (!session) {
      response.writeHead(409).end('no video is being tracked');
      return;
    }
    try {
      const next = await session.frames.next();
      if (next.done) {
        response.writeHead(204).end();
        return;
      }
      const frame = next.value;
      response.writeHead(200, {
        'content-type': 'application/octet-stream', 'content-length': frame.pixels.length, 'cache-control': 'no-store',
        'x-width': session.info.width, 'x-height': session.info.height, 'x-time': frame.time,
      });
      response.end(frame.pixels);
    } catch (error) {
      // A decoding error ends the video for the page; track() reports it.
      session.error = error as Error;
      response.writeHead(204).end();
    }
  }

  async #receive(request: IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    const session = this.#session;
    const body = await readBody(request);
    if (!session) {
      response.writeHead(409).end('no video is being tracked');
      return;
    }
    try {
      const values = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
      session.results.push(...decodeTrackedFrames(values, 'the tracker page'));
      session.onProgress(session.results.length);
      response.writeHead(200).end();
    } catch (error) {
      session.error = error as Error;
      response.writeHead(400).end((error as Error).message);
    }
  }

  async close(): Promise<void> {
    await this.#browser.close();
    await this.#server.close();
    rmSync(this.#profile, { recursive: true, force: true });
  }
}
