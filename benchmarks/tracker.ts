// The face tracker's speed (`posedyn track`: ffmpeg's raw RGBA frames over HTTP to MediaPipe Face Mesh in headless
// Chromium, then talking-head/tracking/), frames a second per variant and as a ratio to the shipped one:
//   shipped        CPU inference (WebAssembly, XNNPACK), frames at the video's size
//   half size      CPU inference, frames decoded at half the size (less to move and upload; a smaller face)
//   WebGL          the package's default GPU inference, which in headless Chromium without a GPU is SwiftShader
// and, for the shipped variant, what assembling the track costs (pose, interpolation, mouth, face fit) a frame.
// Chromium starts once a variant, outside the timing.
//
// Usage: node --import ./runtime-node/register.mjs benchmarks/tracker.ts --video FILE [--video FILE ...] [--frames N]
//   --frames   frames tracked a variant and video (default 300; the WebGL variant at most 120: it is slow)
// The machine is shared: the load average is printed; compare ratios within one run.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { defaultFaceModel } from '../talking-head/face/default-face-model.ts';
import { assembleFaceTrack } from '../talking-head/tracking/face-track.ts';
import { LandmarkFaceFit } from '../talking-head/tracking/landmark-face-fit.ts';
import { ChromiumFaceTracker } from '../runtime-node/tracking/chromium-tracker.ts';
import { type DecodedFrame, type VideoInfo, decodeFrames, probeVideo } from '../runtime-node/tracking/ffmpeg.ts';

interface Variant {
  readonly name: string;
  readonly faceMeshOptions?: Record<string, unknown>;
  /** frames decoded at this fraction of the video's size */
  readonly scale: number;
  readonly maxFrames?: number;
}

const VARIANTS: readonly Variant[] = [
  { name: 'shipped (CPU inference)', scale: 1 },
  { name: 'half size (CPU inference)', scale: 0.5 },
  { name: 'WebGL inference', faceMeshOptions: { useCpuInference: false }, scale: 1, maxFrames: 120 },
];

async function* firstFrames(frames: AsyncGenerator<DecodedFrame>, count: number): AsyncGenerator<DecodedFrame> {
  try {
    for await (const frame of frames) {
      if (frame.index >= count) return;
      yield frame;
    }
  } finally {
    await frames.return(undefined);
  }
}

const { values } = parseArgs({ options: { video: { type: 'string', multiple: true }, frames: { type: 'string', default: '300' } } });
const videos = values.video ?? [];
if (videos.length === 0) {
  process.stderr.write('usage: benchmarks/tracker.ts --video FILE [--video FILE ...] [--frames N]\n');
  process.exit(2);
}
const frameBudget = Number(values.frames);
const faceFit = new LandmarkFaceFit(defaultFaceModel());
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`load average at start: ${load()}`);
const rows: { video: string; variant: string; size: string; frames: number; fps: number; assemblyMs: number | null }[] = [];
for (const variant of VARIANTS) {
  const tracker = await ChromiumFaceTracker.launch({ faceMeshOptions: variant.faceMeshOptions });
  try {
    for (const file of videos) {
      const full = await probeVideo(file);
      const info: VideoInfo = variant.scale === 1 ? full : await probeVideo(file, Math.max(full.width, full.height) * variant.scale);
      const count = Math.min(frameBudget, variant.maxFrames ?? Infinity);
      const started = performance.now();
      const tracked = await tracker.track(info, firstFrames(decodeFrames(info), count));
      const seconds = (performance.now() - started) / 1000;
      let assemblyMs: number | null = null;
      if (variant.scale === 1 && !variant.faceMeshOptions) {
        const t = performance.now();
        const track = assembleFaceTrack(tracked, { duration: tracked.length / info.decodeFps, faceFit, source: file });
        assemblyMs = (performance.now() - t) / track.frames;
      }
      rows.push({ video: file.split('/').at(-1)!, variant: variant.name, size: `${info.width}x${info.height}`, frames: tracked.length, fps: tracked.length / seconds, assemblyMs });
      console.error(`${variant.name}, ${file}: ${tracked.length} frames in ${seconds.toFixed(1)} s`);
    }
  } finally {
    await tracker.close();
  }
}
console.log(`load average at end: ${load()}`);
console.log(`${'video'.padEnd(36)} ${'variant'.padEnd(26)} ${'size'.padStart(9)} ${'frames'.padStart(6)} ${'frames/s'.padStart(9)} ${'vs shipped'.padStart(10)} ${'assembly ms/frame'.padStart(18)}`);
for (const row of rows) {
  const shipped = rows.find((r) => r.video === row.video && r.variant === VARIANTS[0]!.name)!;
  console.log(`${row.video.padEnd(36)} ${row.variant.padEnd(26)} ${row.size.padStart(9)} ${String(row.frames).padStart(6)} ${row.fps.toFixed(1).padStart(9)} ${(row.fps / shipped.fps).toFixed(2).padStart(10)} ${(row.assemblyMs === null ? '' : row.assemblyMs.toFixed(2)).padStart(18)}`);
}
