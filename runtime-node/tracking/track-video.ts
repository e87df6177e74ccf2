// One video file -> its face track and speech: ffmpeg decodes (ffmpeg.ts), MediaPipe tracks in Chromium
// (chromium-tracker.ts), and talking-head/tracking/ makes the track, as the page does with its own frames.
import cliProgress from 'cli-progress';
import { MODEL_SAMPLE_RATE } from '../../talking-head/audio/decode.ts';
import { type FaceTrack, assembleFaceTrack } from '../../talking-head/tracking/face-track.ts';
import type { LandmarkFaceFit } from '../../talking-head/tracking/landmark-face-fit.ts';
import type { ChromiumFaceTracker } from './chromium-tracker.ts';
import { type VideoInfo, decodeFrames, decodeSpeech, probeVideo } from './ffmpeg.ts';

export interface TrackedVideo {
  readonly info: VideoInfo;
  readonly track: FaceTrack;
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
}

export async function trackVideoFile(file: string, options: TrackVideoOptions): Promise<TrackedVideo> {
  const info = await probeVideo(file);
  const expected = Number.isFinite(info.duration) ? Math.max(1, Math.round(info.duration * info.decodeFps)) : 0;
  const bar = options.progress && process.stderr.isTTY && expected > 0
    ? new cliProgress.SingleBar({ format: 'tracking [{bar}] {value}/{total} frames | {speed} frames/s', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : null;
  const started = performance.now();
  bar?.start(expected, 0, { speed: '-' });
  let tracked;
  try {
    tracked = await options.tracker.track(info, decodeFrames(info), (n) => {
      bar?.setTotal(Math.max(expected, n));
      bar?.update(n, { speed: (n / ((performance.now() - started) / 1000)).toFixed(1) });
    });
  } finally {
    bar?.stop();
  }
  const trackingSeconds = (performance.now() - started) / 1000;
  const track = assembleFaceTrack(tracked, { duration: tracked.length / info.decodeFps, faceFit: options.faceFit, source: file });
  const speech = info.hasAudio ? await decodeSpeech(file, MODEL_SAMPLE_RATE) : null;
  return { info, track, speech, trackingSeconds };
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
