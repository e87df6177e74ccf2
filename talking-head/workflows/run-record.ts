// What makes a training run the same run, so that a resumed run is the one it claims to continue: the model
// (kind, its whole config), the audio front end, the data (a fingerprint of the dataset's manifest: clips,
// splits, windows and statistics) and the settings that shape every step (learning rate, batch, seed). Recorded
// in every checkpoint's `training.run`; resuming compares them and refuses naming each difference.
import type { CheckpointMeta } from '../checkpoint/checkpoint.ts';
import { type DatasetManifest, datasetManifestToJson } from '../data/dataset-format.ts';

export interface RunRecord {
  readonly learningRate: number;
  readonly batch: number;
  readonly seed: number;
  /** FNV-1a (64-bit, hex) of the dataset manifest's canonical text */
  readonly dataset: string;
}

/** FNV-1a, 64-bit, over the UTF-16 code units of `text`: a fingerprint, not a cryptographic hash. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) hash = BigInt.asUintN(64, (hash ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

export function datasetFingerprint(manifest: DatasetManifest): string {
  return fnv1a64(datasetManifestToJson(manifest));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The differences between the run saved in `saved` (a resumable checkpoint) and the run about to continue it,
 * `current`, in words; empty when it may resume. Checkpoints written before `training.run` was recorded are
 * compared on what they have (model, features, normalisation).
 */
export function resumeMismatches(saved: CheckpointMeta, current: CheckpointMeta): string[] {
  const out: string[] = [];
  if (saved.kind !== current.kind) return [`it is a ${saved.kind} run, this one trains ${current.kind}`];
  for (const key of new Set([...Object.keys(saved.modelConfig), ...Object.keys(current.modelConfig)])) {
    if (!same(saved.modelConfig[key], current.modelConfig[key])) out.push(`model config '${key}' was ${JSON.stringify(saved.modelConfig[key])}, now ${JSON.stringify(current.modelConfig[key])}`);
  }
  if (!same(saved.featureConfig, current.featureConfig)) out.push('the audio feature config differs');
  const was = saved.training.run as RunRecord | undefined;
  const now = current.training.run as RunRecord;
  if (was) {
    if (was.dataset !== now.dataset) out.push(`the dataset differs (fingerprint ${was.dataset}, now ${now.dataset}: other clips, splits or statistics)`);
    for (const [key, flag] of [['learningRate', 'learning rate (--lr)'], ['batch', 'batch (--batch)'], ['seed', 'seed (--seed)']] as const) {
      if (was[key] !== now[key]) out.push(`the ${flag} was ${was[key]}, now ${now[key]}`);
    }
  } else if (!same(saved.normalisation, current.normalisation)) {
    out.push('the dataset differs (its normalisation statistics)');
  }
  return out;
}
