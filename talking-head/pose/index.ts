// The namespace `pose` of `posedyn/talking-head`: the head-pose convention (6 values a frame: pitch, yaw, roll in
// radians, tx, ty, tz) and conversions from the trackers' conventions.
export {
  POSE_CHANNEL_NAMES, deep3dCoeffColumns, eulerToMatrix, fromDeep3DFaceRecon, fromOpenFace, matrixToEuler, openFaceRotation, posesFromDeep3DCoeff,
  rotationX, rotationY, rotationZ,
} from './pose-convention.ts';
export type { HeadPose, Mat3, TranslationUnit } from './pose-convention.ts';
