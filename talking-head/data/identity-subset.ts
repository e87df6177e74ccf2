// One person's part of a dataset, for personalisation (PAPER.md, Sec. 5.1: fine-tune the pretrained model on
// one person's clips). The subset keeps the whole dataset's normalisation statistics, so a network fine-tuned
// on it reads and writes the same units as the pretrained one; only the clips, their windows and the
// identity list shrink (window clip indices are renumbered to the kept clips).
import { Dataset } from './dataset.ts';
import type { DatasetManifest, Split, WindowRef } from './dataset-format.ts';

export function identitySubset(dataset: Dataset, identity: string): Dataset {
  dataset.identityIndex(identity);
  const kept = dataset.clips.filter((c) => c.entry.identity === identity);
  const renumber = new Map(kept.map((c, i) => [c.index, i]));
  const windows = (split: Split): WindowRef[] =>
    dataset.manifest.windows[split].filter(([clip]) => renumber.has(clip)).map(([clip, start]) => [renumber.get(clip)!, start]);
  const manifest: DatasetManifest = {
    ...dataset.manifest,
    identities: dataset.manifest.identities.filter((e) => e.name === identity),
    clips: kept.map((c) => c.entry),
    windows: { train: windows('train'), val: windows('val'), test: windows('test') },
  };
  return new Dataset(manifest, kept.map((c) => ({ features: c.features, pose: c.pose, poseRaw: c.poseRaw, face: c.face })));
}
