// Declaration of poseReconstructionLosses (talking-head/ops/pose-loss.ts), PoseGAN's Eq. (3) and (4).
import { poseReconstructionLosses } from '../pose-loss.ts';
import type { OpDeclaration } from '../../../core/ops/declaration.ts';
import { data, input, output } from '../../../core/ops/declarations/common.ts';
import { poseReconstructionLossesReference } from '../../reference/pose-loss.ts';

/** generated [B, T, C] (differentiable), real [B, T, C] and initial [B, C] (data). */
const inputs = (batch: number, frames: number, channels: number) => [
  input('generated', [batch, frames, channels]), data('real', [batch, frames, channels]), data('initial', [batch, channels]),
];

export const poseReconstructionLossesDeclaration = {
  op: poseReconstructionLosses,
  run: ([generated, real, initial]) => poseReconstructionLosses(generated!, real!, initial!),
  reference: ([generated, real, initial], _, { shapes }) => {
    const [batch, frames, channels] = shapes[0] as [number, number, number];
    return output(poseReconstructionLossesReference(generated!, real!, initial!, batch, frames, channels), [batch, 2]);
  },
  cases: () => [
    ...([[1, 1, 6], [2, 2, 6], [3, 7, 6], [4, 256, 6], [1, 257, 1]] as const).map(([b, t, c]) => ({
      name: `[${b},${t},${c}] (T = ${t})`, inputs: inputs(b, t, c), args: {}, forward: { atol: 1e-4, rtol: 1e-5 },
    })),
    { name: '[2,9,6], both terms, first and last frames included', inputs: inputs(2, 9, 6), args: {}, seed: 4, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<Record<string, never>>;
