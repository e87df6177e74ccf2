// The BFM loader on tiny synthetic files with the real key names (written here with writeMat5): no BFM data
// is in the repository.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { BFM_NOSE_TIP_KEYPOINT, bfmFaceModel } from '../../talking-head/face/bfm-face-model.ts';
import { FaceDecoder } from '../../talking-head/face/decode.ts';
import { EXP_COMPONENTS, ID_COMPONENTS, decodeFaceCpu } from '../../talking-head/face/face-model.ts';
import { type MatWritable, matFromRowMajor, writeMat5 } from '../../talking-head/formats/mat5.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const FILE = 'BFM_model_front.mat';
const V = 6;
// Vertices at heights 0..5; the nose tip (keypoint 31, 1-based) is vertex 3 (0-based 2) at height 2.
const meanshape = Float64Array.from({ length: 3 * V }, (_, r) => (r % 3 === 1 ? Math.floor(r / 3) : r % 3 === 0 ? 10 + r : 5));
const idBase = Float64Array.from(uniform(3 * V * ID_COMPONENTS, 1));
const exBase = Float64Array.from(uniform(3 * V * EXP_COMPONENTS, 2));
const tri = Float64Array.from([1, 2, 3, 2, 4, 3, 3, 4, 5, 4, 6, 5]);
const keypoints = Float64Array.from({ length: 68 }, (_, i) => (i === BFM_NOSE_TIP_KEYPOINT ? 3 : 1 + (i % V)));

function bfmFile(overrides: Record<string, MatWritable | null> = {}): Uint8Array {
  const vars: Record<string, MatWritable> = {
    meanshape: matFromRowMajor(meanshape, 1, 3 * V),
    idBase: matFromRowMajor(idBase, 3 * V, ID_COMPONENTS),
    exBase: matFromRowMajor(exBase, 3 * V, EXP_COMPONENTS),
    meantex: matFromRowMajor(new Float64Array(3 * V).fill(128), 1, 3 * V),
    texBase: matFromRowMajor(new Float64Array(3 * V * ID_COMPONENTS), 3 * V, ID_COMPONENTS),
    tri: matFromRowMajor(tri, 4, 3),
    point_buf: matFromRowMajor(new Float64Array(V * 8).fill(1), V, 8),
    keypoints: matFromRowMajor(keypoints, 1, 68),
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value) vars[key] = value;
    else delete vars[key];
  }
  return writeMat5(vars);
}

test('a BFM_model_front.mat with Deep3DFaceRecon keys loads: bases row-major, triangles 0-based, mean recentred', () => {
  const model = bfmFaceModel(bfmFile(), FILE);
  assert.is(model.vertexCount, V);
  assert.is(model.units, 'dm');
  assertClose(model.idBasis, idBase, { atol: 1e-6, rtol: 1e-6 }, 'idBasis');
  assertClose(model.expBasis, exBase, { atol: 1e-6, rtol: 1e-6 }, 'expBasis');
  assert.equal([...model.triangles], [...tri].map((i) => i - 1));
  for (let c = 0; c < 3; c++) {
    let centre = 0;
    for (let v = 0; v < V; v++) centre += model.mean[3 * v + c]!;
    assert.ok(Math.abs(centre / V) < 1e-5, `coordinate ${c} is centred`);
  }
  const raw = bfmFaceModel(bfmFile(), FILE, { recenter: false });
  assertClose(raw.mean, meanshape, { atol: 1e-6, rtol: 1e-6 }, 'mean without recentring');
});

test('meanshape stored as 3V x 1 loads the same', () => {
  const model = bfmFaceModel(bfmFile({ meanshape: matFromRowMajor(meanshape, 3 * V, 1) }), FILE, { recenter: false });
  assertClose(model.mean, meanshape, { atol: 1e-6, rtol: 1e-6 }, 'mean');
});

test('lower-face mask: 10 on vertices below the nose tip (keypoint 31), 1 elsewhere', () => {
  const model = bfmFaceModel(bfmFile(), FILE);
  assert.equal([...model.lowerFaceMask], [10, 10, 1, 1, 1, 1]);
});

test('a missing or wrongly shaped key is an error naming the file and the key', () => {
  const fails = (bytes: Uint8Array, ...patterns: RegExp[]) =>
    assert.throws(() => bfmFaceModel(bytes, FILE), (e: Error) => e.message.includes(FILE) && patterns.every((p) => p.test(e.message)));
  fails(bfmFile({ idBase: null }), /'idBase'/);
  fails(bfmFile({ idBase: matFromRowMajor(idBase.subarray(0, 3 * V * 79), 3 * V, 79) }), /'idBase'/, /18 x 80/);
  fails(bfmFile({ exBase: matFromRowMajor(exBase.subarray(0, 3 * (V - 1) * 64), 3 * (V - 1), 64) }), /'exBase'/, /18 x 64/);
  fails(bfmFile({ meanshape: matFromRowMajor(meanshape.subarray(0, 17), 1, 17) }), /'meanshape'/, /3V/);
  fails(bfmFile({ tri: matFromRowMajor(Float64Array.from([1, 2, 7]), 1, 3) }), /'tri'/, /\[1, 6\]/);
  fails(bfmFile({ keypoints: matFromRowMajor(keypoints.subarray(0, 67), 1, 67) }), /'keypoints'/, /68/);
});

test('a BFM model decodes on the GPU like on the CPU (18 rows, not a multiple of 4)', async () => {
  const engine = await testEngine();
  const model = bfmFaceModel(bfmFile(), FILE);
  const decoder = new FaceDecoder(engine, model);
  const c = uniform(144, 5);
  const coeffs = tensor(engine, c, [1, 144]);
  assertClose(await decoder.decode(coeffs).read(), decodeFaceCpu(model, c.subarray(0, 80), c.subarray(80)), { atol: 1e-4, rtol: 1e-5 }, 'decode');
  coeffs.dispose();
  decoder.dispose();
});

test.run();
