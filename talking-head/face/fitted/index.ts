// The namespace `faceFit` of `posedyn/talking-head`: fitting a 3DMM on MediaPipe's mesh to tracked landmarks and
// the Deep3DFaceRecon coefficients of the same frames (how the default face model is made; talking-head/face/README.md),
// the model file, and how well a model decodes coefficients into the tracked faces.
export { FITTED_FACE_MODEL_NAME, fitFaceModel } from './fit-face-model.ts';
export type { AgreementPair, FaceModelFit, FaceModelFitOptions } from './fit-face-model.ts';
export { FITTED_FACE_MODEL_FORMAT, FITTED_FACE_MODEL_VERSION, encodeFittedFaceModel, parseFittedFaceModel } from './fitted-face-model-file.ts';
export type { FittedFaceModelFile, FittedFaceModelParts } from './fitted-face-model-file.ts';
export { landmarkAgreement, mouthOpenings } from './landmark-agreement.ts';
export type { IdentityAgreement, LandmarkAgreement } from './landmark-agreement.ts';
export { FitStatistics, LAMBDA_GRID, basisGram, chooseRegularisation, coefficientMoments, fitLandmarkModel, segmentSquaredError } from './landmark-model-fit.ts';
export type { LandmarkModel, Regularisation, RegularisationCandidate, RegularisationChoice } from './landmark-model-fit.ts';
export { MAX_VIDEO_OFFSET, alignedSplit, videoOffset } from './tracked-coefficient-clips.ts';
export type { AlignedFrames, TrackedCoefficientClip } from './tracked-coefficient-clips.ts';
