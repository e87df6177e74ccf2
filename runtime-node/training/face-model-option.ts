// The --face-model option: the built-in procedural model, or the user's own BFM_model_front.mat.
import { bfmFaceModel } from '../../talking-head/face/bfm-face-model.ts';
import type { FaceModel } from '../../talking-head/face/face-model.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { readFileBytes } from '../files/read-file.ts';

export async function loadFaceModelOption(option: string): Promise<FaceModel> {
  if (option === 'procedural') return proceduralFaceModel();
  return bfmFaceModel(await readFileBytes(option), option);
}
