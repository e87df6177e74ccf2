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
import { generatePoseSequence } from '../inference/generate.ts';
import type { PoseGenerator } from '../posegan/generator.ts';

export interface PoseValidation {
  /** Sums over all segments divided by their total frames. */
  readonly posePerFrame: number;
  readonly motionPerFrame: number;
  /** alpha posePerFrame + beta motionPerFrame: what "best on validation" minimises. */
  readonly l2PerFrame: number;
  readonly frames: number;
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

export async function validatePoseGan(engine: Engine, generator: PoseGenerator, dataset: Dataset, split: Split, weights: { alpha: number; beta: number }): Promise<PoseValidation> {
  generator.train(false);
  let frames = 0;
  const total = engine.noGrad(() =>
    engine.tidy(() => {
      let sum: Tensor | null = null;
      for (const segment of segmentFrames(dataset, split)) {
        if (segment.length < 2) continue;
        const { generated, real, initial } = generateSegment(engine, generator, dataset, segment.clip.index, segment.range[0], segment.length);
        const losses = poseReconstructionLosses(reshape(generated, [1, segment.length, 6]), reshape(real, [1, segment.length, 6]), initial);
        sum = sum ? add(sum, losses) : losses;
        frames += segment.length;
      }
      return sum;
    }),
  );
  generator.train(true);
  if (!total || frames === 0) throw new Error(`validatePoseGan: the ${split} split has no segment of 2 frames or more`);
  const [pose, motion] = await total.read();
  total.dispose();
  const posePerFrame = pose! / frames;
  const motionPerFrame = motion! / frames;
  return { posePerFrame, motionPerFrame, l2PerFrame: weights.alpha * posePerFrame + weights.beta * motionPerFrame, frames };
}
