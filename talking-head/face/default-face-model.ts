// The face model posedyn uses where none is chosen. One definition, so that what follows it (the tracker's face
// fit, talking-head/tracking/landmark-face-fit.ts) changes with it: today the procedural model on MediaPipe's
// mesh; issue 13 replaces it with a model fitted to real tracked faces.
import type { FaceModel } from './face-model.ts';
import { proceduralFaceModel } from './procedural-face-model.ts';

export function defaultFaceModel(): FaceModel {
  return proceduralFaceModel();
}
