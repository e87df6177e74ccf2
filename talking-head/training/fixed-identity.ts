// Table 3's fixed-identity baseline: each person's identity coefficients fixed to their mean over the
// training frames (normalised units), and only expression generated.
import { type Dataset, type FaceBatch, type FrameRef } from '../data/dataset.ts';
import { FACE_CHANNELS } from '../data/dataset-format.ts';
import { ID_COMPONENTS } from '../face/face-model.ts';
import type { FaceTrainingBatch } from './pgface-trainer.ts';

/** identity name -> mean normalised alpha_id [80] over its clips' train segments. */
export function identityFaceIdMeans(dataset: Dataset): Map<string, number[]> {
  const sums = new Map<string, { sum: Float64Array; count: number }>();
  for (const clip of dataset.clips) {
    const face = clip.normalised.face;
    if (!face) continue;
    const entry = sums.get(clip.entry.identity) ?? { sum: new Float64Array(ID_COMPONENTS), count: 0 };
    const [from, to] = clip.entry.segments.train;
    for (let t = from; t < to; t++) {
      for (let k = 0; k < ID_COMPONENTS; k++) entry.sum[k]! += face[t * FACE_CHANNELS + k]!;
      entry.count++;
    }
    sums.set(clip.entry.identity, entry);
  }
  return new Map([...sums].map(([name, { sum, count }]) => [name, Array.from(sum, (s) => s / Math.max(count, 1))]));
}

/** Adds each row's fixed identity coefficients to a face batch (or returns it as is when means is null). */
export function withFixedIdentity(dataset: Dataset, refs: readonly FrameRef[], batch: FaceBatch, means: Map<string, number[]> | null): FaceTrainingBatch {
  if (!means) return batch;
  const fixedIdentity = new Float32Array(batch.rows * ID_COMPONENTS);
  refs.forEach(([clipIndex], k) => {
    const identity = dataset.clips[clipIndex]!.entry.identity;
    const mean = means.get(identity);
    if (!mean) throw new Error(`fixed-identity baseline: identity '${identity}' has no training frames with face coefficients`);
    fixedIdentity.set(mean, 2 * k * ID_COMPONENTS);
    fixedIdentity.set(mean, (2 * k + 1) * ID_COMPONENTS);
  });
  return { ...batch, fixedIdentity };
}
