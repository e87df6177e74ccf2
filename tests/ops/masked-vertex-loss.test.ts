import { test } from 'uvu';
import { tensor } from '../../core/creation.ts';
import { maskedVertexLosses } from '../../talking-head/ops/masked-vertex-loss.ts';
import { maskedVertexLossesReference, vertexQuadraticForm } from '../../talking-head/reference/masked-vertex-loss.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

// A small random "face model": V vertices, K coefficients, a mask of 10 on a third of the vertices.
function model(vertices: number, k: number, seed: number) {
  const basis = uniform(3 * vertices * k, seed);
  const mask = Float32Array.from({ length: vertices }, (_, v) => (v % 3 === 0 ? 10 : 1));
  return { basis, mask, q: Float32Array.from(vertexQuadraticForm(basis, mask, k)) };
}

test('the quadratic-form loss equals the explicit per-vertex masked loss of Eq. (7)-(8)', async () => {
  for (const [vertices, k, pairs] of [[5, 3, 1], [40, 144, 4], [17, 7, 33]] as const) {
    const { basis, mask, q } = model(vertices, k, vertices);
    const predicted = uniform(2 * pairs * k, 1);
    const target = uniform(2 * pairs * k, 2);
    const out = maskedVertexLosses(tensor(engine, predicted, [2 * pairs, k]), tensor(engine, target, [2 * pairs, k]), tensor(engine, q, [k, k]));
    const expected = maskedVertexLossesReference(predicted, target, basis, mask, k);
    assertClose(await out.read(), expected, { atol: 1e-3, rtol: 1e-4 }, `V=${vertices} K=${k} pairs=${pairs}`);
  }
});

test('masked vertex loss backward matches finite differences of the explicit per-vertex form', async () => {
  const [vertices, k, pairs] = [9, 6, 3];
  const { basis, mask, q } = model(vertices, k, 4);
  const targetData = uniform(2 * pairs * k, 5);
  const target = tensor(engine, targetData, [2 * pairs, k]);
  const quadratic = tensor(engine, q, [k, k]);
  await gradCheck(engine, {
    name: 'maskedVertexLosses',
    inputs: [{ shape: [2 * pairs, k], data: uniform(2 * pairs * k, 6) }],
    gpu: ([p]) => maskedVertexLosses(p!, target, quadratic),
    reference: ([p]) => maskedVertexLossesReference(p!, targetData, basis, mask, k),
    rtol: 5e-3,
  });
});

test.run();
