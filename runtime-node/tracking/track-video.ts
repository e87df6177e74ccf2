// One video file -> its face track and speech: ffmpeg decodes (ffmpeg.ts), MediaPipe tracks in Chromium
// (chromium-tracker.ts), and talking-head/tracking/ makes the track, as the page does with its own frames.
import cliProgress from 'cli-progress';
import { MODEL_SAMPLE_RATE } from '../../talking-head/audio/decode.ts';
import { type FaceTrack, assembleFaceTrack } from '../../talking-head/tracking/face-track.ts';
import type { LandmarkFaceFit } from '../../talking-head/tracking/landmark-face-fit.ts';
import type { TrackedFrame } from '../../talking-head/tracking/tracked-frame.ts';
import type { ChromiumFaceTracker } from './chromium-tracker.ts';
import { type DecodedFrame, type VideoInfo, decodeFrames, decodeSpeech, probeVideo } from './ffmpeg.ts';

export interface TrackedVideo {
  readonly info: VideoInfo;
  readonly track: FaceTrack;
  /** MediaPipe's own output a video frame, before anything of posedyn (what the head-frame fit reads) */
  readonly frames: readonly TrackedFrame[];
  /** mono at 16 kHz, or null when the video has no sound */
  readonly speech: Float32Array | null;
  /** seconds spent tracking (decoding and MediaPipe) */
  readonly trackingSeconds: number;
}

export interface TrackVideoOptions {
  readonly tracker: ChromiumFaceTracker;
  readonly faceFit: LandmarkFaceFit;
  /** a progress bar on stderr when it is a terminal */
  readonly progress?: boolean;
  /**
   * Only these decoded frames (0-based, at the decode rate): the track starts at frame `from` (its time 0) and
   * holds `count` frames, or fewer at the video's end. The frames before are decoded and dropped, not tracked.
   */
  readonly range?: { readonly from: number; readonly count: number };
}

/** The frames of `range`, re-timed so that the first one is at time 0. */
async function* framesInRange(frames: AsyncGenerator<DecodedFrame>, range: { from: number; count: number }, fps: number): AsyncGenerator<DecodedFrame> {
  for await (const frame of frames) {
    if (frame.index < range.from) continue;
    if (frame.index >= range.from + range.count) return;
    const index = frame.index - range.from;
    yield { index, time: index / fps, pixels: frame.pixels };
  }
}

export async function trackVideoFile(file: string, options: TrackVideoOptions): Promise<TrackedVideo> {
  const info = await probeVideo(file);
  const range = options.range;
  if (range && !(Number.isInteger(range.from) && range.from >= 0 && Number.isInteger(range.count) && range.count >= 1)) {
    throw new RangeError(`${file}: frame range from ${range.from}, count ${range.count}; expected integers >= 0 and >= 1`);
  }
  const whole = Number.isFinite(info.duration) ? Math.max(1, Math.round(info.duration * info.decodeFps)) : 0;
  const expected = range ? Math.min(range.count, Math.max(0, whole - range.from)) : whole;
  const bar = options.progress && process.stderr.isTTY && expected > 0
    ? new cliProgress.SingleBar({ format: 'tracking [{bar}] {value}/{total} frames | {speed} frames/s', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : null;
  const started = performance.now();
  bar?.start(expected, 0, { speed: '-' });
  let tracked;
  try {
    const frames = range ? framesInRange(decodeFrames(info), range, info.decodeFps) : decodeFrames(info);
    tracked = await options.tracker.track(info, frames, (n) => {
      bar?.setTotal(Math.max(expected, n));
      bar?.update(n, { speed: (n / ((performance.now() - started) / 1000)).toFixed(1) });
    });
  } finally {
    bar?.stop();
  }
  const trackingSeconds = (performance.now() - started) / 1000;
  if (range && tracked.length === 0) throw new RangeError(`${file}: no frames in the range from frame ${range.from} (${range.count} frames): the video is shorter`);
  const track = assembleFaceTrack(tracked, { duration: tracked.length / info.decodeFps, faceFit: options.faceFit, source: file });
  // A range's sound would need cutting as well; nobody asks for it.
  const speech = info.hasAudio && !range ? await decodeSpeech(file, MODEL_SAMPLE_RATE) : null;
  return { info, track, frames: tracked, speech, trackingSeconds };
}

/** The lines `posedyn track` prints about a tracked video. */
export function describeTrackedVideo(video: TrackedVideo): string[] {
  const { info, track, speech } = video;
  const s = track.summary;
  return [
    `${info.file}: ${info.codec} ${info.width} x ${info.height}, ${info.fps.toFixed(2)} frames/s (decoded at ${info.decodeFps.toFixed(2)}), ${s.duration.toFixed(2)} s, ${speech ? 'with sound' : 'no sound'}`,
    `  ${s.trackedFrames} video frames tracked in ${video.trackingSeconds.toFixed(1)} s (${(s.trackedFrames / video.trackingSeconds).toFixed(1)} frames/s), a face in ${s.framesWithFace}`,
    `  ${track.frames} frames at ${track.fps} frames/s: ${track.frames - s.interpolated} with a face, ${s.interpolated} filled by interpolation (longest gap ${s.longestGap} frames)`,
    `  face coefficients fitted with ${track.faceModelName}`,
  ];
}
