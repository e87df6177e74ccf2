// Every head-pose method of Table 2 on the segments of a split, as normalised pose sequences [L, 6]:
// the baselines of pose-baselines.ts, and generators (PoseGAN, its CNN baseline, ablations), which generate
// each whole segment from its audio starting at the segment's real first pose (as validation does,
// talking-head/training/posegan-validation.ts: segments are shorter than a 256-frame window, so a start pose from
// elsewhere would dominate the distance).
// A method may give several draws a segment (Random: several random stretches; a model: one a training seed);
// metrics average over the draws of a segment.
import type { Engine } from '../../core/engine.ts';
import { tensor } from '../../core/creation.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { NonFiniteError, findNonFinite, readFinite, readWithNonFiniteCounts } from '../../core/ops/non-finite.ts';
import { type Dataset, poseBatch, segmentFrames } from '../data/dataset.ts';
import type { FrameRange, Split } from '../data/dataset-format.ts';
import { generatePoseSequence } from '../inference/pose-windows.ts';
import type { PoseGenerator } from '../posegan/generator.ts';
import { generatorPoseUnits, posesFromGenerator, posesToGenerator } from '../posegan/pose-units.ts';
import { generateSegment } from '../training/posegan-validation.ts';
import { meanPoseSequence, nearestTrainingStretch, randomTrainingStretch, stretchPoses } from './pose-baselines.ts';

export interface EvaluationSegment {
  readonly clip: string;
  readonly clipIndex: number;
  readonly identityIndex: number;
  readonly range: FrameRange;
  readonly length: number;
  /** normalised per-frame audio features [L, F] */
  readonly audio: Float32Array;
  /** normalised real poses [L, 6] */
  readonly real: Float32Array;
}

/** The split's segments of 2 frames or more (copies of the dataset's normalised arrays). */
export function evaluationSegments(dataset: Dataset, split: Split): EvaluationSegment[] {
  return [...segmentFrames(dataset, split)].filter((s) => s.length >= 2).map((s) => ({
    clip: s.clip.entry.name, clipIndex: s.clip.index, identityIndex: s.clip.identityIndex, range: s.range, length: s.length,
    audio: s.audioFrames.slice(), real: s.pose.slice(),
  }));
}

/** Poses of one method: draws[segment][draw] = [L, 6]. */
export type MethodDraws = Float32Array[][];

export function meanPoseDraws(dataset: Dataset, segments: readonly EvaluationSegment[]): MethodDraws {
  return segments.map((s) => [meanPoseSequence(dataset, s.identityIndex, s.length)]);
}

export function randomPoseDraws(dataset: Dataset, segments: readonly EvaluationSegment[], draws: number, seed: number): MethodDraws {
  const random = new InitRandom(seed);
  return segments.map((s) => Array.from({ length: draws }, () => stretchPoses(dataset, randomTrainingStretch(dataset, s.identityIndex, s.length, random), s.length)));
}

export function nearestNeighbourDraws(dataset: Dataset, segments: readonly EvaluationSegment[]): MethodDraws {
  return segments.map((s) => [stretchPoses(dataset, nearestTrainingStretch(dataset, s.identityIndex, s.audio), s.length)]);
}

/**
 * One generator's poses for every segment, started at the real first pose. Numeric guard: each readback carries
 * the GPU's count of non-finite poses, and a NaN or infinite pose throws (no metric is computed from one).
 */
export async function generatorPoses(engine: Engine, generator: PoseGenerator, dataset: Dataset, segments: readonly EvaluationSegment[]): Promise<Float32Array[]> {
  generator.train(false);
  const out: Float32Array[] = [];
  for (const s of segments) {
    const generated = engine.noGrad(() => engine.tidy(() => generateSegment(engine, generator, dataset, s.clipIndex, s.range[0], s.length).generated));
    try {
      const { values, nonFinite } = await readWithNonFiniteCounts(engine, [generated], [[generated]]);
      if (nonFinite[0]! > 0) {
        throw new NonFiniteError(`generated ${nonFinite[0]} NaN or infinite pose values on clip '${s.clip}' frames ${s.range[0]}-${s.range[1]} (the first at frame ${s.range[0] + Math.floor(findNonFinite(values[0]!).first / 6)})`);
      }
      out.push(Float32Array.from(values[0]!));
    } finally {
      generated.dispose();
    }
  }
  return out;
}

/** Several generators (one a seed) -> draws[segment][seed]. */
export async function generatorDraws(engine: Engine, generators: readonly PoseGenerator[], dataset: Dataset, segments: readonly EvaluationSegment[]): Promise<MethodDraws> {
  const perGenerator: Float32Array[][] = [];
  for (const g of generators) perGenerator.push(await generatorPoses(engine, g, dataset, segments));
  return segments.map((_, k) => perGenerator.map((poses) => poses[k]!));
}

/** A generator for each identity (e.g. personalised ones) -> draws[segment][0], each segment by its identity's. */
export async function personalGeneratorDraws(engine: Engine, generatorFor: (identityIndex: number) => PoseGenerator, dataset: Dataset, segments: readonly EvaluationSegment[]): Promise<MethodDraws> {
  const draws: MethodDraws = [];
  for (const s of segments) draws.push(await generatorPoses(engine, generatorFor(s.identityIndex), dataset, [s]));
  return draws;
}

/**
 * A whole clip generated as inference does (256-frame windows; the first starts at the identity's rest
 * pose), in one of two ways:
 *   'chained'  each later window starts at the previous window's last pose (the paper's inference)
 *   'restart'  every window starts at the rest pose: the generator is never told where the previous window
 *              ended, i.e. inference without the initial pose (the "no initial pose" ablation)
 * Returns normalised poses [frames, 6] (the dataset's global units, pose-units.ts).
 */
export async function wholeClipPoses(engine: Engine, generator: PoseGenerator, dataset: Dataset, clipIndex: number, mode: 'chained' | 'restart'): Promise<Float32Array> {
  const clip = dataset.clips[clipIndex]!;
  const c = generator.config;
  const arrays = poseBatch(dataset, [[clipIndex, 0]], { length: clip.frames });
  const rest = meanPoseSequence(dataset, clip.identityIndex, 1);
  generator.train(false);
  const poses = engine.noGrad(() => engine.tidy(() => {
    const windows = tensor(engine, arrays.audio, [clip.frames, c.featureCount, c.windowFrames], 'clip.audio');
    const units = generatorPoseUnits(c, dataset.manifest.identities[clip.identityIndex]!, dataset.manifest.stats.pose);
    const initial = posesToGenerator(engine, tensor(engine, rest, [1, c.poseChannels], 'clip.restPose'), units);
    return posesFromGenerator(engine, generatePoseSequence(generator, windows, initial, { chain: mode === 'chained' }), units);
  }));
  try {
    return await readFinite(poses, `window joins: the generator on clip '${clip.entry.name}' (${mode})`);
  } finally {
    poses.dispose();
  }
}
