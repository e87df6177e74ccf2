// Reads a folder of pose-only clips (Deep3DFaceRecon `.mat` files, e.g. $POSEDYN_DATA/pose-only/*/) for
// PoseGAN's motion critic: talking-head/data/pose-only.ts prepares them in a dataset's units.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../../core/engine.ts';
import type { DatasetManifest } from '../../talking-head/data/dataset-format.ts';
import { type PoseOnlyClip, poseOnlyClips } from '../../talking-head/data/pose-only.ts';
import { readFileBytes } from '../files/read-file.ts';

export async function loadPoseOnlyFolder(engine: Engine, folder: string, manifest: DatasetManifest): Promise<PoseOnlyClip[]> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.toLowerCase().endsWith('.mat')).sort();
  } catch (error) {
    throw new Error(`${folder}: cannot read the pose-only folder (${(error as Error).message})`, { cause: error });
  }
  if (names.length === 0) throw new Error(`${folder}: no .mat files (Deep3DFaceRecon coefficients) in the pose-only folder`);
  const files = await Promise.all(names.map(async (name) => ({ name, bytes: await readFileBytes(join(folder, name)) })));
  return poseOnlyClips(engine, files, manifest);
}
