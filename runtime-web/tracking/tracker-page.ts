// The page `posedyn track` runs in headless Chromium (runtime-node/tracking/chromium-tracker.ts serves it and the
// frames): it asks its server for decoded frames and hands back what MediaPipe found, nothing more; everything
// after the landmarks runs in talking-head/tracking/ on the Node side, as it runs in the demo page.
//
// Protocol, all on the page's own origin (127.0.0.1):
//   GET  frames/next   200: one frame, RGBA bytes, headers x-width, x-height, x-time (seconds); 204: no more frames
//   POST results       tracked frames so far, talking-head/tracking/tracked-frame.ts's encoding
// window.posedynTrack() tracks every frame the server has and resolves with the number of frames; the next call
// starts over with face detection (a new video). window.posedynTrackerReady resolves when the tracker is loaded.
// The query `?options=<JSON>` overrides MediaPipe's options (face-mesh.ts FACE_MESH_OPTIONS; benchmarks only).
import { encodeTrackedFrames, type TrackedFrame } from '../../talking-head/tracking/tracked-frame.ts';
import { FaceMeshTracker } from './face-mesh.ts';

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly time: number;
  readonly pixels: Uint8ClampedArray<ArrayBuffer>;
}

/** Frames handed back a request: results flow while tracking, and one request stays small. */
const RESULTS_BATCH = 32;

async function nextFrame(): Promise<Frame | null> {
  const response = await fetch('frames/next', { cache: 'no-store' });
  if (response.status === 204) return null;
  if (!response.ok) throw new Error(`frames/next: HTTP ${response.status} ${await response.text()}`);
  const header = (name: string) => {
    const value = Number(response.headers.get(name));
    if (!Number.isFinite(value)) throw new Error(`frames/next: header ${name} is ${response.headers.get(name)}, expected a number`);
    return value;
  };
  const width = header('x-width');
  const height = header('x-height');
  const pixels = new Uint8ClampedArray(await response.arrayBuffer());
  if (pixels.length !== width * height * 4) throw new Error(`frames/next: ${pixels.length} bytes for a ${width} x ${height} RGBA frame`);
  return { width, height, time: header('x-time'), pixels };
}

async function sendResults(frames: TrackedFrame[]): Promise<void> {
  if (frames.length === 0) return;
  const response = await fetch('results', { method: 'POST', body: encodeTrackedFrames(frames) });
  if (!response.ok) throw new Error(`results: HTTP ${response.status} ${await response.text()}`);
}

const canvas = document.createElement('canvas');
const context = canvas.getContext('2d', { willReadFrequently: false })!;
const overrides = JSON.parse(new URLSearchParams(location.search).get('options') ?? '{}') as Record<string, unknown>;
const tracker = FaceMeshTracker.create('../face_mesh/', overrides);

async function track(): Promise<number> {
  const faceMesh = await tracker;
  faceMesh.reset();
  let pending: TrackedFrame[] = [];
  let count = 0;
  // The next frame is fetched while this one is tracked.
  let next = nextFrame();
  for (;;) {
    const frame = await next;
    if (!frame) break;
    next = nextFrame();
    if (canvas.width !== frame.width || canvas.height !== frame.height) {
      canvas.width = frame.width;
      canvas.height = frame.height;
    }
    context.putImageData(new ImageData(frame.pixels, frame.width, frame.height), 0, 0);
    const { face } = await faceMesh.track(canvas);
    pending.push({ time: frame.time, face });
    count++;
    if (pending.length === RESULTS_BATCH) {
      await sendResults(pending);
      pending = [];
    }
  }
  await sendResults(pending);
  return count;
}

const page = globalThis as unknown as { posedynTrack: () => Promise<number>; posedynTrackerReady: Promise<void> };
page.posedynTrack = track;
page.posedynTrackerReady = tracker.then(() => undefined);
