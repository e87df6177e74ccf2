// The face model posedyn uses when none is chosen: every renderer, exporter and measurement that needs "the" face
// model asks here, and so does the tracker's face fit (talking-head/tracking/landmark-face-fit.ts), so replacing
// the default (issue 13: a model fitted to real data) is this one line.
import type { FaceModel } from './face-model.ts';
import { proceduralFaceModel } from './procedural-face-model.ts';

let cached: FaceModel | null = null;

/** The default face model (built once, then shared: callers must not modify its arrays). */
export function defaultFaceModel(): FaceModel {
  cached ??= proceduralFaceModel();
  return cached;
}
