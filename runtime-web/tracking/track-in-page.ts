// A video file tracked in the page, end to end: frames (page-video.ts) -> MediaPipe (face-mesh.ts) -> the face
// track at 30 fps (talking-head/tracking/face-track.ts, the code `posedyn track` runs after its landmarks) and the
// file's speech. What the tracker panel shows and what a dropped video becomes for personalisation.
import { type FaceTrack, assembleFaceTrack } from '../../talking-head/tracking/face-track.ts';
import type { LandmarkFaceFit } from '../../talking-head/tracking/landmark-face-fit.ts';
import type { FaceMeshTracker } from './face-mesh.ts';
import { type PageFrame, decodeSpeech, loadVideo, trackVideoElement } from './page-video.ts';

export const PROJECT_FPS = 30;

export interface PageTrackedVideo {
  readonly track: FaceTrack;
  /** mono 16 kHz, or null when the file has no sound the browser can decode */
  readonly speech: Float32Array | null;
  readonly seconds: number;
}

export async function trackVideoBytes(
  bytes: Uint8Array, name: string, video: HTMLVideoElement, tracker: FaceMeshTracker, faceFit: LandmarkFaceFit, onFrame?: (frame: PageFrame) => void,
): Promise<PageTrackedVideo> {
  const started = performance.now();
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  try {
    await loadVideo(video, url, name);
    const { frames, duration } = await trackVideoElement(video, tracker, PROJECT_FPS, onFrame);
    const track = assembleFaceTrack(frames, { duration, fps: PROJECT_FPS, faceFit, source: name });
    return { track, speech: await decodeSpeech(bytes), seconds: (performance.now() - started) / 1000 };
  } finally {
    URL.revokeObjectURL(url);
  }
}
