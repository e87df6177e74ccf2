// Declaration of anchorPoses (talking-head/ops/anchor-poses.ts): PoseGAN's anchored, frame-major output, without
// and with G's output filter (Eq. 1) in the same kernel.
import { anchorPoses } from '../anchor-poses.ts';
import type { OpDeclaration } from '../../../core/ops/declaration.ts';
import { F32, input, output } from '../../../core/ops/declarations/common.ts';
import { anchorPosesBackwardReference, anchorPosesReference } from '../../reference/anchor-poses.ts';

interface AnchorArgs {
  readonly sigma?: number;
}

const inputs = (batch: number, channels: number, frames: number) => [input('out', [batch, channels, frames]), input('initial', [batch, channels])];
const CASES = [
  [1, 6, 256, 'a generation window'], [64, 6, 256, 'a training batch'], [2, 6, 58, 'a short window'], [3, 5, 67, 'odd sizes'], [2, 3, 1, 'one frame: y = p'],
] as const;

export const anchorPosesDeclaration = {
  op: anchorPoses,
  run: ([out, initial], args) => anchorPoses(out!, initial!, args),
  reference: ([out, initial], args, { shapes }) => {
    const [batch, channels, frames] = shapes[0] as [number, number, number];
    return output(anchorPosesReference(out!, initial!, batch, channels, frames, args.sigma), [batch, frames, channels]);
  },
  backwardReference: (_, dy, args, { shapes }) => {
    const [batch, channels, frames] = shapes[0] as [number, number, number];
    return anchorPosesBackwardReference(dy, batch, channels, frames, args.sigma);
  },
  cases: () => [
    // generation's window, a training batch, a short window, odd sizes, one frame (y = p): plain, and filtered at
    // the shipped sigma 1.5 (m = 5); T = 3 < m and T = 1 clamp every tap onto the row
    ...CASES.map(([b, c, t, what]) => ({ name: `[${b},${c},${t}] (${what})`, inputs: inputs(b, c, t), args: {}, forward: F32, backward: F32 })),
    ...[...CASES, [2, 6, 3, 'T = 3 < m'] as const].map(([b, c, t, what]) => ({
      name: `[${b},${c},${t}] sigma 1.5 (${what}, filtered)`, inputs: inputs(b, c, t), args: { sigma: 1.5 }, forward: F32, backward: F32,
    })),
    { name: '[1,6,100] sigma 10 (the largest window, m = 30)', inputs: inputs(1, 6, 100), args: { sigma: 10 }, forward: F32, backward: F32 },
    { name: '[2,6,9]', inputs: inputs(2, 6, 9), args: {}, seed: 6, finiteDifferences: {} },
    { name: '[2,3,11] sigma 1.5 (filtered)', inputs: inputs(2, 3, 11), args: { sigma: 1.5 }, seed: 7, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<AnchorArgs>;
