import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LANDMARK } from '../../talking-head/face/canonical-mesh.ts';
import { EXP_COMPONENTS, ID_COMPONENTS, LOWER_FACE_WEIGHT, assertFaceModel, type FaceModel } from '../../talking-head/face/face-model.ts';
import { EXPRESSION_COMPONENTS, IDENTITY_COMPONENTS, proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { uniform } from '../helpers/random.ts';

const model = proceduralFaceModel({ seed: 7 });
const V = model.vertexCount;

const bytes = (m: FaceModel) => [m.mean, m.idBasis, m.expBasis, m.triangles, m.lowerFaceMask].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
/** Displacement of vertex v for a unit coefficient k of a [V * 3, K] basis. */
const displacement = (basis: Float32Array, K: number, k: number, v: number) => [0, 1, 2].map((c) => basis[(3 * v + c) * K + k]!);
const y = (v: number) => model.mean[3 * v + 1]!;

test('sizes fit 468 vertices, 80 identity and 64 expression components, all finite', () => {
  assertFaceModel(model);
  assert.is(V, 468);
  assert.is(model.idBasis.length, V * 3 * ID_COMPONENTS);
  assert.is(model.expBasis.length, V * 3 * EXP_COMPONENTS);
  assert.is(model.units, 'cm');
  assert.ok(model.idBasis.every(Number.isFinite) && model.expBasis.every(Number.isFinite));
});

test('the same seed gives the same bytes; another seed changes only the random components', () => {
  const again = bytes(proceduralFaceModel({ seed: 7 }));
  bytes(model).forEach((b, i) => assert.ok(Buffer.from(b).equals(Buffer.from(again[i]!)), `array ${i} differs between two builds with seed 7`));
  const other = proceduralFaceModel({ seed: 8 });
  const named = EXPRESSION_COMPONENTS.length;
  let sameNamed = true;
  let sameRandom = true;
  for (let r = 0; r < 3 * V; r++) {
    for (let k = 0; k < EXP_COMPONENTS; k++) {
      const same = other.expBasis[r * EXP_COMPONENTS + k] === model.expBasis[r * EXP_COMPONENTS + k];
      if (k < named) sameNamed &&= same;
      else sameRandom &&= same;
    }
  }
  assert.ok(sameNamed, 'the named expression components do not depend on the seed');
  assert.not.ok(sameRandom, 'seed 8 changes the random expression components');
});

/**
 * Neighbour correlation of a displacement field over the mesh edges: sum d_a . d_b / sum (|d_a|^2 + |d_b|^2) / 2.
 * 1 for a field that is equal on neighbours, about 0 for white noise.
 */
function neighbourCorrelation(m: FaceModel, field: (v: number) => number[]): number {
  let num = 0;
  let den = 0;
  const seen = new Set<number>();
  for (let t = 0; t < m.triangles.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = m.triangles[t + e]!;
      const b = m.triangles[t + ((e + 1) % 3)]!;
      const key = Math.min(a, b) * V + Math.max(a, b);
      if (seen.has(key)) continue;
      seen.add(key);
      const da = field(a);
      const db = field(b);
      for (let c = 0; c < 3; c++) {
        num += da[c]! * db[c]!;
        den += (da[c]! ** 2 + db[c]! ** 2) / 2;
      }
    }
  }
  return num / den;
}

test('every basis component is smooth: neighbouring vertices move alike (edge correlation > 0.5; white noise ~0)', () => {
  for (const [basis, K, what] of [[model.idBasis, ID_COMPONENTS, 'identity'], [model.expBasis, EXP_COMPONENTS, 'expression']] as const) {
    for (let k = 0; k < K; k++) {
      const rho = neighbourCorrelation(model, (v) => displacement(basis, K, k, v));
      assert.ok(rho > 0.5, `${what} component ${k} has neighbour correlation ${rho.toFixed(2)}`);
    }
  }
  const noise = uniform(3 * V, 3);
  const rho = neighbourCorrelation(model, (v) => [...noise.subarray(3 * v, 3 * v + 3)]);
  assert.ok(Math.abs(rho) < 0.15, `white noise has neighbour correlation ${rho.toFixed(2)}`);
});

test('identity components are orthogonal with decreasing variance, like a PCA basis', () => {
  const column = (k: number) => Float64Array.from({ length: 3 * V }, (_, r) => model.idBasis[r * ID_COMPONENTS + k]!);
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  const columns = Array.from({ length: ID_COMPONENTS }, (_, k) => column(k));
  const norms = columns.map((c) => Math.sqrt(dot(c, c)));
  for (let k = 1; k < ID_COMPONENTS; k++) assert.ok(norms[k]! < norms[k - 1]!, `component ${k} is not smaller than ${k - 1}`);
  for (const [a, b] of [[0, 1], [3, 40], [14, 15], [78, 79]] as const) {
    const cos = dot(columns[a]!, columns[b]!) / (norms[a]! * norms[b]!);
    assert.ok(Math.abs(cos) < 1e-5, `identity components ${a} and ${b}: cosine ${cos}`);
  }
  assert.is(IDENTITY_COMPONENTS[0], 'faceWidth');
  // faceWidth moves the sides of the head outward, not the nose.
  assert.ok(Math.abs(displacement(model.idBasis, ID_COMPONENTS, 0, 454)[0]!) > 0.3);
  assert.ok(Math.abs(displacement(model.idBasis, ID_COMPONENTS, 0, LANDMARK.noseTip)[0]!) < 1e-6);
});

test('jawOpen moves the chin down about 1 cm and the brows not at all', () => {
  const k = EXPRESSION_COMPONENTS.indexOf('jawOpen');
  const chin = displacement(model.expBasis, EXP_COMPONENTS, k, LANDMARK.chin);
  assert.ok(chin[1]! < -0.9, `chin moves ${chin[1]} cm in y`);
  for (const brow of [LANDMARK.browLeft, LANDMARK.browRight]) {
    const d = displacement(model.expBasis, EXP_COMPONENTS, k, brow);
    assert.ok(Math.hypot(...d) < 0.01 * Math.abs(chin[1]!), `brow ${brow} moves ${Math.hypot(...d)} cm`);
  }
  const upperLip = displacement(model.expBasis, EXP_COMPONENTS, k, LANDMARK.upperLipInner);
  const lowerLip = displacement(model.expBasis, EXP_COMPONENTS, k, LANDMARK.lowerLipInner);
  assert.ok(lowerLip[1]! < upperLip[1]! - 0.3, 'the lips part');
});

test('named expressions move their regions: brows up, eyelids shut, smile lifts the mouth corners', () => {
  const move = (name: (typeof EXPRESSION_COMPONENTS)[number], v: number) => displacement(model.expBasis, EXP_COMPONENTS, EXPRESSION_COMPONENTS.indexOf(name), v);
  assert.ok(move('browRaise', LANDMARK.browLeft)[1]! > 0.4);
  assert.ok(Math.abs(move('browRaise', LANDMARK.chin)[1]!) < 1e-3);
  for (const [lid, lower] of [[LANDMARK.upperLidLeft, LANDMARK.lowerLidLeft], [LANDMARK.upperLidRight, LANDMARK.lowerLidRight]]) {
    const closed = y(lid) + move('eyelidsClose', lid)[1]!;
    assert.ok(Math.abs(closed - y(lower)) < 0.05, `upper lid ${lid} closes to ${closed.toFixed(2)}, lower lid at ${y(lower).toFixed(2)}`);
    assert.ok(Math.abs(move('eyelidsClose', lower)[1]!) < 0.05, `lower lid ${lower} stays`);
  }
  assert.ok(move('smile', LANDMARK.mouthCornerLeft)[1]! > 0.3 && move('smile', LANDMARK.mouthCornerRight)[1]! > 0.3);
  assert.ok(Math.abs(move('smileLeft', LANDMARK.mouthCornerRight)[1]!) < 0.01, 'smileLeft leaves the right corner');
});

test('lower-face mask: 10 below the nose tip, 1 above', () => {
  const noseY = y(LANDMARK.noseTip);
  for (let v = 0; v < V; v++) {
    assert.is(model.lowerFaceMask[v], y(v) < noseY ? LOWER_FACE_WEIGHT : 1, `vertex ${v} at y ${y(v)} (nose tip ${noseY})`);
  }
  for (const v of [LANDMARK.chin, LANDMARK.mouthCornerLeft, LANDMARK.lowerLipInner]) assert.is(model.lowerFaceMask[v], 10);
  for (const v of [LANDMARK.foreheadTop, LANDMARK.browLeft, LANDMARK.upperLidRight]) assert.is(model.lowerFaceMask[v], 1);
});

test.run();
