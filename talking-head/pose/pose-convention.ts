// posedyn's one head-pose convention, and conversions into it.
//
//   p = [pitch, yaw, roll, tx, ty, tz]
//   - angles in radians; the rotation applied to column vectors is R = Rz(roll) · Ry(yaw) · Rx(pitch), with
//       Rx(a) = [[1, 0, 0], [0, cos a, -sin a], [0, sin a, cos a]]
//       Ry(b) = [[cos b, 0, sin b], [0, 1, 0], [-sin b, 0, cos b]]
//       Rz(c) = [[cos c, -sin c, 0], [sin c, cos c, 0], [0, 0, 1]]
//   - frame: x right, y up, z toward the camera (the BFM / Deep3DFaceRecon model frame); a posed vertex is
//     v' = R v + t
//   - translation unit recorded with the pose: 'bfm' (Deep3DFaceRecon units, decimetres, camera at z = 10), 'mm'
//     (OpenFace, camera at the origin) or 'cm' (MediaPipe's face geometry, camera at the origin).
//
// Deep3DFaceRecon (bfm.py, ParametricFaceModel.compute_rotation) builds rot_x, rot_y, rot_z exactly as
// above from angles (x, y, z) = coeff[224:227] and returns (rot_z @ rot_y @ rot_x).T, which it applies to row
// vectors: face_shape @ rot + trans = (Rz Ry Rx · v)^T + t. So its angles and trans are posedyn's as they are.
//
// OpenFace 2.x (Utilities::Euler2RotationMatrix) uses R_of = Rx(pose_Rx) · Ry(pose_Ry) · Rz(pose_Rz) in a camera
// frame with x right, y down, z forward (away from the camera), translation in mm. The frames differ by
// F = diag(1, -1, -1) (a half-turn about x, so F = F^-1 = F^T): R' = F R_of F, t' = F t, and the Euler angles are
// re-extracted from R' in posedyn's z-y-x order.
//
// MediaPipe's face geometry (the tracker, talking-head/tracking/) gives a 4 x 4 pose transform from its canonical
// face frame (x toward the subject's left, i.e. the viewer's right, y up, z out of the face) into a metric camera
// space (camera at the origin looking down -z, y up, x right; OpenGL's convention), in cm: v' = R v + t in
// posedyn's axes already, so its angles are matrixToEuler(R) and t its last column (fromFaceGeometry).

/** The six pose channels in their order: p = [pitch, yaw, roll, tx, ty, tz]. */
export const POSE_CHANNEL_NAMES = ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz'] as const;

/** 3 x 3 matrix, row-major */
export type Mat3 = Float64Array;

export type TranslationUnit = 'bfm' | 'mm' | 'cm';

export const TRANSLATION_UNITS: readonly TranslationUnit[] = ['bfm', 'mm', 'cm'];

/** Centimetres a unit: Deep3DFaceRecon's BFM is stored in decimetres (talking-head/face/bfm-face-model.ts). */
export const CENTIMETRES_PER_UNIT: Readonly<Record<TranslationUnit, number>> = { bfm: 10, mm: 0.1, cm: 1 };

export interface HeadPose {
  /** [pitch, yaw, roll, tx, ty, tz] */
  readonly values: Float64Array;
  readonly unit: TranslationUnit;
}

/** Column ranges [start, end) of a Deep3DFaceRecon coefficient vector (257 values a frame). */
export const deep3dCoeffColumns = {
  id: [0, 80],
  exp: [80, 144],
  tex: [144, 224],
  angles: [224, 227],
  gamma: [227, 254],
  trans: [254, 257],
  total: 257,
} as const;

function multiply(a: Mat3, b: Mat3): Mat3 {
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
  }
  return out;
}

export function rotationX(a: number): Mat3 {
  const c = Math.cos(a), s = Math.sin(a);
  return Float64Array.of(1, 0, 0, 0, c, -s, 0, s, c);
}

export function rotationY(b: number): Mat3 {
  const c = Math.cos(b), s = Math.sin(b);
  return Float64Array.of(c, 0, s, 0, 1, 0, -s, 0, c);
}

export function rotationZ(g: number): Mat3 {
  const c = Math.cos(g), s = Math.sin(g);
  return Float64Array.of(c, -s, 0, s, c, 0, 0, 0, 1);
}

/** R = Rz(roll) · Ry(yaw) · Rx(pitch). */
export function eulerToMatrix(pitch: number, yaw: number, roll: number): Mat3 {
  return multiply(rotationZ(roll), multiply(rotationY(yaw), rotationX(pitch)));
}

/**
 * Inverse of eulerToMatrix: [pitch, yaw, roll] with yaw in [-pi/2, pi/2], pitch and roll in (-pi, pi].
 * R = Rz Ry Rx has R[2,0] = -sin(yaw), R[2,1] = sin(pitch) cos(yaw), R[2,2] = cos(pitch) cos(yaw),
 * R[1,0] = sin(roll) cos(yaw), R[0,0] = cos(roll) cos(yaw). At yaw = ±pi/2 (gimbal lock) only pitch ∓ roll is
 * determined; roll is set to 0.
 */
export function matrixToEuler(m: Mat3): [pitch: number, yaw: number, roll: number] {
  const cosYaw = Math.hypot(m[0]!, m[3]!);
  const yaw = Math.atan2(-m[6]!, cosYaw);
  if (cosYaw < 1e-9) return [Math.atan2(-m[5]!, m[4]!), yaw, 0];
  return [Math.atan2(m[7]!, m[8]!), yaw, Math.atan2(m[3]!, m[0]!)];
}

/** Deep3DFaceRecon angles (coeff 224:227) and trans (254:257): already posedyn's convention, unit 'bfm'. */
export function fromDeep3DFaceRecon(angles: ArrayLike<number>, trans: ArrayLike<number>): HeadPose {
  if (angles.length !== 3 || trans.length !== 3) throw new Error(`fromDeep3DFaceRecon: angles has ${angles.length} values and trans ${trans.length}, expected 3 and 3`);
  return { values: Float64Array.of(angles[0]!, angles[1]!, angles[2]!, trans[0]!, trans[1]!, trans[2]!), unit: 'bfm' };
}

/** Poses of every frame of a row-major [frames, 257] Deep3DFaceRecon coefficient matrix: [frames, 6], unit 'bfm'. */
export function posesFromDeep3DCoeff(coeff: Float32Array | Float64Array, frames: number): { values: Float64Array; unit: 'bfm' } {
  const width = deep3dCoeffColumns.total;
  if (coeff.length !== frames * width) throw new Error(`posesFromDeep3DCoeff: ${coeff.length} values, expected ${frames} x ${width}`);
  const values = new Float64Array(frames * 6);
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < 3; k++) {
      values[f * 6 + k] = coeff[f * width + deep3dCoeffColumns.angles[0] + k]!;
      values[f * 6 + 3 + k] = coeff[f * width + deep3dCoeffColumns.trans[0] + k]!;
    }
  }
  return { values, unit: 'bfm' };
}

/** OpenFace's rotation R = Rx(rx) · Ry(ry) · Rz(rz) (its own camera frame: y down, z forward). */
export function openFaceRotation(rx: number, ry: number, rz: number): Mat3 {
  return multiply(rotationX(rx), multiply(rotationY(ry), rotationZ(rz)));
}

/** An OpenFace pose (pose_Rx..Rz in radians, pose_Tx..Tz in mm) in posedyn's convention, unit 'mm'. */
export function fromOpenFace(rx: number, ry: number, rz: number, tx: number, ty: number, tz: number): HeadPose {
  const flip = Float64Array.of(1, 0, 0, 0, -1, 0, 0, 0, -1);
  const [pitch, yaw, roll] = matrixToEuler(multiply(flip, multiply(openFaceRotation(rx, ry, rz), flip)));
  return { values: Float64Array.of(pitch, yaw, roll, tx, -ty, -tz), unit: 'mm' };
}

/**
 * The pose of a MediaPipe face-geometry transform (4 x 4 row-major, canonical face frame -> metric camera space,
 * cm), unit 'cm'. Throws when the upper-left 3 x 3 is not a rotation (the matrix was read in the wrong layout).
 */
export function fromFaceGeometry(matrix: ArrayLike<number>): HeadPose {
  if (matrix.length !== 16) throw new RangeError(`fromFaceGeometry: ${matrix.length} values, expected a 4 x 4 matrix (16)`);
  const r = Float64Array.of(matrix[0]!, matrix[1]!, matrix[2]!, matrix[4]!, matrix[5]!, matrix[6]!, matrix[8]!, matrix[9]!, matrix[10]!);
  const rrt = multiply(r, Float64Array.of(r[0]!, r[3]!, r[6]!, r[1]!, r[4]!, r[7]!, r[2]!, r[5]!, r[8]!));
  const offIdentity = Math.max(...rrt.map((v, i) => Math.abs(v - (i % 4 === 0 ? 1 : 0))));
  const bottom = [matrix[12]!, matrix[13]!, matrix[14]!, matrix[15]!];
  if (offIdentity > 1e-3 || Math.abs(bottom[0]!) + Math.abs(bottom[1]!) + Math.abs(bottom[2]!) > 1e-6 || Math.abs(bottom[3]! - 1) > 1e-6) {
    throw new RangeError(`fromFaceGeometry: not a rigid transform in row-major order (R R^T differs from I by ${offIdentity.toExponential(2)}, last row [${bottom.join(', ')}])`);
  }
  const [pitch, yaw, roll] = matrixToEuler(r);
  return { values: Float64Array.of(pitch, yaw, roll, matrix[3]!, matrix[7]!, matrix[11]!), unit: 'cm' };
}
