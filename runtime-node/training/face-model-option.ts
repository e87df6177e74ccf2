// The --face-model option: 'default' (the project's default face model), the built-in procedural model, or the
// user's own BFM_model_front.mat.
import { bfmFaceModel } from '../../talking-head/face/bfm-face-model.ts';
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import type { FaceModel } from '../../talking-head/face/face-model.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { readFileBytes } from '../files/read-file.ts';

export async function loadFaceModelOption(option: string): Promise<FaceModel> {
  if (option === 'default') return defaultFaceModel();
  if (option === 'procedural') return proceduralFaceModel();
  return bfmFaceModel(await readFileBytes(option), option);
}
