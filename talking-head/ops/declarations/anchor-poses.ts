// Declaration of anchorPoses (talking-head/ops/anchor-poses.ts): PoseGAN's anchored, frame-major output.
import { anchorPoses } from '../anchor-poses.ts';
import type { OpDeclaration } from '../../../core/ops/declaration.ts';
import { F32, input, output } from '../../../core/ops/declarations/common.ts';
import { anchorPosesBackwardReference, anchorPosesReference } from '../../reference/anchor-poses.ts';

const inputs = (batch: number, channels: number, frames: number) => [input('out', [batch, channels, frames]), input('initial', [batch, channels])];

export const anchorPosesDeclaration = {
  op: anchorPoses,
  run: ([out, initial]) => anchorPoses(out!, initial!),
  reference: ([out, initial], _, { shapes }) => {
    const [batch, channels, frames] = shapes[0] as [number, number, number];
    return output(anchorPosesReference(out!, initial!, batch, channels, frames), [batch, frames, channels]);
  },
  backwardReference: (_, dy, __, { shapes }) => {
    const [batch, channels, frames] = shapes[0] as [number, number, number];
    return anchorPosesBackwardReference(dy, batch, channels, frames);
  },
  cases: () => [
    // generation's window, a training batch, a short window, odd sizes, one frame (y = p)
    ...([[1, 6, 256, 'a generation window'], [64, 6, 256, 'a training batch'], [2, 6, 58, 'a short window'], [3, 5, 67, 'odd sizes'], [2, 3, 1, 'one frame: y = p']] as const).map(([b, c, t, what]) => ({
      name: `[${b},${c},${t}] (${what})`, inputs: inputs(b, c, t), args: {}, forward: F32, backward: F32,
    })),
    { name: '[2,6,9]', inputs: inputs(2, 6, 9), args: {}, seed: 6, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<Record<string, never>>;
