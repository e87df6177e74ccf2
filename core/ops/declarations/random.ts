// Declarations of dropout, randomUniform and randomNormal (core/ops/dropout.ts). Each draws its seed from
// engine.nextSeed(); given that seed its output is a pure function of (seed, index), so the references
// (core/reference/random.ts) check every element. The statistics (kept fraction, mean, spread, independence,
// repetition under a seed) are tested on their own in tests/core/dropout.test.ts.
import { dropout, randomNormal, randomUniform } from '../dropout.ts';
import type { OpDeclaration, Tolerance } from '../declaration.ts';
import { dropoutReference, randomNormalReference, randomUniformReference } from '../../reference/random.ts';
import type { Shape } from '../../shape.ts';
import { EXACT, F32, formatShape, input, output, sizeOf } from './common.ts';

interface DropoutArgs {
  readonly p: number;
  readonly training: boolean;
}

const masked = (x: Float64Array, { p, training }: DropoutArgs, seed: number) => (training && p > 0 ? dropoutReference(x, seed, p) : x);

export const dropoutDeclaration = {
  op: dropout,
  run: ([x], { p, training }) => dropout(x!, p, training),
  reference: ([x], args, { shapes, seed }) => output(masked(x!, args, seed), shapes[0]!),
  backwardReference: (_, dy, args, { seed }) => [masked(dy, args, seed)],
  cases: () => [
    // The identity: a view of x forward, the gradient passed through.
    ...([[0, true], [0.5, false]] as const).map(([p, training]) => ({
      name: `p = ${p}${training ? '' : ', not training'} (the identity), length 257`, inputs: [input('x', [257], 1, 2)], args: { p, training },
      forward: EXACT, backward: EXACT,
    })),
    // Kept values are x / (1 - p) in float32; the mask is exact.
    ...[0.1, 0.4, 0.9].flatMap((p) => [7, 4099].map((n) => ({
      name: `p = ${p}, length ${n}`, inputs: [input('x', [n], 1, 2)], args: { p, training: true }, seed: n, forward: F32, backward: F32,
    }))),
    { name: 'p = 0.4, [3,11]', inputs: [input('x', [3, 11])], args: { p: 0.4, training: true }, finiteDifferences: {} },
  ],
  random: true,
} satisfies OpDeclaration<DropoutArgs>;

interface DrawArgs {
  readonly shape: Shape;
  /** low and high for uniform draws, mean and standard deviation for normal ones. */
  readonly a: number;
  readonly b: number;
}

const DRAW_SHAPES: readonly Shape[] = [[1], [7], [3, 1367]];
/**
 * The normal draw goes through f32 log and cos: lavapipe stays within 6.5e-5 of float64 over 1M draws at deviation
 * 2; WGSL allows more (log near 1 to 2^-21 absolute, which the square root lifts), hence an absolute tolerance
 * scaled by the deviation, still far below the spread of the values.
 */
const normalTolerance = (deviation: number): Tolerance => ({ atol: 5e-4 * deviation, rtol: 1e-4 });

export const randomUniformDeclaration = {
  op: randomUniform,
  run: (_, { shape, a, b }, { engine }) => randomUniform(engine, shape, a, b),
  reference: (_, { shape, a, b }, { seed }) => output(randomUniformReference(sizeOf(shape), seed, a, b), shape),
  cases: () => DRAW_SHAPES.map((shape) => ({ name: `${formatShape(shape)} in [-2, 4)`, inputs: [], args: { shape, a: -2, b: 4 }, forward: { atol: 1e-6, rtol: 1e-6 } })),
  differentiable: false,
  random: true,
} satisfies OpDeclaration<DrawArgs>;

export const randomNormalDeclaration = {
  op: randomNormal,
  run: (_, { shape, a, b }, { engine }) => randomNormal(engine, shape, a, b),
  reference: (_, { shape, a, b }, { seed }) => output(randomNormalReference(sizeOf(shape), seed, a, b), shape),
  cases: () => DRAW_SHAPES.map((shape) => ({ name: `${formatShape(shape)}, mean 0.5, deviation 2`, inputs: [], args: { shape, a: 0.5, b: 2 }, forward: normalTolerance(2) })),
  differentiable: false,
  random: true,
} satisfies OpDeclaration<DrawArgs>;
