// Declarations of conv1d, convTranspose1d and upsampleNearest1d (core/ops/conv1d.ts). Shapes cover channels and
// kernels of 1, odd lengths and 255/257 (one past a block of positions), stride 2 and 3, dilation 2, padding
// 0/1/2, a length-1 input, and few weights over a long sequence (the weight gradient splits its sum).
import { conv1d, convTranspose1d, upsampleNearest1d } from '../conv1d.ts';
import type { OpBenchmark, OpCase, OpDeclaration, SizePicker, Tolerance } from '../declaration.ts';
import {
  conv1dGradBiasReference, conv1dGradInputReference, conv1dGradWeightReference, conv1dOutputLengthReference, conv1dReference,
  convTranspose1dGradInputReference, convTranspose1dGradWeightReference, convTranspose1dOutputLengthReference, convTranspose1dReference,
  upsampleNearest1dBackwardReference, upsampleNearest1dReference,
} from '../../reference/conv1d.ts';
import type { Shape } from '../../shape.ts';
import { EXACT, input, output } from './common.ts';

/** Sums of n float32 products of values in [-1, 1]: the rounding error grows with n. */
const sumTolerance = (n: number): Tolerance => ({ atol: 2e-6 * Math.max(n, 4), rtol: 1e-4 });

interface ConvArgs {
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  /** Whether the third input, bias, is given. */
  readonly bias: boolean;
  /** The fused leaky ReLU's slope, when there is one. */
  readonly leakySlope?: number;
}

/** A conv1d case: x [batch, inChannels, inLength], w [outChannels, inChannels, kernelSize]. */
interface ConvShape {
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly inLength: number;
  readonly kernelSize: number;
}

type ConvCase = ConvShape & ConvArgs;

const describe = (c: ConvCase) =>
  `x [${c.batch},${c.inChannels},${c.inLength}] w [${c.outChannels},${c.inChannels},${c.kernelSize}] stride ${c.stride} padding ${c.padding} dilation ${c.dilation}${c.bias ? '' : ' no bias'}`;

const convShape = (shapes: readonly Shape[]): ConvShape => {
  const [[batch, inChannels, inLength], [outChannels, , kernelSize]] = shapes as [[number, number, number], [number, number, number]];
  return { batch, inChannels, inLength, outChannels, kernelSize };
};

const CASES: readonly ConvCase[] = [
  { batch: 1, inChannels: 1, outChannels: 1, inLength: 7, kernelSize: 1, stride: 1, padding: 0, dilation: 1, bias: true },
  { batch: 2, inChannels: 3, outChannels: 5, inLength: 255, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true },
  { batch: 1, inChannels: 4, outChannels: 6, inLength: 257, kernelSize: 5, stride: 2, padding: 2, dilation: 1, bias: false },
  { batch: 3, inChannels: 5, outChannels: 3, inLength: 31, kernelSize: 3, stride: 1, padding: 2, dilation: 2, bias: true },
  { batch: 2, inChannels: 6, outChannels: 7, inLength: 257, kernelSize: 4, stride: 2, padding: 1, dilation: 2, bias: true },
  { batch: 1, inChannels: 1, outChannels: 8, inLength: 64, kernelSize: 7, stride: 1, padding: 3, dilation: 1, bias: true },
  { batch: 2, inChannels: 9, outChannels: 1, inLength: 33, kernelSize: 2, stride: 3, padding: 0, dilation: 1, bias: true },
  { batch: 5, inChannels: 2, outChannels: 2, inLength: 1, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true },
  { batch: 1, inChannels: 16, outChannels: 16, inLength: 100, kernelSize: 5, stride: 1, padding: 2, dilation: 1, bias: true },
  // Few weights over a long sequence: the weight gradient's (batch, time) sum is split over many threads.
  { batch: 4, inChannels: 1, outChannels: 2, inLength: 2001, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true },
];

const GRAD_CASES: readonly ConvCase[] = [
  { batch: 2, inChannels: 3, outChannels: 2, inLength: 9, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true },
  { batch: 1, inChannels: 2, outChannels: 3, inLength: 11, kernelSize: 3, stride: 2, padding: 1, dilation: 1, bias: true },
  { batch: 2, inChannels: 1, outChannels: 5, inLength: 13, kernelSize: 2, stride: 1, padding: 2, dilation: 2, bias: true },
  { batch: 1, inChannels: 5, outChannels: 1, inLength: 17, kernelSize: 3, stride: 2, padding: 0, dilation: 2, bias: true },
  { batch: 3, inChannels: 2, outChannels: 2, inLength: 5, kernelSize: 1, stride: 1, padding: 0, dilation: 1, bias: true },
  // Without a bias the op takes gradients for x and weight only.
  { batch: 1, inChannels: 2, outChannels: 3, inLength: 11, kernelSize: 3, stride: 2, padding: 1, dilation: 1, bias: false },
];

const convInputs = (c: ConvCase) => [
  input('x', [c.batch, c.inChannels, c.inLength]), input('weight', [c.outChannels, c.inChannels, c.kernelSize]),
  ...(c.bias ? [input('bias', [c.outChannels])] : []),
];
const argsOf = ({ stride, padding, dilation, bias }: ConvCase): ConvArgs => ({ stride, padding, dilation, bias });

function conv1dCases(): OpCase<ConvArgs>[] {
  const checked = CASES.map((c, n) => {
    const lout = conv1dOutputLengthReference(c, c);
    return {
      name: `odd shapes: ${describe(c)}`, inputs: convInputs(c), args: argsOf(c), seed: 10 * n,
      forward: sumTolerance(c.inChannels * c.kernelSize),
      backward: [sumTolerance(c.outChannels * c.kernelSize), sumTolerance(c.batch * lout), sumTolerance(c.batch * lout)],
    };
  });
  // A thread a batch item (its 1 position and 1 channel fill one block), 64 threads a workgroup.
  const wide: ConvCase = { batch: 65535 * 64 + 999, inChannels: 1, outChannels: 1, inLength: 1, kernelSize: 3, stride: 1, padding: 1, dilation: 1, bias: true };
  const large = {
    name: `more than 65535 workgroups: ${describe(wide)}`, inputs: convInputs(wide), args: argsOf(wide), seed: 99, largeGrid: true,
    forward: sumTolerance(3), backward: [sumTolerance(3), { atol: 1e-2, rtol: 1e-4 }, { atol: 1e-2, rtol: 1e-4 }],
  };
  const finite = GRAD_CASES.map((c) => ({ name: describe(c), inputs: convInputs(c), args: argsOf(c), seed: 7, finiteDifferences: {} }));
  // Followed by a leaky ReLU in the same op (PoseGAN's audio encoder and input layer).
  const leaky = [CASES[1]!, CASES[2]!, CASES[8]!].map((c, n) => ({
    name: `${describe(c)}, then leaky ReLU 0.2`, inputs: convInputs(c), args: { ...argsOf(c), leakySlope: 0.2 }, seed: 60 + n,
    forward: sumTolerance(c.inChannels * c.kernelSize),
  }));
  const leakyFinite = [GRAD_CASES[0]!, GRAD_CASES[1]!].map((c, n) => ({
    name: `${describe(c)}, then leaky ReLU 0.2`, inputs: convInputs(c), args: { ...argsOf(c), leakySlope: 0.2 }, seed: 70 + n, finiteDifferences: {},
  }));
  return [...checked, large, ...finite, ...leaky, ...leakyFinite];
}

// The model's convolutions (benchmarks/kernels.ts), each direction its own row: U-Net level 1, 64 -> 64 channels
// at full resolution, K5 "same"; and a 2x down-sampling, 128 -> 128 channels, K4 stride 2.
function conv1dBenchmarks(q: SizePicker): OpBenchmark<ConvArgs>[] {
  const batch = q(64, 2);
  const levels = [
    { level: 'level1', channels: q(64, 8), length: q(256, 16), kernelSize: 5, stride: 1, padding: 2 },
    { level: 'down2', channels: q(128, 8), length: q(64, 8), kernelSize: 4, stride: 2, padding: 1 },
  ];
  const directions = [['forward', undefined], ['grad_input', [0]], ['grad_weight', [1]]] as const;
  return directions.flatMap(([direction, backwardOf]) => levels.map((l) => ({
    name: `conv1d.${direction}.${l.level}`, bound: 'compute' as const,
    inputs: [[batch, l.channels, l.length], [l.channels, l.channels, l.kernelSize]],
    args: { stride: l.stride, padding: l.padding, dilation: 1, bias: false }, ...(backwardOf ? { backwardOf } : {}),
  })));
}

export const conv1dDeclaration = {
  op: conv1d,
  run: ([x, w, b], args) => conv1d(x!, w!, args.bias ? b! : null, args),
  reference: ([x, w, b], args, { shapes }) => {
    const shape = convShape(shapes);
    const y = conv1dReference(x!, w!, args.bias ? b! : null, shape, args);
    const slope = args.leakySlope;
    const activated = slope === undefined ? y : Float64Array.from(y, (v) => (v > 0 ? v : slope * v));
    return output(activated, [shape.batch, shape.outChannels, conv1dOutputLengthReference(shape, args)]);
  },
  backwardReference: ([x, w], dy, args, { shapes }) => {
    const shape = convShape(shapes);
    const lout = conv1dOutputLengthReference(shape, args);
    return [
      conv1dGradInputReference(dy, w!, shape, args), conv1dGradWeightReference(dy, x!, shape, args),
      ...(args.bias ? [conv1dGradBiasReference(dy, shape.batch, shape.outChannels, lout)] : []),
    ];
  },
  cases: conv1dCases,
  benchmarks: conv1dBenchmarks,
} satisfies OpDeclaration<ConvArgs>;

// ------------------------------------------------------------------------------------------------ convTranspose1d

interface ConvTransposeArgs extends ConvArgs {
  readonly outputPadding: number;
}

/** x [batch, inChannels, inLength], w [inChannels, outChannels, kernelSize]. */
const TRANSPOSE_CASES: readonly (ConvShape & ConvTransposeArgs)[] = [
  { batch: 2, inChannels: 3, outChannels: 5, inLength: 129, kernelSize: 4, stride: 2, padding: 1, outputPadding: 1, dilation: 1, bias: true },
  { batch: 1, inChannels: 6, outChannels: 2, inLength: 31, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, dilation: 1, bias: true },
  { batch: 3, inChannels: 1, outChannels: 1, inLength: 8, kernelSize: 1, stride: 1, padding: 0, outputPadding: 0, dilation: 1, bias: true },
  { batch: 1, inChannels: 4, outChannels: 3, inLength: 17, kernelSize: 3, stride: 3, padding: 2, outputPadding: 2, dilation: 2, bias: true },
  // outputPadding >= stride (allowed as it is < dilation): the conv1d this is the gradient of reads past the input.
  { batch: 2, inChannels: 2, outChannels: 3, inLength: 10, kernelSize: 3, stride: 1, padding: 1, outputPadding: 1, dilation: 2, bias: true },
];

const transposeShape = (shapes: readonly Shape[]) => {
  const [[batch, inChannels, inLength], [, outChannels, kernelSize]] = shapes as [[number, number, number], [number, number, number]];
  return { batch, inChannels, inLength, outChannels, kernelSize };
};

function convTranspose1dCases(): OpCase<ConvTransposeArgs>[] {
  return TRANSPOSE_CASES.flatMap((c, n) => {
    const { batch, inChannels, inLength, outChannels, kernelSize, ...args } = c;
    const lout = convTranspose1dOutputLengthReference(inLength, kernelSize, c);
    const name = `x [${batch},${inChannels},${inLength}] w [${inChannels},${outChannels},${kernelSize}] stride ${c.stride} padding ${c.padding} outputPadding ${c.outputPadding} dilation ${c.dilation}`;
    const inputs = [input('x', [batch, inChannels, inLength]), input('weight', [inChannels, outChannels, kernelSize]), input('bias', [outChannels])];
    const checked: OpCase<ConvTransposeArgs> = {
      name, inputs, args, seed: n, forward: sumTolerance(inChannels * kernelSize),
      backward: [sumTolerance(outChannels * kernelSize), sumTolerance(batch * inLength), sumTolerance(batch * lout)],
    };
    return n === 0 ? [checked] : [checked, { name: `${name}, small`, inputs, args, seed: 21, finiteDifferences: {} }];
  });
}

export const convTranspose1dDeclaration = {
  op: convTranspose1d,
  run: ([x, w, b], args) => convTranspose1d(x!, w!, args.bias ? b! : null, args),
  reference: ([x, w, b], args, { shapes }) => {
    const shape = transposeShape(shapes);
    const y = convTranspose1dReference(x!, w!, args.bias ? b! : null, shape, args);
    return output(y, [shape.batch, shape.outChannels, convTranspose1dOutputLengthReference(shape.inLength, shape.kernelSize, args)]);
  },
  backwardReference: ([x, w], dy, args, { shapes }) => {
    const shape = transposeShape(shapes);
    const lout = convTranspose1dOutputLengthReference(shape.inLength, shape.kernelSize, args);
    return [
      convTranspose1dGradInputReference(dy, w!, shape, args), convTranspose1dGradWeightReference(dy, x!, shape, args),
      ...(args.bias ? [conv1dGradBiasReference(dy, shape.batch, shape.outChannels, lout)] : []),
    ];
  },
  cases: convTranspose1dCases,
} satisfies OpDeclaration<ConvTransposeArgs>;

// ------------------------------------------------------------------------------------------------ upsampleNearest1d

export const upsampleNearest1dDeclaration = {
  op: upsampleNearest1d,
  run: ([x], { factor }) => upsampleNearest1d(x!, factor),
  reference: ([x], { factor }, { shapes }) => {
    const [batch, channels, length] = shapes[0] as [number, number, number];
    return output(upsampleNearest1dReference(x!, batch * channels, length, factor), [batch, channels, length * factor]);
  },
  backwardReference: (_, dy, { factor }, { shapes }) => {
    const [batch, channels, length] = shapes[0] as [number, number, number];
    return [upsampleNearest1dBackwardReference(dy, batch * channels, length, factor)];
  },
  cases: () => [
    ...[1, 2, 3].map((factor) => ({
      name: `[2,3,17] by ${factor}`, inputs: [input('x', [2, 3, 17])], args: { factor }, seed: factor, forward: EXACT, backward: sumTolerance(factor),
    })),
    { name: '[1,2,5] by 2', inputs: [input('x', [1, 2, 5])], args: { factor: 2 }, seed: 5, finiteDifferences: {} },
    // x's element count a multiple of 4: the vec4 kernels (core/kernels/upsample.wgsl), rows of odd length included
    // (they read x flat, so a vec4 may span two rows), and a factor past their limit of 8.
    ...([[2, 3, 8, 2], [1, 4, 3, 3], [3, 2, 6, 5], [1, 1, 4, 1], [2, 2, 1, 9]] as const).map(([b, c, l, factor]) => ({
      name: `[${b},${c},${l}] by ${factor} (vec4${factor > 8 ? ' count, factor over 8: scalar' : ''})`, inputs: [input('x', [b, c, l])], args: { factor }, seed: 10 + factor,
      forward: EXACT, backward: sumTolerance(factor),
    })),
    { name: '[1,3,4] by 2 (vec4)', inputs: [input('x', [1, 3, 4])], args: { factor: 2 }, seed: 6, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<{ factor: number }>;
