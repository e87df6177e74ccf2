// The face model posedyn uses where none is chosen: the fitted model (fitted-face-model.ts), whose coefficients
// mean what Deep3DFaceRecon's mean, so PGFace's output (trained on Deep3DFaceRecon coefficients) decodes to the
// face the training data showed. One definition, which everything that decodes coefficients without being
// told which model to use follows: the training losses (Eq. 7-8), the evaluation, OBJ, video and GLB output,
// the page, the head renderer and the tracker's face fit (talking-head/tracking/landmark-face-fit.ts). The
// procedural model (procedural-face-model.ts) and the user's own BFM (bfm-face-model.ts) stay available by name.
import type { FaceModel } from './face-model.ts';
import { fittedFaceModel } from './fitted-face-model.ts';

let cached: FaceModel | null = null;

/** The default face model (read once, then shared: callers must not modify its arrays). */
export function defaultFaceModel(): FaceModel {
  cached ??= fittedFaceModel();
  return cached;
}
