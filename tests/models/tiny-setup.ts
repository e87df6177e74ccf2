// A small synthetic dataset and tiny model configs, so training, checkpoint and generation tests run in
// seconds on a software adapter. Shared by the tests in this folder.
import { join } from 'node:path';
import type { Engine } from '../../core/engine.ts';
import { loadDatasetFolder } from '../../runtime-node/dataset/dataset-files.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { tempFolder, writeClipFolder } from '../data/synthetic-clips.ts';

export const TINY_POSEGAN = {
  encoder: { channels: [8, 8] as [number, number], embedding: 8 }, unetChannels: [8, 8], groups: 4, discriminatorChannels: [8, 8],
};
export const TINY_PGFACE = { encoder: { channels: [8, 8] as [number, number], embedding: 8 }, hidden: 16 };

/** Two identities, 600 frames each (train split 420 frames: 33 windows of 256). */
export async function tinyDataset(engine: Engine): Promise<{ folder: string; clips: string }> {
  const clips = await writeClipFolder([
    { stem: 'alice_clip1', frames: 600, seed: 1 },
    { stem: 'bob_clip1', frames: 600, seed: 2 },
  ]);
  const folder = await tempFolder('dataset');
  await runDatasetBuild({ data: clips, out: folder, engine, log: () => {} });
  return { folder, clips };
}

export { loadDatasetFolder, join };
