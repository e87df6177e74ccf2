// Declaration of maskedVertexLosses (talking-head/ops/masked-vertex-loss.ts), PGFace's Eq. (7) and (8). The op
// takes the quadratic form Q = Bᵀ M² B; its reference is the paper's explicit per-vertex form on the basis B and
// mask M, so the check covers the reformulation too.
import { maskedVertexLosses } from '../masked-vertex-loss.ts';
import { tensor } from '../../../core/creation.ts';
import type { OpCase, OpDeclaration } from '../../../core/ops/declaration.ts';
import { data, input, output } from '../../../core/ops/declarations/common.ts';
import { maskedVertexLossesReference, vertexQuadraticForm } from '../../reference/masked-vertex-loss.ts';

/** A small random "face model": V vertices, K coefficients, a mask of 10 on a third of the vertices. */
const model = (vertices: number, k: number, pairs: number) => [
  input('predicted', [2 * pairs, k]), data('target', [2 * pairs, k]), data('basis', [3 * vertices, k]),
  { name: 'mask', shape: [vertices], values: Array.from({ length: vertices }, (_, v) => (v % 3 === 0 ? 10 : 1)), differentiable: false },
];

function cases(): OpCase<Record<string, never>>[] {
  return [
    ...([[5, 3, 1], [40, 144, 4], [17, 7, 33]] as const).map(([v, k, p]) => ({
      name: `V = ${v}, K = ${k}, ${p} pairs`, inputs: model(v, k, p), args: {}, seed: v, forward: { atol: 1e-3, rtol: 1e-4 },
    })),
    { name: 'V = 9, K = 6, 3 pairs', inputs: model(9, 6, 3), args: {}, seed: 4, finiteDifferences: { rtol: 5e-3 } },
  ];
}

export const maskedVertexLossesDeclaration = {
  op: maskedVertexLosses,
  run: ([predicted, target], _, { engine, values }) => {
    const k = predicted!.shape[1]!;
    return maskedVertexLosses(predicted!, target!, tensor(engine, vertexQuadraticForm(values[2]!, values[3]!, k), [k, k], 'quadratic'));
  },
  reference: ([predicted, target, basis, mask], _, { shapes }) =>
    output(maskedVertexLossesReference(predicted!, target!, basis!, mask!, shapes[0]![1]!), [2]),
  cases,
} satisfies OpDeclaration<Record<string, never>>;
