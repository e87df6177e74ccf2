// PoseGAN validation: generate every segment of a split the way inference does (256-frame windows, each
// starting at the previous window's last pose), starting from the segment's real first pose, and measure
// Eq. (3)-(5) against the real poses, per frame. Val and test segments are shorter than a training window
// on short clips, so whole-segment generation is the only fair measure there (it is also what users get).
import type { Engine } from '../../core/engine.ts';
import { tensor } from '../../core/creation.ts';
import { add } from '../../core/ops/elementwise.ts';
import { poseReconstructionLosses } from '../ops/pose-loss.ts';
import { reshape } from '../../core/ops/reshape.ts';
import type { Tensor } from '../../core/tensor.ts';
import { type Dataset, poseBatch, segmentFrames } from '../data/dataset.ts';
import type { Split } from '../data/dataset-format.ts';
import { ROTATION_CHANNELS, motionProfile, overChannels } from '../evaluation/motion-realism.ts';
import { generatePoseSequence } from '../inference/pose-windows.ts';
import type { PoseGenerator } from '../posegan/generator.ts';
import { generatorPoseUnits, posesFromGenerator, posesToGenerator } from '../posegan/pose-units.ts';

export interface PoseValidation {
  /** Sums over all segments divided by their total frames. */
  readonly posePerFrame: number;
  readonly motionPerFrame: number;
  /** alpha posePerFrame + beta motionPerFrame: what "best on validation" minimises. */
  readonly l2PerFrame: number;
  readonly frames: number;
  /** generated / real motion energy and jitter of the rotation channels over the split (talking-head/evaluation/motion-realism.ts) */
  readonly rotationMotionRatio: number;
  readonly rotationJitterRatio: number;
  /** those two and the per-channel rotation std ratios, over all segments pooled */
  readonly pooled: RealismRatios;
  /** the same for each identity's segments alone (an identity without a val segment is left out) */
  readonly identities: readonly IdentityRealism[];
  /** what "best on validation" minimises: l2PerFrame plus config.validationRealism's realism penalty */
  readonly score: number;
}

/** Generated / real rotation figures of a set of segments (talking-head/evaluation/motion-realism.ts motionProfile). */
export interface RealismRatios {
  /** motion energy, mean (y_t - y_(t-1))^2 over pitch, yaw, roll */
  readonly motion: number;
  /** mean squared second difference over pitch, yaw, roll */
  readonly jitter: number;
  /** standard deviation within segments, per rotation channel (pitch, yaw, roll) */
  readonly std: readonly number[];
}

export interface IdentityRealism extends RealismRatios {
  readonly identity: string;
  readonly frames: number;
}

/** Whose realism "best on validation" measures (config.ts validationRealismPooling). */
export type RealismPooling = 'pooled' | 'identity-mean' | 'identity-max';

export interface RealismWeights {
  /** config.validationRealism: the weight of the whole penalty (0 = L_L2 alone) */
  readonly validationRealism: number;
  readonly validationRealismPooling: RealismPooling;
  /** config.validationStdRealism: the weight of the per-channel std term inside the penalty */
  readonly validationStdRealism: number;
}

const logRatio = (r: number) => Math.log(Math.max(r, 1e-6));

/** One set of segments' penalty: (ln r_motion)^2 + max(0, ln r_jitter)^2 + stdWeight mean_c (ln r_std,c)^2. */
export function realismPenalty(ratios: RealismRatios, stdWeight: number): number {
  let penalty = logRatio(ratios.motion) ** 2 + Math.max(0, logRatio(ratios.jitter)) ** 2;
  if (stdWeight !== 0 && ratios.std.length > 0) penalty += (stdWeight * ratios.std.reduce((a, r) => a + logRatio(r) ** 2, 0)) / ratios.std.length;
  return penalty;
}

/**
 * L_L2 a frame plus validationRealism times the realism penalty: of the pooled ratios ('pooled', the design of
 * run 6), or the mean or the largest of the identities' own penalties ('identity-mean', 'identity-max'; run 8),
 * so that one identity trembling or overshooting counts however few val frames she has.
 */
export function validationScore(l2PerFrame: number, pooled: RealismRatios, identities: readonly RealismRatios[], weights: RealismWeights): number {
  if (weights.validationRealism === 0) return l2PerFrame;
  const stdWeight = weights.validationStdRealism;
  let penalty: number;
  if (weights.validationRealismPooling === 'pooled' || identities.length === 0) {
    penalty = realismPenalty(pooled, stdWeight);
  } else {
    const each = identities.map((r) => realismPenalty(r, stdWeight));
    penalty = weights.validationRealismPooling === 'identity-max' ? Math.max(...each) : each.reduce((a, p) => a + p, 0) / each.length;
  }
  return l2PerFrame + weights.validationRealism * penalty;
}

/** Generated / real ratios of the rotation channels of paired segment sets (pose rows of 6 values). */
export function realismRatios(generated: readonly ArrayLike<number>[], real: readonly ArrayLike<number>[]): RealismRatios {
  const [ours, theirs] = [motionProfile(generated), motionProfile(real)];
  return {
    motion: overChannels(ours.motion, ROTATION_CHANNELS) / overChannels(theirs.motion, ROTATION_CHANNELS),
    jitter: overChannels(ours.jitter, ROTATION_CHANNELS) / overChannels(theirs.jitter, ROTATION_CHANNELS),
    std: ROTATION_CHANNELS.map((c) => ours.std[c]! / theirs.std[c]!),
  };
}

/**
 * Normalised generated poses [L, 6] for one segment, started at its real first pose. generated, real and initial
 * are in the dataset's global units whatever config.poseNormalisation G works in (pose-units.ts), so val L_L2 and
 * every evaluation figure compare across that choice.
 */
export function generateSegment(engine: Engine, generator: PoseGenerator, dataset: Dataset, clipIndex: number, from: number, length: number): { generated: Tensor; real: Tensor; initial: Tensor } {
  const c = generator.config;
  const arrays = poseBatch(dataset, [[clipIndex, from]], { length });
  const units = generatorPoseUnits(c, dataset.manifest.identities[arrays.identity[0]!]!, dataset.manifest.stats.pose);
  const windows = tensor(engine, arrays.audio, [length, c.featureCount, c.windowFrames], 'segment.audio');
  const initial = tensor(engine, arrays.initial, [1, c.poseChannels], 'segment.initial');
  const real = tensor(engine, arrays.pose, [length, c.poseChannels], 'segment.pose');
  const generated = posesFromGenerator(engine, generatePoseSequence(generator, windows, posesToGenerator(engine, initial, units)), units);
  return { generated, real, initial };
}

export async function validatePoseGan(engine: Engine, generator: PoseGenerator, dataset: Dataset, split: Split, weights: { alpha: number; beta: number } & RealismWeights): Promise<PoseValidation> {
  generator.train(false);
  let frames = 0;
  const realPoses: Float32Array[] = [];
  const identityOf: number[] = [];
  const { total, poses } = engine.noGrad(() =>
    engine.tidy(() => {
      let sum: Tensor | null = null;
      const poses: Tensor[] = [];
      for (const segment of segmentFrames(dataset, split)) {
        if (segment.length < 2) continue;
        const { generated, real, initial } = generateSegment(engine, generator, dataset, segment.clip.index, segment.range[0], segment.length);
        const losses = poseReconstructionLosses(reshape(generated, [1, segment.length, 6]), reshape(real, [1, segment.length, 6]), initial);
        sum = sum ? add(sum, losses) : losses;
        frames += segment.length;
        poses.push(generated);
        realPoses.push(segment.pose);
        identityOf.push(segment.clip.identityIndex);
      }
      return { total: sum, poses };
    }),
  );
  generator.train(true);
  if (!total || frames === 0) throw new Error(`validatePoseGan: the ${split} split has no segment of 2 frames or more`);
  const [pose, motion] = await total.read();
  total.dispose();
  const generatedPoses: Float32Array[] = [];
  for (const p of poses) {
    generatedPoses.push(await p.read());
    p.dispose();
  }
  const pooled = realismRatios(generatedPoses, realPoses);
  const identities: IdentityRealism[] = [];
  dataset.manifest.identities.forEach((entry, index) => {
    const mine = identityOf.flatMap((id, k) => (id === index ? [k] : []));
    if (mine.length === 0) return;
    const ratios = realismRatios(mine.map((k) => generatedPoses[k]!), mine.map((k) => realPoses[k]!));
    identities.push({ identity: entry.name, frames: mine.reduce((a, k) => a + realPoses[k]!.length / 6, 0), ...ratios });
  });
  const posePerFrame = pose! / frames;
  const motionPerFrame = motion! / frames;
  const l2PerFrame = weights.alpha * posePerFrame + weights.beta * motionPerFrame;
  return {
    posePerFrame, motionPerFrame, l2PerFrame, frames, rotationMotionRatio: pooled.motion, rotationJitterRatio: pooled.jitter, pooled, identities,
    score: validationScore(l2PerFrame, pooled, identities, weights),
  };
}
