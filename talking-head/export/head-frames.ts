// Frames as data for game engines and scenes: per frame the head's rotation as a unit quaternion and its
// translation in glTF's frame, and the mouth opening. These are what result.json adds (`headRotation`,
// `headTranslation`, `mouthOpening`), what the GLB's animation holds, and what the page hands to a callback
// during playback. docs/output-format.md explains every field.
//
// Frames. posedyn's pose convention (talking-head/pose/pose-convention.ts) is x right, y up, z toward the
// camera, the face looking along +z, v' = R v + t with R = Rz(roll) Ry(yaw) Rx(pitch). glTF 2.0 is y up,
// right-handed, the front of an asset facing +z: the same axes, so no change of basis is needed. Then
//   rotation q = q_z(roll) * q_y(yaw) * q_x(pitch)     (Hamilton product; glTF order x, y, z, w; w >= 0 at frame 0,
//                                                      each next frame on the same side as the one before)
//   translation = (t - t_rest) * metres per pose unit   (relative to the rest pose, metres)
// The rest translation is reported apart (`restTranslation`, metres, the pose's own camera frame).
import { mouthOpening } from '../face/mouth-opening.ts';
import type { FaceModel } from '../face/face-model.ts';

export interface HeadFrames {
  readonly fps: number;
  readonly frames: number;
  /** Shape `[frames, 4]`: x, y, z, w (glTF's order), unit length */
  readonly rotation: Float32Array;
  /** Shape `[frames, 3]`: metres, glTF frame, relative to the rest pose */
  readonly translation: Float32Array;
  /** the rest pose's translation, metres */
  readonly restTranslation: readonly [number, number, number];
  /** Shape `[frames]`: inner-lip gap (MediaPipe 13-14), cm; null when the face model is not on MediaPipe's mesh */
  readonly mouthOpening: Float32Array | null;
}

/** Metres a unit of pose translation: 'bfm' (Deep3DFaceRecon's model units: decimetres), 'dm', 'mm', 'cm', 'm'. */
export function metresPerTranslationUnit(unit: string): number {
  const metres: Record<string, number> = { bfm: 0.1, dm: 0.1, mm: 0.001, cm: 0.01, m: 1 };
  const found = metres[unit];
  if (found === undefined) throw new RangeError(`pose translation unit '${unit}' unknown, expected one of ${Object.keys(metres).join(', ')}`);
  return found;
}

/** The unit quaternion [x, y, z, w] of R = Rz(roll) Ry(yaw) Rx(pitch). */
export function quaternionFromEuler(pitch: number, yaw: number, roll: number): [number, number, number, number] {
  const [cx, sx] = [Math.cos(pitch / 2), Math.sin(pitch / 2)];
  const [cy, sy] = [Math.cos(yaw / 2), Math.sin(yaw / 2)];
  const [cz, sz] = [Math.cos(roll / 2), Math.sin(roll / 2)];
  // q_z * q_y * q_x with q_x = (sx, 0, 0, cx), q_y = (0, sy, 0, cy), q_z = (0, 0, sz, cz)
  return [
    cz * cy * sx - sz * sy * cx,
    cz * sy * cx + sz * cy * sx,
    sz * cy * cx - cz * sy * sx,
    cz * cy * cx + sz * sy * sx,
  ];
}

export interface HeadFramesInput {
  readonly fps: number;
  /** Shape `[frames, 6]`: pitch, yaw, roll (rad), tx, ty, tz (translationUnit) */
  readonly pose: ArrayLike<number>;
  readonly translationUnit: string;
  /** the rest pose (6 values); its translation is the origin of `translation` */
  readonly rest: readonly number[];
  /** [frames, 144] */
  readonly face: ArrayLike<number>;
}

export function headFrames(input: HeadFramesInput, model: FaceModel): HeadFrames {
  const frames = input.pose.length / 6;
  if (!Number.isInteger(frames)) throw new RangeError(`headFrames: ${input.pose.length} pose values, not a multiple of 6`);
  if (input.face.length !== frames * 144) throw new RangeError(`headFrames: ${input.face.length} face coefficients for ${frames} frames, expected ${frames} x 144`);
  if (input.rest.length !== 6) throw new RangeError(`headFrames: rest pose has ${input.rest.length} values, expected 6`);
  const metres = metresPerTranslationUnit(input.translationUnit);
  const rotation = new Float32Array(frames * 4);
  const translation = new Float32Array(frames * 3);
  let previous = [0, 0, 0, 1];
  for (let f = 0; f < frames; f++) {
    const p = (k: number) => input.pose[f * 6 + k]!;
    let q = quaternionFromEuler(p(0), p(1), p(2));
    const same = q[0] * previous[0]! + q[1] * previous[1]! + q[2] * previous[2]! + q[3] * previous[3]!;
    if (same < 0) q = [-q[0], -q[1], -q[2], -q[3]];
    rotation.set(q, f * 4);
    previous = q;
    for (let k = 0; k < 3; k++) translation[f * 3 + k] = (p(3 + k) - input.rest[3 + k]!) * metres;
  }
  const opening = mouthOpening(model, input.face);
  return {
    fps: input.fps, frames, rotation, translation,
    restTranslation: [input.rest[3]! * metres, input.rest[4]! * metres, input.rest[5]! * metres],
    mouthOpening: opening ? Float32Array.from(opening) : null,
  };
}

/** Mean pose over frames: the rest pose of a clip that has none of its own (a tracked video, a coefficient file). */
export function meanPose(pose: ArrayLike<number>): number[] {
  const frames = pose.length / 6;
  const mean = [0, 0, 0, 0, 0, 0];
  for (let f = 0; f < frames; f++) for (let k = 0; k < 6; k++) mean[k]! += pose[f * 6 + k]! / frames;
  return mean;
}
