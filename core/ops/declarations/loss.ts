// Declarations of mseLoss and bceWithLogits (core/ops/loss.ts): means over up to 100003 elements, BCE against
// 0/1 labels, soft targets and a constant label. The saturation behaviour at |z| = 1e4 is tested on its own
// (tests/core/loss.test.ts).
import { bceWithLogits, mseLoss } from '../loss.ts';
import type { CaseInput, OpCase, OpDeclaration, Tolerance } from '../declaration.ts';
import { bceWithLogitsReference, mseLossReference } from '../../reference/loss.ts';
import type { Shape } from '../../shape.ts';
import { input, output } from './common.ts';

const SIZES = [1, 7, 255, 257, 100_003];
/** A mean of n float32 terms: the reduction's rounding grows like log n. */
const meanTolerance = (n: number): Tolerance => ({ atol: 1e-6, rtol: 1e-5 * Math.max(1, Math.log2(n)) });
/** Per-element gradients scaled by g / n. */
const GRADIENT: Tolerance = { atol: 1e-7, rtol: 1e-5 };

export const mseLossDeclaration = {
  op: mseLoss,
  run: ([pred, target]) => mseLoss(pred!, target!),
  reference: ([pred, target]) => output([mseLossReference(pred!, target!)], []),
  backwardReference: ([pred, target], [g]) => {
    const n = pred!.length;
    const dpred = Float64Array.from(pred!, (p, i) => (2 * (p - target![i]!) * g!) / n);
    return [dpred, dpred.map((v) => -v)];
  },
  cases: () => [
    ...SIZES.map((n) => ({
      name: `${n} elements`, inputs: [input('pred', [n], -3, 3), input('target', [n], -3, 3)], args: {}, seed: n,
      forward: meanTolerance(n), backward: GRADIENT,
    })),
    { name: '[3,5,7], both inputs', inputs: [input('pred', [3, 5, 7], -2, 2), input('target', [3, 5, 7], -2, 2)], args: {}, seed: 1, finiteDifferences: {} },
  ],
} satisfies OpDeclaration<Record<string, never>>;

/** Targets: a second input of the logits' shape, or one label for every element (no tensor). */
interface BceArgs {
  readonly target: 'tensor' | 0 | 1;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function bceCases(): OpCase<BceArgs>[] {
  const logits = (shape: Shape, low = -8, high = 8) => input('logits', shape, low, high);
  const sized = SIZES.flatMap((n) => {
    const targets: [string, CaseInput | null, BceArgs][] = [
      ['0/1 targets', { name: 'targets', shape: [n], labels: true }, { target: 'tensor' }],
      ['soft targets', input('targets', [n], 0, 1), { target: 'tensor' }],
      ['constant target 0', null, { target: 0 }],
      ['constant target 1', null, { target: 1 }],
    ];
    return targets.map(([what, target, args]) => ({
      name: `${n} elements, ${what}`, inputs: target ? [logits([n]), target] : [logits([n])], args, seed: n,
      forward: meanTolerance(n), backward: GRADIENT,
    }));
  });
  const shape = [3, 5, 7];
  return [
    ...sized,
    { name: '[3,5,7], soft targets, both inputs', inputs: [logits(shape, -6, 6), input('targets', shape, 0.1, 0.9)], args: { target: 'tensor' }, seed: 4, finiteDifferences: {} },
    ...([0, 1] as const).map((target) => ({ name: `[3,5,7], constant target ${target}`, inputs: [logits(shape, -6, 6)], args: { target }, seed: 5, finiteDifferences: {} })),
  ];
}

export const bceWithLogitsDeclaration = {
  op: bceWithLogits,
  run: ([z, y], { target }) => bceWithLogits(z!, target === 'tensor' ? y! : target),
  reference: ([z, y], { target }) => output([bceWithLogitsReference(z!, target === 'tensor' ? y! : target)], []),
  backwardReference: ([z, y], [g], { target }) => {
    const n = z!.length;
    const label = (i: number) => (target === 'tensor' ? y![i]! : target);
    const dz = Float64Array.from(z!, (v, i) => ((sigmoid(v) - label(i)) * g!) / n);
    return target === 'tensor' ? [dz, Float64Array.from(z!, (v) => (-v * g!) / n)] : [dz];
  },
  cases: bceCases,
} satisfies OpDeclaration<BceArgs>;
