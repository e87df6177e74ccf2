// From a generated pose to the matrix that places the face mesh: posedyn's convention (talking-head/pose), v' = R v + t
// with R = Rz(roll) Ry(yaw) Rx(pitch). The rotation is drawn as generated; the translation relative to the rest
// pose, so the head stays in view whatever camera the training data had.
import { mat4 } from 'gl-matrix';
import { eulerToMatrix } from '../../talking-head/pose/pose-convention.ts';

/**
 * Centimetres a unit of pose translation, guessed from the rest pose since checkpoints do not record the unit:
 * OpenFace tracks (mm) put the head hundreds of millimetres from the camera, Deep3DFaceRecon poses (decimetres,
 * camera at z = 10) keep tz near 0.
 */
export function centimetresPerTranslationUnit(rest: readonly number[]): number {
  return Math.abs(rest[5] ?? 0) > 50 ? 0.1 : 10;
}

/** The pose drawn at `frame` of poses [frames, 6]: the rest pose plus `motionScale` times the motion about it. */
export function displayedPose(poses: Float32Array, frame: number, rest: readonly number[], motionScale: number): number[] {
  return Array.from({ length: 6 }, (_, k) => rest[k]! + motionScale * (poses[frame * 6 + k]! - rest[k]!));
}

export function headModelMatrix(pose: readonly number[], rest: readonly number[], cmPerUnit: number): mat4 {
  const r = eulerToMatrix(pose[0]!, pose[1]!, pose[2]!);
  const m = mat4.create();
  // gl-matrix is column-major: element (row, col) at col * 4 + row; eulerToMatrix is row-major 3 x 3.
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) m[col * 4 + row] = r[row * 3 + col]!;
    m[12 + row] = (pose[3 + row]! - rest[3 + row]!) * cmPerUnit;
  }
  return m;
}
