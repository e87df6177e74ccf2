// From a head pose to the matrices the head shader places vertices with (column-major 4 x 4, world in cm):
//   head  = T((t - t_rest) * cm per translation unit) · R · S(cm per model unit),   R = Rz(roll) Ry(yaw) Rx(pitch)
//   torso = S(cm per model unit)
// posedyn's pose convention (talking-head/pose/pose-convention.ts): v' = R v + t. The rotation is drawn as
// generated; the translation relative to the rest pose, so the head stays in frame whatever camera the training
// data had (Deep3DFaceRecon places its camera at z = 10, OpenFace reports millimetres from the camera).
import { eulerToMatrix } from '../pose/pose-convention.ts';

/** Centimetres a unit of pose translation: 'bfm' (Deep3DFaceRecon's decimetres), 'mm', 'cm', 'm'. */
export function centimetresPerTranslationUnit(unit: string): number {
  const cm: Record<string, number> = { bfm: 10, dm: 10, mm: 0.1, cm: 1, m: 100 };
  const found = cm[unit];
  if (found === undefined) throw new RangeError(`pose translation unit '${unit}' unknown, expected one of ${Object.keys(cm).join(', ')}`);
  return found;
}

/**
 * Checkpoints do not record the translation unit of their poses; guessed from the rest pose: OpenFace tracks (mm)
 * put the head hundreds of millimetres from the camera, Deep3DFaceRecon poses keep tz near 0.
 */
export function guessTranslationUnit(rest: readonly number[]): 'mm' | 'bfm' {
  return Math.abs(rest[5] ?? 0) > 50 ? 'mm' : 'bfm';
}

/** The translation unit of a checkpoint's poses: recorded in training.poseUnit by posedyn's trainers, else guessed. */
export function checkpointTranslationUnit(training: { readonly [key: string]: unknown }, rest: readonly number[]): string {
  return typeof training.poseUnit === 'string' ? training.poseUnit : guessTranslationUnit(rest);
}

/** The pose drawn at `frame` of poses [frames, 6]: the rest pose plus `motionScale` times the motion about it. */
export function displayedPose(poses: ArrayLike<number>, frame: number, rest: readonly number[], motionScale: number): number[] {
  return Array.from({ length: 6 }, (_, k) => rest[k]! + motionScale * (poses[frame * 6 + k]! - rest[k]!));
}

export function headMatrix(pose: readonly number[], rest: readonly number[], cmPerTranslationUnit: number, cmPerModelUnit: number): Float32Array {
  const r = eulerToMatrix(pose[0]!, pose[1]!, pose[2]!);
  const m = new Float32Array(16);
  // column-major: element (row, col) at col * 4 + row; eulerToMatrix is row-major 3 x 3
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) m[col * 4 + row] = r[row * 3 + col]! * cmPerModelUnit;
    m[12 + row] = (pose[3 + row]! - rest[3 + row]!) * cmPerTranslationUnit;
  }
  m[15] = 1;
  return m;
}

export function torsoMatrix(cmPerModelUnit: number): Float32Array {
  const m = new Float32Array(16);
  m[0] = m[5] = m[10] = cmPerModelUnit;
  m[15] = 1;
  return m;
}
