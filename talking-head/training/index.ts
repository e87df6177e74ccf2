// The namespace `training` of `posedyn/talking-head`: one training step of PoseGAN (Eq. 3-6) and PGFace
// (Eq. 7-8), validation, the epoch loop, and what personalisation and the fixed-identity baseline need.
export { PoseGanTrainer } from './posegan-trainer.ts';
export type { PoseBatchArrays, PoseGanTrainerOptions, PoseStepLosses } from './posegan-trainer.ts';
export { PgFaceTrainer } from './pgface-trainer.ts';
export type { FaceStepLosses, FaceTrainingBatch } from './pgface-trainer.ts';
export { generateSegment, validatePoseGan } from './posegan-validation.ts';
export type { PoseValidation } from './posegan-validation.ts';
export { epochOrder, runEpochs } from './epochs.ts';
export type { EpochLoopOptions, EpochReport, StepProgress } from './epochs.ts';
export { faceQuadraticForm } from './face-quadratic-form.ts';
export { identityFaceIdMeans, withFixedIdentity } from './fixed-identity.ts';
export { recentreFaceOutput } from './recentre-face-output.ts';
