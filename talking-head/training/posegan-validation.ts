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
  /** what "best on validation" minimises: l2PerFrame plus config.validationRealism's realism penalty */
  readonly score: number;
}

/** L_L2 a frame plus `weight` ((ln r_motion)^2 + max(0, ln r_jitter)^2) (config.ts validationRealism). */
export function validationScore(l2PerFrame: number, motionRatio: number, jitterRatio: number, weight: number): number {
  if (weight === 0) return l2PerFrame;
  const log = (r: number) => Math.log(Math.max(r, 1e-6));
  return l2PerFrame + weight * (log(motionRatio) ** 2 + Math.max(0, log(jitterRatio)) ** 2);
}

/** Normalised generated poses [L, 6] for one segment, started at its real first pose. */
export function generateSegment(engine: Engine, generator: PoseGenerator, dataset: Dataset, clipIndex: number, from: number, length: number): { generated: Tensor; real: Tensor; initial: Tensor } {
  const c = generator.config;
  const arrays = poseBatch(dataset, [[clipIndex, from]], { length });
  const windows = tensor(engine, arrays.audio, [length, c.featureCount, c.windowFrames], 'segment.audio');
  const initial = tensor(engine, arrays.initial, [1, c.poseChannels], 'segment.initial');
  const real = tensor(engine, arrays.pose, [length, c.poseChannels], 'segment.pose');
  return { generated: generatePoseSequence(generator, windows, initial), real, initial };
}

export async function validatePoseGan(engine: Engine, generator: PoseGenerator, dataset: Dataset, split: Split, weights: { alpha: number; beta: number; validationRealism: number }): Promise<PoseValidation> {
  generator.train(false);
  let frames = 0;
  const realPoses: Float32Array[] = [];
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
  const [ours, theirs] = [motionProfile(generatedPoses), motionProfile(realPoses)];
  const posePerFrame = pose! / frames;
  const motionPerFrame = motion! / frames;
  const l2PerFrame = weights.alpha * posePerFrame + weights.beta * motionPerFrame;
  const rotationMotionRatio = overChannels(ours.motion, ROTATION_CHANNELS) / overChannels(theirs.motion, ROTATION_CHANNELS);
  const rotationJitterRatio = overChannels(ours.jitter, ROTATION_CHANNELS) / overChannels(theirs.jitter, ROTATION_CHANNELS);
  return {
    posePerFrame, motionPerFrame, l2PerFrame, frames, rotationMotionRatio, rotationJitterRatio,
    score: validationScore(l2PerFrame, rotationMotionRatio, rotationJitterRatio, weights.validationRealism),
  };
}
