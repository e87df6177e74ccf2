// The --face-model option: the built-in procedural model, or the user's own BFM_model_front.mat.
import { bfmFaceModel } from '../../models/face/bfm-face-model.ts';
import type { FaceModel } from '../../models/face/face-model.ts';
import { proceduralFaceModel } from '../../models/face/procedural-face-model.ts';
import { readFileBytes } from '../files/read-file.ts';

export async function loadFaceModelOption(option: string): Promise<FaceModel> {
  if (option === 'procedural') return proceduralFaceModel();
  return bfmFaceModel(await readFileBytes(option), option);
}
