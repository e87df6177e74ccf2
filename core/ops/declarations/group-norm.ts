// Declaration of groupNorm (core/ops/group-norm.ts), with and without gamma and beta.
import { groupNorm } from '../group-norm.ts';
import type { OpCase, OpDeclaration, Tolerance } from '../declaration.ts';
import { groupNormReference } from '../../reference/group-norm.ts';
import { input, output } from './common.ts';

interface GroupNormArgs {
  readonly groups: number;
  /** Whether gamma [C] and beta [C] follow x as inputs. */
  readonly affine: boolean;
  /** The fused leaky ReLU's slope, when there is one. */
  readonly leakySlope?: number;
}

const leaky = (values: ArrayLike<number>, slope: number | undefined) =>
  slope === undefined ? values : Float64Array.from(values, (v) => (v > 0 ? v : slope * v));

const TOLERANCE: Tolerance = { atol: 2e-5, rtol: 1e-4 };

const CASES: readonly { shape: readonly [number, number, number]; groups: number; what: string }[] = [
  { shape: [1, 1, 1], groups: 1, what: 'one value (variance 0: y = beta)' },
  { shape: [2, 6, 7], groups: 3, what: 'odd length' },
  { shape: [1, 8, 255], groups: 8, what: 'InstanceNorm (groups = channels)' },
  { shape: [2, 4, 257], groups: 1, what: 'LayerNorm over channels and time (groups = 1)' },
  { shape: [3, 32, 256], groups: 8, what: 'a posedyn U-Net block' },
  { shape: [1, 4, 1000], groups: 2, what: 'rows longer than a workgroup' },
  { shape: [2, 512, 3], groups: 2, what: 'many short rows a group' },
  { shape: [2, 8, 12], groups: 4, what: 'rows of whole vec4s' },
];

function groupNormCases(): OpCase<GroupNormArgs>[] {
  const inputs = (shape: readonly number[], affine: boolean, low = -2, high = 3) => [
    input('x', shape, low, high), ...(affine ? [input('gamma', [shape[1]!], 0.5, 1.5), input('beta', [shape[1]!])] : []),
  ];
  const forward = [true, false].flatMap((affine) => CASES.map(({ shape, groups, what }) => ({
    name: `[${shape}] G${groups} ${affine ? 'with' : 'without'} gamma and beta, ${what}`, inputs: inputs(shape, affine), args: { groups, affine },
    seed: shape[1] + groups, forward: TOLERANCE,
  })));
  // [2, 4, 8] and [1, 8, 4]: rows of whole vec4s, which the subgroup variants need.
  const finite = ([[[2, 4, 5], 2], [[1, 3, 7], 3], [[2, 6, 3], 1], [[2, 4, 8], 2], [[1, 8, 4], 4]] as const).flatMap(([shape, groups]) => [true, false].map((affine) => ({
    name: `[${shape}] G${groups} ${affine ? 'with' : 'without'} gamma and beta, small`, inputs: inputs(shape, affine, -2, 2), args: { groups, affine },
    seed: 30 + groups, finiteDifferences: {},
  })));
  // Followed by a leaky ReLU in the same op (the U-Net's GroupNorm -> leaky ReLU).
  const fused = ([[[3, 32, 256], 8, true], [[2, 6, 7], 3, false]] as const).map(([shape, groups, affine]) => ({
    name: `[${shape}] G${groups} ${affine ? 'with' : 'without'} gamma and beta, then leaky ReLU 0.2`, inputs: inputs(shape, affine),
    args: { groups, affine, leakySlope: 0.2 }, seed: 40 + groups, forward: TOLERANCE,
  }));
  const fusedFinite = ([[[2, 4, 8], 2, true], [[1, 3, 7], 3, true]] as const).map(([shape, groups, affine]) => ({
    name: `[${shape}] G${groups} with gamma and beta, then leaky ReLU 0.2, small`, inputs: inputs(shape, affine, -2, 2),
    args: { groups, affine, leakySlope: 0.2 }, seed: 50 + groups, finiteDifferences: {},
  }));
  return [...forward, ...finite, ...fused, ...fusedFinite];
}

export const groupNormDeclaration = {
  op: groupNorm,
  run: ([x, gamma, beta], { groups, affine, leakySlope }) =>
    groupNorm(x!, { groups, gamma: affine ? gamma! : null, beta: affine ? beta! : null, ...(leakySlope !== undefined ? { leakySlope } : {}) }),
  reference: ([x, gamma, beta], { groups, affine, leakySlope }, { shapes }) => {
    const shape = shapes[0] as [number, number, number];
    return output(leaky(groupNormReference(x!, shape, groups, affine ? gamma! : null, affine ? beta! : null), leakySlope), shape);
  },
  cases: groupNormCases,
  // A U-Net block's normalisation at the model's shape (benchmarks/kernels.ts): [64, 64, 256] in 8 groups, forward.
  benchmarks: (q) => {
    const [x, groups] = [[q(64, 2), q(64, 8), q(256, 16)], q(8, 2)];
    return [{
      name: 'group-norm.forward', bound: 'memory', inputs: [x, [x[1]!], [x[1]!]], args: { groups, affine: true }, shapes: `groupNorm [${x}] G${groups} forward`,
    }];
  },
} satisfies OpDeclaration<GroupNormArgs>;
