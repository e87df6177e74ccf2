// The non-learned head-pose baselines of Table 2 (paper Sec. 5), for one test segment of L frames of person P.
// All poses are normalised (talking-head/data/dataset.ts).
//   Mean pose          P's rest pose (the mean of P's training poses, dataset.json identities[].meanPose),
//                      held still for L frames.
//   Random             a real pose sequence of P from the training split: L consecutive frames at a uniformly
//                      random start inside one of P's training segments that is at least L frames long.
//   Nearest neighbour  the L training frames of P whose audio is nearest to the segment's audio: over every
//                      start s inside P's training segments, the distance
//                        d(s) = (1 / L) sum_t ||x_t - x'_(s+t)||^2
//                      between normalised per-frame audio features x (the segment's) and x' (training), and the
//                      poses of the start with the smallest d. Restricting both to P (ours) keeps them about
//                      timing, not about who is speaking.
import type { InitRandom } from '../../core/nn/init.ts';
import type { Dataset } from '../data/dataset.ts';
import { type FrameRange, POSE_CHANNELS, STD_FLOOR } from '../data/dataset-format.ts';

/** A stretch of L frames in one clip: [clipIndex, start]. */
export interface TrainingStretch {
  readonly clipIndex: number;
  readonly start: number;
}

/** The training segments of an identity's clips that hold at least `length` frames. */
export function trainingSegmentsOf(dataset: Dataset, identityIndex: number, length: number): { clipIndex: number; range: FrameRange }[] {
  return dataset.clips
    .filter((c) => c.identityIndex === identityIndex && c.entry.segments.train[1] - c.entry.segments.train[0] >= length)
    .map((c) => ({ clipIndex: c.index, range: c.entry.segments.train }));
}

function noTrainingStretch(dataset: Dataset, identityIndex: number, length: number): Error {
  return new RangeError(`baselines: identity '${dataset.manifest.identities[identityIndex]?.name}' has no training segment of ${length} frames or more`);
}

/** Normalised poses [L, 6] of a training stretch. */
export function stretchPoses(dataset: Dataset, stretch: TrainingStretch, length: number): Float32Array {
  const pose = dataset.clips[stretch.clipIndex]!.normalised.pose;
  return pose.slice(stretch.start * POSE_CHANNELS, (stretch.start + length) * POSE_CHANNELS);
}

/** Shape `[L, 6]`: the identity's rest pose, normalised, repeated. */
export function meanPoseSequence(dataset: Dataset, identityIndex: number, length: number): Float32Array {
  const { mean, std } = dataset.manifest.stats.pose;
  const rest = dataset.manifest.identities[identityIndex]!.meanPose.map((v, c) => (v - mean[c]!) / Math.max(std[c]!, STD_FLOOR));
  const out = new Float32Array(length * POSE_CHANNELS);
  for (let t = 0; t < length; t++) out.set(rest, t * POSE_CHANNELS);
  return out;
}

/** A uniformly random training stretch of `length` frames of the identity (every valid start equally likely). */
export function randomTrainingStretch(dataset: Dataset, identityIndex: number, length: number, random: InitRandom): TrainingStretch {
  const segments = trainingSegmentsOf(dataset, identityIndex, length);
  const starts = segments.map((s) => s.range[1] - s.range[0] - length + 1);
  const total = starts.reduce((a, b) => a + b, 0);
  if (total === 0) throw noTrainingStretch(dataset, identityIndex, length);
  let pick = Math.floor(random.next() * total);
  for (let k = 0; k < segments.length; k++) {
    if (pick < starts[k]!) return { clipIndex: segments[k]!.clipIndex, start: segments[k]!.range[0] + pick };
    pick -= starts[k]!;
  }
  throw new Error('randomTrainingStretch: unreachable');
}

/**
 * The training stretch of the identity whose normalised audio features are nearest to `audio` [L, F] in mean
 * per-frame squared Euclidean distance (ties: the first in clip and frame order), and that distance.
 */
export function nearestTrainingStretch(dataset: Dataset, identityIndex: number, audio: ArrayLike<number>): TrainingStretch & { distance: number } {
  const F = dataset.featureCount;
  const length = audio.length / F;
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`nearestTrainingStretch: audio of ${audio.length} values is not whole frames of ${F} features`);
  let best: (TrainingStretch & { distance: number }) | null = null;
  for (const { clipIndex, range } of trainingSegmentsOf(dataset, identityIndex, length)) {
    const features = dataset.clips[clipIndex]!.normalised.features;
    for (let s = range[0]; s + length <= range[1]; s++) {
      let d = 0;
      const base = s * F;
      for (let i = 0; i < length * F && (best === null || d < best.distance * length); i++) d += (audio[i]! - features[base + i]!) ** 2;
      const distance = d / length;
      if (best === null || distance < best.distance) best = { clipIndex, start: s, distance };
    }
  }
  if (!best) throw noTrainingStretch(dataset, identityIndex, length);
  return best;
}
