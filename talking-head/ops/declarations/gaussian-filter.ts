// Declarations of gaussianTemporalFilter and smoothPoseSequence (talking-head/ops/gaussian-filter.ts), Eq. (1).
// The filter's behaviour (constant signals, impulse response, jitter reduction, refused windows) is tested on its
// own in tests/ops/gaussian-filter.test.ts.
import { gaussianTemporalFilter, smoothPoseSequence } from '../gaussian-filter.ts';
import type { OpCase, OpDeclaration } from '../../../core/ops/declaration.ts';
import { F32, formatShape, input, output } from '../../../core/ops/declarations/common.ts';
import type { Shape } from '../../../core/shape.ts';
import { MAX_WORKGROUPS_PER_DIMENSION } from '../../../core/kernels/launch.ts';
import { gaussianFilterBackwardReference, gaussianFilterReference } from '../../reference/gaussian-filter.ts';

interface FilterArgs {
  readonly sigma: number;
  readonly halfWindow?: number;
  readonly axis?: number;
}

/** x viewed as [outer, length, inner] around the filtered axis. */
function around(shape: Shape, axis = -1) {
  const a = axis < 0 ? axis + shape.length : axis;
  const product = (s: Shape) => s.reduce((p, d) => p * d, 1);
  return { outer: product(shape.slice(0, a)), length: shape[a]!, inner: product(shape.slice(a + 1)) };
}

const describe = (shape: Shape, { sigma, halfWindow, axis }: FilterArgs) =>
  `${formatShape(shape)} sigma ${sigma}${halfWindow === undefined ? '' : ` m ${halfWindow}`}${axis === undefined ? '' : ` along axis ${axis}`}`;

function filterCases(): OpCase<FilterArgs>[] {
  const forward: [Shape, FilterArgs, string][] = [
    [[1, 1, 1], { sigma: 2 }, 'T = 1: every tap clamps onto the one sample'],
    [[2, 3, 4], { sigma: 2 }, 'T = 4 < m = 6'],
    [[1, 6, 255], { sigma: 1.5 }, 'T = 255'],
    [[3, 1, 257], { sigma: 3 }, 'T = 257, C = 1'],
    [[2, 6, 256], { sigma: 0.7, halfWindow: 0 }, 'm = 0: the identity'],
    [[1, 2, 40], { sigma: 10, halfWindow: 31 }, 'the largest window'],
    [[2, 33, 5], { sigma: 1.2, axis: 1 }, 'the middle axis'],
  ];
  const finite: [Shape, FilterArgs][] = [
    [[1, 2, 9], { sigma: 1.5 }], [[2, 1, 3], { sigma: 2, halfWindow: 5 }], [[1, 1, 1], { sigma: 1, halfWindow: 3 }], [[1, 3, 30], { sigma: 0.8, halfWindow: 2 }],
  ];
  // More than 65535 workgroups of 64 threads: along the first axis of [T, 4], so the forward too runs a thread an
  // output (along rows it runs a block of outputs a thread, and this size would fit a 1-D grid).
  const channels = 4;
  const long: Shape = [Math.ceil((MAX_WORKGROUPS_PER_DIMENSION * 64 + 1000) / channels), channels];
  return [
    ...forward.map(([shape, args, what]) => ({ name: `${describe(shape, args)} (${what})`, inputs: [input('x', shape)], args, forward: F32, backward: F32 })),
    { name: `${describe(long, { sigma: 1, axis: 0 })} (more than 65535 workgroups)`, inputs: [input('x', long)], args: { sigma: 1, axis: 0 }, forward: F32, backward: F32, largeGrid: true },
    ...finite.map(([shape, args]) => ({
      name: `${describe(shape, args)} (edge taps pile onto the first and last samples)`, inputs: [input('x', shape)], args, finiteDifferences: { samples: 30 },
    })),
  ];
}

export const gaussianTemporalFilterDeclaration = {
  op: gaussianTemporalFilter,
  run: ([x], args) => gaussianTemporalFilter(x!, args),
  reference: ([x], { sigma, halfWindow, axis }, { shapes }) => {
    const { outer, length, inner } = around(shapes[0]!, axis);
    return output(gaussianFilterReference(x!, outer, length, inner, sigma, halfWindow), shapes[0]!);
  },
  backwardReference: (_, dy, { sigma, halfWindow, axis }, { shapes }) => {
    const { outer, length, inner } = around(shapes[0]!, axis);
    return [gaussianFilterBackwardReference(dy, outer, length, inner, sigma, halfWindow)];
  },
  cases: filterCases,
  // PoseGAN's smoothing at the model's shape (benchmarks/kernels.ts): [64, 64, 256] along time, sigma 2.
  benchmarks: (q) => {
    const shape = [q(64, 2), q(64, 6), q(256, 16)];
    return [{ name: 'gaussian-filter.poses', bound: 'memory', inputs: [shape], args: { sigma: 2 }, shapes: `gaussianTemporalFilter ${formatShape(shape)} sigma 2` }];
  },
} satisfies OpDeclaration<FilterArgs>;

export const smoothPoseSequenceDeclaration = {
  op: smoothPoseSequence,
  run: ([poses], { sigma, halfWindow }) => smoothPoseSequence(poses!, sigma, halfWindow),
  reference: ([poses], { sigma, halfWindow }, { shapes }) => {
    const [frames, channels] = shapes[0] as [number, number];
    return output(gaussianFilterReference(poses!, 1, frames, channels, sigma, halfWindow), shapes[0]!);
  },
  backwardReference: (_, dy, { sigma, halfWindow }, { shapes }) => {
    const [frames, channels] = shapes[0] as [number, number];
    return [gaussianFilterBackwardReference(dy, 1, frames, channels, sigma, halfWindow)];
  },
  cases: () => [
    ...[1, 5, 257].map((frames) => ({
      name: `poses [${frames},6] along time, channels kept apart`, inputs: [input('poses', [frames, 6])], args: { sigma: 2 }, seed: frames, forward: F32, backward: F32,
    })),
    { name: 'poses [7,6] sigma 1.5', inputs: [input('poses', [7, 6])], args: { sigma: 1.5 }, seed: 5, finiteDifferences: { samples: 42 } },
  ],
} satisfies OpDeclaration<{ sigma: number; halfWindow?: number }>;
