// Declaration of decodeFace (talking-head/face/decode.ts), Eq. (2) on the GPU: coefficients [N, 144] with a
// combined basis [R, 144] and mean [R]. Cases: the procedural model (1404 rows, several backward chunks) and tiny
// random models whose row counts are not multiples of 4. That FaceDecoder builds the combined basis from a face
// model the way decodeFaceCpu reads it is tested on its own (tests/face/face-decode.test.ts).
import { decodeFace } from '../../face/decode.ts';
import { FACE_COEFFICIENTS, combinedBasis } from '../../face/face-model.ts';
import { proceduralFaceModel } from '../../face/procedural-face-model.ts';
import type { CaseInput, OpCase, OpDeclaration, Tolerance } from '../../../core/ops/declaration.ts';
import { data, input, output } from '../../../core/ops/declarations/common.ts';
import { decodeFaceBackwardReference, decodeFaceReference } from '../../reference/face-decode.ts';

/** Sums of 144 products of values up to a few cm, in f32. */
const DECODE: Tolerance = { atol: 1e-4, rtol: 1e-5 };
/** The gradient sums over every row: 1404 products for the procedural model. */
const GRADIENT: Tolerance = { atol: 1e-3, rtol: 1e-4 };

function cases(): OpCase<Record<string, never>>[] {
  const procedural = proceduralFaceModel({ seed: 3 });
  const rows = 3 * procedural.vertexCount;
  const proceduralInputs = (frames: number): CaseInput[] => [
    input('coeffs', [frames, FACE_COEFFICIENTS], -2, 2),
    { name: 'basis', shape: [rows, FACE_COEFFICIENTS], values: combinedBasis(procedural), differentiable: false },
    { name: 'mean', shape: [rows], values: procedural.mean, differentiable: false },
  ];
  const tiny = (vertices: number, frames: number): CaseInput[] => [
    input('coeffs', [frames, FACE_COEFFICIENTS]), data('basis', [3 * vertices, FACE_COEFFICIENTS]), data('mean', [3 * vertices]),
  ];
  return [
    ...[1, 7, 257].map((n) => ({ name: `${n} frames of the procedural model (1404 rows)`, inputs: proceduralInputs(n), args: {}, seed: n, forward: DECODE, backward: GRADIENT })),
    ...[1, 5, 7].map((v) => ({ name: `6 frames of a tiny model of ${v} vertices (${3 * v} rows)`, inputs: tiny(v, 6), args: {}, seed: v, forward: DECODE, backward: GRADIENT })),
    { name: '5 frames of a tiny model of 5 vertices, one row chunk', inputs: tiny(5, 5), args: {}, seed: 11, finiteDifferences: { samples: 40 } },
    { name: '3 frames of the procedural model, several row chunks', inputs: proceduralInputs(3), args: {}, seed: 11, finiteDifferences: { samples: 40 } },
  ];
}

export const decodeFaceDeclaration = {
  op: decodeFace,
  run: ([coeffs, basis, mean]) => decodeFace(coeffs!, basis!, mean!),
  reference: ([coeffs, basis, mean], _, { shapes }) =>
    output(decodeFaceReference(coeffs!, basis!, mean!, FACE_COEFFICIENTS), [shapes[0]![0]!, shapes[2]![0]!]),
  backwardReference: ([, basis], dy, _, { shapes }) => [decodeFaceBackwardReference(dy, basis!, shapes[2]![0]!, FACE_COEFFICIENTS)],
  cases,
} satisfies OpDeclaration<Record<string, never>>;
