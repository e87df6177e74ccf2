// The face model posedyn ships and uses by default (default-face-model.ts): a 3DMM on MediaPipe's canonical
// mesh whose 80 identity + 64 expression coefficients mean what Deep3DFaceRecon's mean, fitted by
// `posedyn fit-face-model` to the landmarks MediaPipe tracks in the styletalk videos and the Deep3DFaceRecon
// coefficients of the same frames (talking-head/face/fitted/: the method, and the file with its provenance).
// A statistical fit of our own, with no Basel Face Model data in it. Units: cm.
import file from './fitted/fitted-face-model.json';
import type { FaceModel } from './face-model.ts';
import { parseFittedFaceModel } from './fitted/fitted-face-model-file.ts';

/** Where the shipped model lives in the repository (errors name it). */
export const FITTED_FACE_MODEL_SOURCE = 'talking-head/face/fitted/fitted-face-model.json';

/** A fresh copy of the shipped fitted model (callers may modify it). */
export function fittedFaceModel(): FaceModel {
  return parseFittedFaceModel(file, FITTED_FACE_MODEL_SOURCE).model;
}

/** The shipped model's provenance: the data, the tracker, the command, the regularisation and what was measured. */
export function fittedFaceModelProvenance(): unknown {
  return parseFittedFaceModel(file, FITTED_FACE_MODEL_SOURCE).provenance;
}
