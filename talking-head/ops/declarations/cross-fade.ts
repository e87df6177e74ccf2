// Declaration of crossFade (talking-head/ops/cross-fade.ts): inference's window cross-fade.
import { crossFade } from '../cross-fade.ts';
import type { OpDeclaration } from '../../../core/ops/declaration.ts';
import { F32, input, output } from '../../../core/ops/declarations/common.ts';
import { crossFadeBackwardReference, crossFadeReference } from '../../reference/cross-fade.ts';

const inputs = (frames: number, tailFrames: number, channels: number) => [input('poses', [frames, channels]), input('tail', [tailFrames, channels])];

export const crossFadeDeclaration = {
  op: crossFade,
  run: ([poses, tail]) => crossFade(poses!, tail!),
  reference: ([poses, tail], _, { shapes }) => {
    const [frames, channels] = shapes[0] as [number, number];
    return output(crossFadeReference(poses!, tail!, frames, shapes[1]![0]!, channels), shapes[0]!);
  },
  backwardReference: (_, dout, __, { shapes }) => {
    const [frames, channels] = shapes[0] as [number, number];
    return crossFadeBackwardReference(dout, frames, shapes[1]![0]!, channels);
  },
  cases: () => [
    // inference's: a full window after a window's 32-frame overlap; the end window (fewer frames than the tail);
    // a tail of one frame (w_0 = 0: the tail's frame itself); odd sizes around a workgroup of 64
    ...([[256, 32, 6, 'a window after a 32-frame overlap'], [7, 32, 6, 'fewer frames than the tail: all of them fade'], [5, 1, 6, 'a one-frame tail'], [67, 13, 3, 'odd sizes'], [1, 1, 1, 'one value'], [5, 0, 6, 'an empty tail: the poses themselves']] as const).map(([l, k, c, what]) => ({
      name: `[${l},${c}] from [${k},${c}] (${what})`, inputs: inputs(l, k, c), args: {}, forward: F32, backward: F32,
    })),
    { name: '[9,6] from [4,6]', inputs: inputs(9, 4, 6), args: {}, seed: 3, finiteDifferences: {} },
    { name: '[3,2] from [5,2] (tail longer)', inputs: inputs(3, 5, 2), args: {}, seed: 4, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<Record<string, never>>;
