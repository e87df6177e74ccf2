// The "track a face" panel: a dropped video file or the webcam tracked in the page by MediaPipe Face Mesh
// (runtime-web/tracking/), the landmarks drawn over the frames while it runs, then the face track's summary, its
// six pose channels and track.json for download (the same file `posedyn track` writes). The page hands the
// track to the head view (onTracked), and the personalise panel tracks its dropped videos through trackFile.
//
// For tests, <body> carries data-tracked (frames of the last track), data-tracked-faces (frames with a face)
// and data-tracked-source (its file name, or 'camera').
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import { type FaceTrack, assembleFaceTrack } from '../../talking-head/tracking/face-track.ts';
import { LandmarkFaceFit } from '../../talking-head/tracking/landmark-face-fit.ts';
import { faceTrackToJson } from '../../talking-head/tracking/track-format.ts';
import type { TrackedVideoClip } from '../../talking-head/data/clip-sources.ts';
import { FaceMeshTracker } from '../tracking/face-mesh.ts';
import { type PageFrame, trackCamera } from '../tracking/page-video.ts';
import { PROJECT_FPS, type PageTrackedVideo, trackVideoBytes } from '../tracking/track-in-page.ts';
import { acceptFiles, type PageFile } from './file-drop.ts';
import { drawLanes } from './line-plot.ts';

/** Where the page finds MediaPipe's files (runtime-web/build.mjs copies them to dist/face_mesh/). */
const FACE_MESH_URL = 'face_mesh/';
/** The longest camera recording, seconds. */
const CAMERA_SECONDS = 60;

export interface TrackElements {
  readonly drop: HTMLElement;
  readonly picker: HTMLInputElement;
  readonly camera: HTMLButtonElement;
  readonly video: HTMLVideoElement;
  readonly overlay: HTMLCanvasElement;
  readonly progress: HTMLProgressElement;
  readonly summary: HTMLElement;
  readonly plot: HTMLCanvasElement;
  readonly download: HTMLAnchorElement;
}

export interface TrackHooks {
  /** Runs work under the page's busy lock, reporting an error as `doing` failed. */
  readonly run: (doing: string, work: () => Promise<void>) => Promise<void>;
  /** A track is ready: the head view replays it. */
  readonly onTracked: (track: FaceTrack, speech: Float32Array | null, source: string) => Promise<void>;
}

export class TrackPanel {
  readonly #ui: TrackElements;
  readonly #hooks: TrackHooks;
  #tracker: Promise<FaceMeshTracker> | null = null;
  #faceFit: LandmarkFaceFit | null = null;
  #downloadUrl: string | null = null;
  #cameraStop: (() => void) | null = null;

  constructor(ui: TrackElements, hooks: TrackHooks) {
    this.#ui = ui;
    this.#hooks = hooks;
    acceptFiles(ui.drop, ui.picker, (files) => void this.#trackDropped(files));
    ui.camera.hidden = !navigator.mediaDevices?.getUserMedia;
    ui.camera.addEventListener('click', () => {
      if (this.#cameraStop) this.#cameraStop();
      else void this.#trackCamera();
    });
  }

  /** A video file tracked as the panel tracks it (drawn while it runs); for the personalise panel's videos. */
  async trackFile(file: PageFile): Promise<TrackedVideoClip> {
    const tracked = await this.#trackFile(file);
    return { track: tracked.track, speech: tracked.speech };
  }

  #prepare(): { tracker: Promise<FaceMeshTracker>; faceFit: LandmarkFaceFit } {
    this.#tracker ??= FaceMeshTracker.create(FACE_MESH_URL).catch((error: unknown) => {
      this.#tracker = null;
      throw error;
    });
    this.#faceFit ??= new LandmarkFaceFit(defaultFaceModel());
    return { tracker: this.#tracker, faceFit: this.#faceFit };
  }

  async #trackFile(file: PageFile): Promise<PageTrackedVideo> {
    const { tracker, faceFit } = this.#prepare();
    this.#ui.progress.value = 0;
    const tracked = await trackVideoBytes(file.bytes, file.name, this.#ui.video, await tracker, faceFit, (frame) => this.#drawFrame(frame));
    this.#show(tracked.track, file.name, tracked.seconds, tracked.speech);
    return tracked;
  }

  async #trackDropped(files: PageFile[]): Promise<void> {
    const file = files[0]!;
    await this.#hooks.run(`Tracking the face in ${file.name}`, async () => {
      const tracked = await this.#trackFile(file);
      await this.#hooks.onTracked(tracked.track, tracked.speech, file.name);
    });
  }

  async #trackCamera(): Promise<void> {
    await this.#hooks.run('Tracking the face in the camera', async () => {
      const { tracker, faceFit } = this.#prepare();
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
      let stopped = false;
      this.#cameraStop = () => (stopped = true);
      this.#ui.camera.textContent = 'Stop the camera';
      const started = performance.now();
      try {
        const { frames, duration } = await trackCamera(this.#ui.video, stream, await tracker, {
          stop: () => stopped, maxSeconds: CAMERA_SECONDS, onFrame: (frame) => this.#drawFrame(frame),
        });
        const track = assembleFaceTrack(frames, { duration, fps: PROJECT_FPS, faceFit, source: 'the camera' });
        this.#show(track, 'camera', (performance.now() - started) / 1000, null);
        await this.#hooks.onTracked(track, null, 'the camera');
      } finally {
        for (const t of stream.getTracks()) t.stop();
        this.#cameraStop = null;
        this.#ui.camera.textContent = 'Use the camera';
      }
    });
  }

  /** The current frame's landmarks over the video (image coordinates), and the progress. */
  #drawFrame(frame: PageFrame): void {
    const { video, overlay, progress } = this.#ui;
    if (overlay.width !== video.videoWidth || overlay.height !== video.videoHeight) {
      overlay.width = video.videoWidth;
      overlay.height = video.videoHeight;
    }
    const g = overlay.getContext('2d')!;
    g.clearRect(0, 0, overlay.width, overlay.height);
    const points = frame.result.imagePoints;
    g.fillStyle = points ? '#3cf0b0' : '#ff5050';
    if (points) {
      const r = Math.max(1.5, overlay.width / 200);
      for (let v = 0; v < points.length; v += 2) g.fillRect(points[v]! * overlay.width - r / 2, points[v + 1]! * overlay.height - r / 2, r, r);
    } else {
      g.font = `${Math.round(overlay.height / 12)}px system-ui, sans-serif`;
      g.fillText('no face', 8, overlay.height / 8);
    }
    if (frame.total) progress.value = (frame.index + 1) / frame.total;
  }

  #show(track: FaceTrack, source: string, seconds: number, speech: Float32Array | null): void {
    const s = track.summary;
    this.#ui.progress.value = 1;
    this.#ui.summary.textContent = [
      `${source}: ${s.trackedFrames} frames tracked in ${seconds.toFixed(1)} s (${(s.trackedFrames / seconds).toFixed(1)} frames/s), a face in ${s.framesWithFace}`,
      `${track.frames} frames at ${track.fps} frames/s, ${s.interpolated} filled by interpolation (longest gap ${s.longestGap})`,
      speech ? `speech: ${(speech.length / 16000).toFixed(2)} s` : 'no sound',
    ].join('\n');
    const degrees = 180 / Math.PI;
    const channel = (k: number, factor: number) => Float32Array.from({ length: track.frames }, (_, f) => factor * track.pose[f * 6 + k]!);
    drawLanes(this.#ui.plot, [
      { label: 'pitch', color: '#d9480f', values: channel(0, degrees), unit: '°' },
      { label: 'yaw', color: '#2b8a3e', values: channel(1, degrees), unit: '°' },
      { label: 'roll', color: '#1c7ed6', values: channel(2, degrees), unit: '°' },
      { label: 'tx', color: '#ae3ec9', values: channel(3, 1), unit: ' cm' },
      { label: 'ty', color: '#f08c00', values: channel(4, 1), unit: ' cm' },
      { label: 'tz', color: '#495057', values: channel(5, 1), unit: ' cm' },
      { label: 'mouth', color: '#c2255c', values: track.mouthOpening, unit: ' cm' },
    ], track.frames, null);
    if (this.#downloadUrl) URL.revokeObjectURL(this.#downloadUrl);
    this.#downloadUrl = URL.createObjectURL(new Blob([faceTrackToJson(track)], { type: 'application/json' }));
    this.#ui.download.href = this.#downloadUrl;
    this.#ui.download.hidden = false;
    const body = document.body.dataset;
    body.tracked = String(track.frames);
    body.trackedFaces = String(track.frames - s.interpolated);
    body.trackedSource = source;
  }
}
