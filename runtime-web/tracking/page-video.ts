// Frames and sound of a video in the page, for the face tracker: a file's frames through a <video> element, the
// webcam's as they arrive, the file's speech through Web Audio. What follows the landmarks is
// talking-head/tracking/face-track.ts, as in Node.
//
// A file is sampled at the project's rate by seeking: step k seeks to the middle of [k, k + 1) / 30 s and the
// frame shown there is tracked with its own presentation time (requestVideoFrameCallback's mediaTime), so a
// 30 fps video gives each of its frames once, a 25 fps one each of its frames (some twice, as one frame), and
// assembleFaceTrack interpolates them to 30 fps exactly as it does ffmpeg's frames in Node. Measured in headless
// Chromium: the presented frame follows every seek (mediaTime and pixels change), about 20 ms a seek at 256 x 256.
import type { TrackedFrame } from '../../talking-head/tracking/tracked-frame.ts';
import { MODEL_SAMPLE_RATE } from '../../talking-head/audio/decode.ts';
import type { FaceMeshResult, FaceMeshTracker } from './face-mesh.ts';

export interface PageFrame {
  /** 0-based among the frames tracked */
  readonly index: number;
  /** the steps to go (a file) or null (the camera) */
  readonly total: number | null;
  readonly time: number;
  readonly result: FaceMeshResult;
}

export interface PageTracking {
  readonly frames: TrackedFrame[];
  /** seconds the frames cover */
  readonly duration: number;
}

const MEDIA_ERRORS: Record<number, string> = { 1: 'aborted', 2: 'network error', 3: 'decoding failed', 4: 'format or codec not supported' };

/** Waits for the video element's next presented frame; resolves with its media time, or null after `ms`. */
function presentedFrame(video: HTMLVideoElement, ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    video.requestVideoFrameCallback((_now, metadata) => {
      clearTimeout(timer);
      resolve(metadata.mediaTime);
    });
  });
}

/** Loads `url` into `video`; throws naming `name` when the browser cannot decode it. */
export async function loadVideo(video: HTMLVideoElement, url: string, name: string): Promise<void> {
  video.muted = true;
  video.playsInline = true;
  video.srcObject = null;
  video.src = url;
  await new Promise<void>((resolve, reject) => {
    video.onloadeddata = () => resolve();
    video.onerror = () => {
      const error = video.error;
      reject(new Error(`${name}: this browser cannot play the video (${error ? MEDIA_ERRORS[error.code] ?? `error ${error.code}` : 'unknown error'}${error?.message ? `: ${error.message}` : ''}); an H.264 mp4 or a VP8/VP9 webm plays everywhere`));
    };
  });
  if (!(video.duration > 0) || !Number.isFinite(video.duration)) throw new Error(`${name}: the video reports a duration of ${video.duration} s`);
  if (!video.videoWidth) throw new Error(`${name}: no video stream (the file has no picture)`);
}

/** Every frame of the file loaded in `video`, tracked in order; `onFrame` hears each. */
export async function trackVideoElement(video: HTMLVideoElement, tracker: FaceMeshTracker, fps: number, onFrame?: (frame: PageFrame) => void): Promise<PageTracking> {
  tracker.reset();
  const steps = Math.ceil(video.duration * fps - 1e-6);
  const frames: TrackedFrame[] = [];
  let lastTime = -1;
  for (let k = 0; k < steps; k++) {
    const target = (k + 0.5) / fps;
    if (target >= video.duration) break;
    const presented = presentedFrame(video, 1000);
    video.currentTime = target;
    await new Promise((resolve) => video.addEventListener('seeked', resolve, { once: true }));
    // The frame's own time; without a callback (a browser without requestVideoFrameCallback frames), the step's.
    const time = (await presented) ?? k / fps;
    if (time <= lastTime) continue;
    lastTime = time;
    const result = await tracker.track(video);
    frames.push({ time, face: result.face });
    onFrame?.({ index: frames.length - 1, total: steps, time, result });
  }
  return { frames, duration: video.duration };
}

/** The camera's frames as they come, tracked, until `stop()` says so or `maxSeconds` pass. */
export async function trackCamera(video: HTMLVideoElement, stream: MediaStream, tracker: FaceMeshTracker, options: { stop: () => boolean; maxSeconds: number; onFrame?: (frame: PageFrame) => void }): Promise<PageTracking> {
  tracker.reset();
  video.srcObject = stream;
  video.muted = true;
  await video.play();
  const frames: TrackedFrame[] = [];
  let first: number | null = null;
  let last = 0;
  while (!options.stop()) {
    const time = await presentedFrame(video, 2000);
    if (time === null) throw new Error('the camera delivered no frame for 2 s');
    first ??= time;
    const t = time - first;
    if (t > options.maxSeconds) break;
    if (frames.length > 0 && t <= last) continue;
    last = t;
    const result = await tracker.track(video);
    frames.push({ time: t, face: result.face });
    options.onFrame?.({ index: frames.length - 1, total: null, time: t, result });
  }
  video.pause();
  if (frames.length === 0) throw new Error('the camera was stopped before any frame was tracked');
  return { frames, duration: last + 1 / 30 };
}

/** The sound of a media file as mono samples at 16 kHz, or null when it has none the browser can decode. */
export async function decodeSpeech(bytes: Uint8Array): Promise<Float32Array | null> {
  const context = new OfflineAudioContext(1, 1, MODEL_SAMPLE_RATE);
  let audio: AudioBuffer;
  try {
    audio = await context.decodeAudioData(bytes.slice().buffer);
  } catch {
    return null;
  }
  const mono = new Float32Array(audio.length);
  for (let c = 0; c < audio.numberOfChannels; c++) {
    const channel = audio.getChannelData(c);
    for (let i = 0; i < mono.length; i++) mono[i]! += channel[i]! / audio.numberOfChannels;
  }
  return mono;
}
