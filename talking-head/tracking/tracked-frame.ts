// What the face tracker gives for one decoded video frame, before anything of posedyn is computed from it, and
// the byte layout in which a tracker page hands such frames to its driver (Chromium -> Node).
//
// The tracker is MediaPipe Face Mesh with its face-geometry module (runtime-web/tracking/face-mesh.ts). For a
// frame with a face it gives
//   landmarks   468 x 3, MediaPipe's canonical-mesh vertex order (the order of talking-head/face/canonical-mesh.ts),
//               in centimetres in the *canonical face frame*: MediaPipe reconstructs the face in a metric camera
//               space (a perspective camera with a 63 degree vertical field of view at the origin, looking down
//               -z, y up) and then removes the head pose, so these are the face's own shape and expression:
//               x toward the subject's left, y up, z out of the face, the frame of the canonical mesh. (Measured
//               on the styletalk crops: 0.36 cm mean distance from the canonical mesh's vertices.)
//   poseMatrix  4 x 4, row-major: the rigid transform from that canonical face frame into the metric camera
//               space, v_camera = R v + t (t in cm). It is the pose of posedyn's convention (pose-convention.ts:
//               x right, y up, z toward the camera, R = Rz Ry Rx), see pose-from-geometry.ts.
import { LANDMARK_COUNT } from './landmarks.ts';

export interface TrackedFace {
  /** [468 * 3] cm, canonical face frame (pose removed) */
  readonly landmarks: Float32Array;
  /** [16] row-major 4 x 4, canonical face frame -> metric camera space (cm) */
  readonly poseMatrix: Float64Array;
}

export interface TrackedFrame {
  /** the frame's presentation time in seconds from the start of the video */
  readonly time: number;
  /** null where the tracker found no face */
  readonly face: TrackedFace | null;
}

/** Float32 values a frame in the transport layout: found (0 / 1), time, 16 matrix values, 468 x 3 landmarks. */
export const TRACKED_FRAME_VALUES = 2 + 16 + LANDMARK_COUNT * 3;

/** Frames -> one Float32Array of TRACKED_FRAME_VALUES a frame (a face's absence is written as zeros). */
export function encodeTrackedFrames(frames: readonly TrackedFrame[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(frames.length * TRACKED_FRAME_VALUES);
  frames.forEach((frame, i) => {
    const at = i * TRACKED_FRAME_VALUES;
    out[at + 1] = frame.time;
    if (!frame.face) return;
    out[at] = 1;
    out.set(frame.face.poseMatrix, at + 2);
    out.set(frame.face.landmarks, at + 18);
  });
  return out;
}

/** The inverse of encodeTrackedFrames; `source` names the sender in errors. */
export function decodeTrackedFrames(values: Float32Array, source: string): TrackedFrame[] {
  if (values.length % TRACKED_FRAME_VALUES !== 0) {
    throw new RangeError(`${source}: ${values.length} values, expected a multiple of ${TRACKED_FRAME_VALUES} (found, time, 16 matrix values, ${LANDMARK_COUNT} x 3 landmarks a frame)`);
  }
  const frames: TrackedFrame[] = [];
  for (let at = 0; at < values.length; at += TRACKED_FRAME_VALUES) {
    const found = values[at]!;
    const time = values[at + 1]!;
    if ((found !== 0 && found !== 1) || !Number.isFinite(time)) throw new RangeError(`${source}: frame ${frames.length} has found = ${found} and time = ${time}, expected 0 or 1 and a finite time`);
    frames.push({
      time,
      face: found ? { poseMatrix: Float64Array.from(values.subarray(at + 2, at + 18)), landmarks: values.slice(at + 18, at + TRACKED_FRAME_VALUES) } : null,
    });
  }
  return frames;
}
