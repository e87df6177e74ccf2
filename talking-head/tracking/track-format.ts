// track.json, what `posedyn track` writes (and the page offers for download): a face track (face-track.ts) as
// JSON with exactly these fields, in this order:
//   fps            30
//   frames         N
//   poseChannels   ["pitch", "yaw", "roll", "tx", "ty", "tz"]
//   poseUnits      { "angles": "radians", "translation": "cm" }
//   pose           N x 6: posedyn's convention (R = Rz Ry Rx as Deep3DFaceRecon), the rotation in Deep3DFaceRecon's
//                  head frame (head-frame-pose.ts), translation in cm with the camera at the origin (MediaPipe's
//                  metric camera space, 63 degree vertical field of view)
//   landmarks      N x 468 x 3: MediaPipe's canonical-mesh vertex order, cm, in the canonical face frame (MediaPipe's
//                  own pose removed: x toward the subject's left, y up, z out of the face; tracked-frame.ts). The
//                  pose's rotation differs from MediaPipe's by a few degrees, so R L + t is close to, not exactly,
//                  MediaPipe's metric mesh.
//   success        N booleans: false where no face was found and the frame was filled by interpolation
//   mouthOpening   N: the inner-lip gap between landmarks 13 and 14, cm
//   face           N x 144: alpha_id (80) then alpha_exp (64), fitted to the landmarks with the default face model
// Numbers carry 6 significant digits (landmarks 1e-5 cm at most, far below the tracker's jitter).
import { FACE_COEFFICIENTS } from '../face/face-model.ts';
import { FACE_TRACK_POSE_UNITS, type FaceTrack, POSE_CHANNEL_NAMES } from './face-track.ts';
import { LANDMARK_COUNT } from './landmarks.ts';

/** The parts of a face track that track.json holds. */
export type FaceTrackFile = Pick<FaceTrack, 'fps' | 'frames' | 'pose' | 'landmarks' | 'success' | 'mouthOpening' | 'face'>;

const round = (v: number) => Number(v.toPrecision(6));

function rowsText(values: Float32Array, width: number): string {
  const rows: string[] = [];
  for (let i = 0; i < values.length; i += width) rows.push(`[${Array.from(values.subarray(i, i + width), round).join(',')}]`);
  return `[\n    ${rows.join(',\n    ')}\n  ]`;
}

function landmarksText(values: Float32Array): string {
  const frames: string[] = [];
  const width = 3 * LANDMARK_COUNT;
  for (let i = 0; i < values.length; i += width) {
    const points: string[] = [];
    for (let v = i; v < i + width; v += 3) points.push(`[${round(values[v]!)},${round(values[v + 1]!)},${round(values[v + 2]!)}]`);
    frames.push(`[${points.join(',')}]`);
  }
  return `[\n    ${frames.join(',\n    ')}\n  ]`;
}

/** track.json's text: one frame a line for the arrays, the same track always gives the same bytes. */
export function faceTrackToJson(track: FaceTrackFile): string {
  return `{
  "fps": ${track.fps},
  "frames": ${track.frames},
  "poseChannels": ${JSON.stringify(POSE_CHANNEL_NAMES)},
  "poseUnits": ${JSON.stringify(FACE_TRACK_POSE_UNITS)},
  "pose": ${rowsText(track.pose, 6)},
  "landmarks": ${landmarksText(track.landmarks)},
  "success": [${Array.from(track.success, (s) => (s ? 'true' : 'false')).join(',')}],
  "mouthOpening": [${Array.from(track.mouthOpening, round).join(',')}],
  "face": ${rowsText(track.face, FACE_COEFFICIENTS)}
}
`;
}

function fail(source: string, field: string, value: unknown, expected: string): never {
  const shown = JSON.stringify(value);
  throw new RangeError(`${source}: field '${field}' is ${shown === undefined ? 'missing' : shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}, expected ${expected}`);
}

/** Flattens an array of `frames` rows of `shape` numbers, or throws naming the first bad element. */
function numbers(source: string, field: string, value: unknown, frames: number, shape: readonly number[]): Float32Array {
  const width = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(frames * width);
  let at = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length + 1) {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(source, path, v, 'a finite number');
      out[at++] = v as number;
      return;
    }
    const length = depth === 0 ? frames : shape[depth - 1]!;
    if (!Array.isArray(v) || v.length !== length) fail(source, path, v, `an array of ${length}${depth === 0 ? ' (frames)' : ''}`);
    (v as unknown[]).forEach((item, i) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, field);
  return out;
}

/** Parses and checks track.json; every error names the field and what was expected. */
export function parseFaceTrack(text: string, source = 'track.json'): FaceTrackFile {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) fail(source, '(root)', root, 'an object');
  const o = root as Record<string, unknown>;
  if (typeof o.fps !== 'number' || !(o.fps > 0)) fail(source, 'fps', o.fps, 'a frame rate > 0');
  if (typeof o.frames !== 'number' || !Number.isInteger(o.frames) || o.frames < 1) fail(source, 'frames', o.frames, 'an integer >= 1');
  const frames = o.frames as number;
  if (JSON.stringify(o.poseChannels) !== JSON.stringify(POSE_CHANNEL_NAMES)) fail(source, 'poseChannels', o.poseChannels, JSON.stringify(POSE_CHANNEL_NAMES));
  if (JSON.stringify(o.poseUnits) !== JSON.stringify(FACE_TRACK_POSE_UNITS)) fail(source, 'poseUnits', o.poseUnits, JSON.stringify(FACE_TRACK_POSE_UNITS));
  if (!Array.isArray(o.success) || o.success.length !== frames || o.success.some((s) => typeof s !== 'boolean')) fail(source, 'success', o.success, `${frames} booleans`);
  let mouth: Float32Array;
  if (!Array.isArray(o.mouthOpening) || o.mouthOpening.length !== frames) fail(source, 'mouthOpening', o.mouthOpening, `an array of ${frames} (frames)`);
  else mouth = Float32Array.from(o.mouthOpening as unknown[], (v, i) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(source, `mouthOpening[${i}]`, v, 'a distance >= 0 (cm)')));
  return {
    fps: o.fps as number,
    frames,
    pose: numbers(source, 'pose', o.pose, frames, [6]),
    landmarks: numbers(source, 'landmarks', o.landmarks, frames, [LANDMARK_COUNT, 3]),
    success: Uint8Array.from(o.success as boolean[], (s) => (s ? 1 : 0)),
    mouthOpening: mouth!,
    face: numbers(source, 'face', o.face, frames, [FACE_COEFFICIENTS]),
  };
}
