// A video's tracked frames -> posedyn's face track at the project's frame rate: head pose, landmarks, mouth
// opening and face coefficients a frame. The one implementation after the landmarks, for the CLI
// (`posedyn track`, frames decoded by ffmpeg and tracked in Chromium) and the page (frames of a dropped file or
// the webcam, tracked in the page).
//
//   1. Frames are put in time order (duplicates of one presentation time, as seeking a <video> gives, are one
//      frame). A frame whose tracker found no face is filled as the OpenFace reader fills invalid rows
//      (talking-head/formats/openface-csv.ts): linear interpolation between the nearest frames with a face,
//      here over time, and the nearest such frame before the first and after the last. Euler angles are
//      unwrapped along time first, so no interpolation crosses a 2 pi jump.
//   2. Resampling to `fps` (30): output frame k is the video at t = k / fps, linearly interpolated between the
//      two tracked frames around t (the last frame held at the end); its `success` is false when either of those
//      frames had no face. A 30 fps video's frames pass unchanged; a 25 fps video's are interpolated.
//   3. Per output frame: the pose, the landmarks (cm, canonical face frame, tracked-frame.ts), the inner-lip gap
//      (landmarks.ts) and the face coefficients fitted to the landmarks with the given face model
//      (landmark-face-fit.ts). The pose is computed per tracked frame, before resampling: its rotation is the
//      head-frame rotation of the tracker's rotation and landmarks (head-frame-pose.ts: Deep3DFaceRecon's head
//      frame, the frame of the training data's poses), its translation the face-geometry matrix's (cm, camera at
//      the origin; pose-convention.ts fromFaceGeometry). `headPose: null` keeps MediaPipe's own rotation.
import { FACE_COEFFICIENTS } from '../face/face-model.ts';
import { POSE_CHANNEL_NAMES, fromFaceGeometry } from '../pose/pose-convention.ts';
import { defaultHeadFramePose } from './default-head-frame-pose.ts';
import type { HeadFramePose } from './head-frame-pose.ts';
import { LandmarkFaceFit } from './landmark-face-fit.ts';
import { LANDMARK_COUNT, mouthOpening } from './landmarks.ts';
import type { TrackedFrame } from './tracked-frame.ts';

export { POSE_CHANNEL_NAMES };
export const FACE_TRACK_POSE_UNITS = { angles: 'radians', translation: 'cm' } as const;

export interface FaceTrack {
  readonly fps: number;
  readonly frames: number;
  /** [frames, 6] pitch, yaw, roll (radians, R = Rz Ry Rx, the head frame of `headPoseName`), tx, ty, tz (cm, camera at the origin) */
  readonly pose: Float32Array;
  /** [frames, 468, 3] cm, canonical face frame, MediaPipe's canonical-mesh vertex order */
  readonly landmarks: Float32Array;
  /** [frames] 1 where the tracker found a face, 0 where the frame was filled by interpolation */
  readonly success: Uint8Array;
  /** [frames] inner-lip gap (landmarks 13-14), cm */
  readonly mouthOpening: Float32Array;
  /** [frames, 144] alpha_id (80) then alpha_exp (64) of `faceModelName` */
  readonly face: Float32Array;
  readonly faceModelName: string;
  /** the head-frame readout that gave the rotations, or 'mediapipe' for the tracker's own */
  readonly headPoseName: string;
  readonly summary: FaceTrackSummary;
}

export interface FaceTrackSummary {
  /** frames the tracker saw (decoded frames, before resampling) and those with a face */
  readonly trackedFrames: number;
  readonly framesWithFace: number;
  /** output frames filled by interpolation (success false) */
  readonly interpolated: number;
  /** the longest run of output frames without a face */
  readonly longestGap: number;
  /** seconds covered */
  readonly duration: number;
}

export class NoFaceError extends Error {
  override name = 'NoFaceError';
}

export interface AssembleOptions {
  /** the video's duration in seconds: output frames = round(duration * fps), halves up, as the audio's */
  readonly duration: number;
  readonly fps?: number;
  readonly faceFit: LandmarkFaceFit;
  /** the rotation's head frame: the shipped readout (defaultHeadFramePose) when absent; null keeps MediaPipe's rotation */
  readonly headPose?: HeadFramePose | null;
  /** names the video in errors */
  readonly source: string;
}

const LANDMARK_VALUES = 3 * LANDMARK_COUNT;
/** Seconds within which a frame's time counts as the output time itself (frame times travel as float32). */
const TIME_TOLERANCE = 1e-4;

/** Output frames for a duration: round(duration * fps), halves up (talking-head/features/framing.ts does the same for audio). */
export function trackFrameCount(duration: number, fps: number): number {
  return Math.floor(duration * fps + 0.5 + 1e-9);
}

export function assembleFaceTrack(tracked: readonly TrackedFrame[], options: AssembleOptions): FaceTrack {
  const fps = options.fps ?? 30;
  if (!(options.duration > 0)) throw new RangeError(`${options.source}: duration ${options.duration} s, expected > 0`);
  const frames = [...tracked].sort((a, b) => a.time - b.time).filter((f, i, all) => i === 0 || f.time > all[i - 1]!.time);
  const withFace = frames.filter((f) => f.face !== null).length;
  if (withFace === 0) throw new NoFaceError(`${options.source}: no face found in any of its ${frames.length} frames (expected a video of one person's face)`);

  // 1. native frames: pose (angles unwrapped) and landmarks, gaps filled
  const n = frames.length;
  const times = Float64Array.from(frames, (f) => f.time);
  const found = Uint8Array.from(frames, (f) => (f.face ? 1 : 0));
  const pose = new Float64Array(n * 6);
  const landmarks = new Float32Array(n * LANDMARK_VALUES);
  const headPose = options.headPose === undefined ? defaultHeadFramePose() : options.headPose;
  frames.forEach((f, i) => {
    if (!f.face) return;
    // fromFaceGeometry checks that the matrix is rigid (and is the pose when no head frame is asked for)
    const geometry = fromFaceGeometry(f.face.poseMatrix).values;
    pose.set(headPose ? headPose.pose(f.face.poseMatrix, f.face.landmarks) : geometry, i * 6);
    landmarks.set(f.face.landmarks, i * LANDMARK_VALUES);
  });
  unwrapFoundAngles(pose, found);
  fillGaps(pose, 6, found, times);
  fillGaps(landmarks, LANDMARK_VALUES, found, times);

  // 2. resample to fps; 3. measures per output frame
  const count = trackFrameCount(options.duration, fps);
  const out = {
    pose: new Float32Array(count * 6),
    landmarks: new Float32Array(count * LANDMARK_VALUES),
    success: new Uint8Array(count),
    mouthOpening: new Float32Array(count),
    face: new Float32Array(count * FACE_COEFFICIENTS),
  };
  let j = 0;
  for (let k = 0; k < count; k++) {
    const t = k / fps;
    while (j + 1 < n && times[j + 1]! <= t + TIME_TOLERANCE) j++;
    const next = Math.min(j + 1, n - 1);
    const raw = next === j ? 0 : (t - times[j]!) / (times[next]! - times[j]!);
    const w = raw * (times[next]! - times[j]!) <= TIME_TOLERANCE ? 0 : Math.min(1, raw);
    for (let c = 0; c < 6; c++) out.pose[k * 6 + c] = (1 - w) * pose[j * 6 + c]! + w * pose[next * 6 + c]!;
    const a = j * LANDMARK_VALUES;
    const b = next * LANDMARK_VALUES;
    const o = k * LANDMARK_VALUES;
    for (let r = 0; r < LANDMARK_VALUES; r++) out.landmarks[o + r] = (1 - w) * landmarks[a + r]! + w * landmarks[b + r]!;
    out.success[k] = found[j]! && (w === 0 || found[next]!) ? 1 : 0;
    out.mouthOpening[k] = mouthOpening(out.landmarks, o);
    options.faceFit.fit(out.landmarks, o, out.face, k * FACE_COEFFICIENTS);
  }

  let gap = 0;
  let longestGap = 0;
  for (const s of out.success) {
    gap = s ? 0 : gap + 1;
    longestGap = Math.max(longestGap, gap);
  }
  return {
    fps,
    frames: count,
    ...out,
    faceModelName: options.faceFit.model.name,
    headPoseName: headPose?.name ?? 'mediapipe',
    summary: {
      trackedFrames: n, framesWithFace: withFace, interpolated: count - out.success.reduce((s, v) => s + v, 0), longestGap, duration: options.duration,
    },
  };
}

/** Unwraps channels 0..2 (angles) of [n, 6] along the frames with a face, so no step between them exceeds pi. */
function unwrapFoundAngles(pose: Float64Array, found: Uint8Array): void {
  let previous = -1;
  for (let i = 0; i < found.length; i++) {
    if (!found[i]) continue;
    if (previous >= 0) {
      for (let c = 0; c < 3; c++) {
        const step = pose[i * 6 + c]! - pose[previous * 6 + c]!;
        pose[i * 6 + c]! -= 2 * Math.PI * Math.round(step / (2 * Math.PI));
      }
    }
    previous = i;
  }
}

/** Linear interpolation over time of the rows of [n, width] without a face; the nearest row with one at the ends. */
function fillGaps(values: Float32Array | Float64Array, width: number, found: Uint8Array, times: Float64Array): void {
  const n = found.length;
  let previous = -1;
  for (let r = 0; r <= n; r++) {
    if (r < n && !found[r]) continue;
    for (let gap = previous + 1; gap < r; gap++) {
      const from = previous < 0 ? r : previous;
      const to = r === n ? previous : r;
      const w = from === to ? 0 : (times[gap]! - times[from]!) / (times[to]! - times[from]!);
      for (let c = 0; c < width; c++) values[gap * width + c] = (1 - w) * values[from * width + c]! + w * values[to * width + c]!;
    }
    previous = r;
  }
}
