// Table 3's distances through the Gram matrix equal the explicit per-vertex sums over decoded meshes (Eq. 2),
// with the lower-face weights of Eq. (7)-(8) and with every vertex weighted 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InitRandom } from '../../core/nn/init.ts';
import { faceVertexDistances, vertexGram } from '../../talking-head/evaluation/face-distances.ts';
import { FACE_COEFFICIENTS, ID_COMPONENTS, decodeFaceCpu } from '../../talking-head/face/face-model.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { testEngine } from '../helpers/engine.ts';

const engine = await testEngine();
const model = proceduralFaceModel();
const random = new InitRandom(5);
const frames = 3;
const coefficients = () => Float32Array.from({ length: frames * FACE_COEFFICIENTS }, () => 2 * random.next() - 1);
const real = coefficients();
const generated = coefficients();

/** (1 / V) sum_v w_v^2 ||a_v - b_v||^2 over two decoded meshes. */
function explicit(a: Float64Array, b: Float64Array, weight: (v: number) => number): number {
  let s = 0;
  for (let v = 0; v < model.vertexCount; v++) {
    for (let k = 0; k < 3; k++) s += weight(v) ** 2 * (a[3 * v + k]! - b[3 * v + k]!) ** 2;
  }
  return s / model.vertexCount;
}

const decode = (c: Float32Array, t: number) => decodeFaceCpu(model, c.subarray(t * FACE_COEFFICIENTS, t * FACE_COEFFICIENTS + ID_COMPONENTS), c.subarray(t * FACE_COEFFICIENTS + ID_COMPONENTS, (t + 1) * FACE_COEFFICIENTS));

for (const weighting of ['lower-face', 'uniform'] as const) {
  test(`${weighting}: shape and motion from the Gram matrix equal the per-vertex sums over decoded meshes`, async () => {
    const weight = weighting === 'uniform' ? () => 1 : (v: number) => model.lowerFaceMask[v]!;
    const d = faceVertexDistances(real, generated, await vertexGram(engine, model, weighting), model.vertexCount);
    const v = Array.from({ length: frames }, (_, t) => decode(real, t));
    const f = Array.from({ length: frames }, (_, t) => decode(generated, t));
    let shape = 0;
    let motion = 0;
    for (let t = 0; t < frames; t++) {
      shape += explicit(v[t]!, f[t]!, weight);
      if (t > 0) motion += explicit(v[t]!.map((x, i) => x - v[t - 1]![i]!), f[t]!.map((x, i) => x - f[t - 1]![i]!), weight);
    }
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-4 * Math.abs(b), `${what}: ${a} vs ${b}`);
    close(d.shape.sum, shape, 'shape');
    close(d.motion.sum, motion, 'motion');
    assert.equal([d.shape.count, d.motion.count], [frames, frames - 1]);
  });
}

test('with weights 1 and 10 the lower-face distance lies strictly between the uniform one and 100 times it', async () => {
  assert.ok(model.lowerFaceMask.some((m) => m === 10) && model.lowerFaceMask.some((m) => m === 1), 'the mask has both weights');
  const [weighted, uniform] = [await vertexGram(engine, model, 'lower-face'), await vertexGram(engine, model, 'uniform')];
  for (let trial = 0; trial < 5; trial++) {
    const [a, b] = [coefficients(), coefficients()];
    const w = faceVertexDistances(a, b, weighted, model.vertexCount).shape.sum;
    const u = faceVertexDistances(a, b, uniform, model.vertexCount).shape.sum;
    assert.ok(u < w && w < 100 * u, `uniform ${u}, lower-face ${w}`);
  }
});

test.run();
