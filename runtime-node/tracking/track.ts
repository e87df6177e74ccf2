// A talking-head video's face track and speech for a Node program: what `posedyn track` computes, without its
// files (one implementation: track-video.ts, used by the command and `dataset build` too). puppeteer-core
// loads only when a video is tracked (chromium-tracker.ts), so importing `posedyn/node` stays light.
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import type { FaceModel } from '../../talking-head/face/face-model.ts';
import { LandmarkFaceFit } from '../../talking-head/tracking/landmark-face-fit.ts';
import { ChromiumFaceTracker } from './chromium-tracker.ts';
import { probeVideo } from './ffmpeg.ts';
import { type TrackedVideo, type TrackVideoOptions, trackVideoFile } from './track-video.ts';

export type { TrackedVideo } from './track-video.ts';

export interface TrackOptions {
  /** the face model the coefficients are fitted with (default: the default face model, as `posedyn track`) */
  readonly faceModel?: FaceModel;
  /** a progress bar on stderr when it is a terminal */
  readonly progress?: boolean;
  /** Chromium's and MediaPipe's start-up lines; silent without */
  readonly log?: (line: string) => void;
  /** only these decoded frames (see TrackVideoOptions.range) */
  readonly range?: TrackVideoOptions['range'];
}

/**
 * Tracks one video file (mp4/webm/mov, any fps; decoded by Debian's ffmpeg, landmarks by MediaPipe Face Mesh in
 * headless Chromium): its FaceTrack at 30 fps (pose, landmarks, success, mouth opening, face coefficients) and
 * its speech at 16 kHz, or null when it has no sound. Throws for a file without a video stream or without a face.
 *
 * ```ts
 * import { trackVideo, faceTrackToJson } from 'posedyn/node';
 * const { track, speech } = await trackVideo('talk.mp4');
 * ```
 */
export async function trackVideo(file: string, options: TrackOptions = {}): Promise<TrackedVideo> {
  // A file that is no video is refused before Chromium starts.
  await probeVideo(file);
  const faceFit = new LandmarkFaceFit(options.faceModel ?? defaultFaceModel());
  const tracker = await ChromiumFaceTracker.launch({ log: options.log ?? (() => {}) });
  try {
    return await trackVideoFile(file, { tracker, faceFit, progress: options.progress ?? false, range: options.range });
  } finally {
    await tracker.close();
  }
}
