// decodeFace (Eq. 2 on the GPU) against its reference, analytic gradient and finite differences (procedural and
// tiny models, row counts not multiples of 4, one and several backward chunks): declared in
// talking-head/ops/declarations/face-decode.ts, checked by tests/ops/op-registry.test.ts. Here: that FaceDecoder
// feeds it a model's bases the way decodeFaceCpu reads them, and the refused shapes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { DECODE_CHUNK_ROWS } from '../../talking-head/kernels/face-decode.ts';
import { FaceDecoder } from '../../talking-head/face/decode.ts';
import { EXP_COMPONENTS, FACE_COEFFICIENTS, ID_COMPONENTS, type FaceModel, decodeFaceCpu } from '../../talking-head/face/face-model.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();
const procedural = proceduralFaceModel({ seed: 3 });

/** A random model of V vertices (3V rows: not a multiple of 4 for odd V). */
function tinyModel(V: number): FaceModel {
  return {
    name: `tiny(${V})`, vertexCount: V, mean: uniform(3 * V, V), idBasis: uniform(3 * V * ID_COMPONENTS, V + 1),
    expBasis: uniform(3 * V * EXP_COMPONENTS, V + 2), triangles: new Uint32Array(0),
    lowerFaceMask: new Float32Array(V).fill(1), units: 'cm',
  };
}

/** Eq. (2) for every frame of coeffs [N, 144] on the CPU. */
function decodeAllCpu(model: FaceModel, coeffs: ArrayLike<number>, frames: number): Float64Array {
  const rows = 3 * model.vertexCount;
  const out = new Float64Array(frames * rows);
  for (let n = 0; n < frames; n++) {
    const c = Array.from({ length: FACE_COEFFICIENTS }, (_, k) => coeffs[n * FACE_COEFFICIENTS + k]!);
    out.set(decodeFaceCpu(model, c.slice(0, ID_COMPONENTS), c.slice(ID_COMPONENTS)), n * rows);
  }
  return out;
}

// Sums of 144 products of values up to a few cm, in f32.
const DECODE_TOLERANCE = { atol: 1e-4, rtol: 1e-5 };

test('FaceDecoder lays out a face model so that the GPU decode equals decodeFaceCpu (procedural model, N = 1, 7, 257)', async () => {
  // The registry's procedural cases (talking-head/ops/declarations/face-decode.ts) rely on this to check the sum of chunks.
  assert.ok(3 * procedural.vertexCount > 2 * DECODE_CHUNK_ROWS, 'the procedural model spans several backward chunks');
  const decoder = new FaceDecoder(engine, procedural);
  for (const N of [1, 7, 257]) {
    const data = uniform(N * FACE_COEFFICIENTS, N, -2, 2);
    const coeffs = tensor(engine, data, [N, FACE_COEFFICIENTS]);
    const vertices = decoder.decode(coeffs);
    assert.equal([...vertices.shape], [N, 3 * 468]);
    assertClose(await vertices.read(), decodeAllCpu(procedural, data, N), DECODE_TOLERANCE, `decode of ${N} frames`);
    coeffs.dispose();
    vertices.dispose();
  }
  decoder.dispose();
});

test('decode refuses coefficients that are not [N, 144], naming both shapes', () => {
  const decoder = new FaceDecoder(engine, tinyModel(2));
  const wrong = tensor(engine, uniform(143, 1), [1, 143]);
  assert.throws(() => decoder.decode(wrong), (e: Error) => /decodeFace/.test(e.message) && /\[1,143\]/.test(e.message) && /144/.test(e.message));
  wrong.dispose();
  decoder.dispose();
});

test.run();
