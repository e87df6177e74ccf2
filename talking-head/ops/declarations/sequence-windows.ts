// Declaration of sequenceWindows (talking-head/ops/sequence-windows.ts): the audio encoder's first layer, computed
// over the feature sequence, cut into the per-frame windows.
import { sequenceWindows } from '../sequence-windows.ts';
import type { OpDeclaration } from '../../../core/ops/declaration.ts';
import { F32, input, output } from '../../../core/ops/declarations/common.ts';
import { sequenceWindowsBackwardReference, sequenceWindowsReference } from '../../reference/sequence-windows.ts';

interface SequenceWindowsArgs {
  readonly frames: number;
  readonly window: number;
  readonly slope: number;
}

// Values kept off the activation's kink at 0, where the finite differences would straddle it.
const inputs = (channels: number, length: number) => [input('stacked', [3 * channels, length], -1, 1, { avoid: [0], gap: 1e-2 })];

export const sequenceWindowsDeclaration = {
  op: sequenceWindows,
  run: ([stacked], args) => sequenceWindows(stacked!, args),
  reference: ([stacked], args, { shapes }) => {
    const [rows, length] = shapes[0] as [number, number];
    return output(sequenceWindowsReference(stacked!, args.frames, rows / 3, args.window, length, args.slope), [args.frames, rows / 3, args.window]);
  },
  backwardReference: ([stacked], dout, args, { shapes }) => {
    const [rows, length] = shapes[0] as [number, number];
    return [sequenceWindowsBackwardReference(dout, stacked!, args.frames, rows / 3, args.window, length, args.slope)];
  },
  cases: () => [
    // PoseGAN's encoder on a 60 s clip (1800 windows of 16 over 1800 + 2 x 8 positions, 16 channels), PGFace's
    // wider one on a chunk; odd sizes with spare positions; the shortest window (no middle columns); one window;
    // no activation (slope 1)
    ...([[1800, 16, 16, 1816, 0.2, "PoseGAN's encoder, 60 s"], [1024, 32, 16, 1040, 0.2, "PGFace's encoder, a chunk"], [37, 5, 7, 47, 0.2, 'odd sizes, spare positions'],
      [9, 3, 2, 10, 0.2, 'two columns: edges only'], [1, 4, 16, 17, 0.2, 'one window'], [13, 3, 5, 17, 1, 'no activation']] as const).map(([n, c, w, l, a, what]) => ({
      name: `[${n},${c},${w}] of [3x${c},${l}] a=${a} (${what})`, inputs: inputs(c, l), args: { frames: n, window: w, slope: a }, forward: F32, backward: F32,
    })),
    { name: '[6,2,5] of [3x2,12] a=0.2', inputs: inputs(2, 12), args: { frames: 6, window: 5, slope: 0.2 }, seed: 5, finiteDifferences: {} },
    { name: '[3,2,2] of [3x2,4] a=0.2 (edges only)', inputs: inputs(2, 4), args: { frames: 3, window: 2, slope: 0.2 }, seed: 6, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<SequenceWindowsArgs>;
