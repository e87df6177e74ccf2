// The --face-model option: 'default' (the face model posedyn uses where none is chosen, default-face-model.ts:
// the shipped model fitted to tracked faces), 'fitted' (that model by name), 'procedural' (the procedural stand-in
// on the same mesh), or a path to the user's own BFM_model_front.mat.
import { bfmFaceModel } from '../../talking-head/face/bfm-face-model.ts';
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import type { FaceModel } from '../../talking-head/face/face-model.ts';
import { fittedFaceModel } from '../../talking-head/face/fitted-face-model.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { readFileBytes } from '../files/read-file.ts';

/** What --face-model accepts besides a path, and its help text. */
export const FACE_MODEL_OPTION = {
  default: 'default',
  help: "'default' (the shipped model fitted to tracked faces, whose coefficients mean Deep3DFaceRecon's), 'fitted' (the same by name), 'procedural', or a path to your BFM_model_front.mat",
} as const;

export async function loadFaceModelOption(option: string): Promise<FaceModel> {
  if (option === 'default') return defaultFaceModel();
  if (option === 'fitted') return fittedFaceModel();
  if (option === 'procedural') return proceduralFaceModel();
  return bfmFaceModel(await readFileBytes(option), option);
}
