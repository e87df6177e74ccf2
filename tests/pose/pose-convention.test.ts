import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import {
  deep3dCoeffColumns, eulerToMatrix, fromDeep3DFaceRecon, fromOpenFace, matrixToEuler, openFaceRotation, posesFromDeep3DCoeff,
  type Mat3,
} from '../../talking-head/pose/pose-convention.ts';
import { readFileBytes } from '../../runtime-node/files/read-file.ts';
import { assertClose } from '../helpers/compare.ts';
import { FIXTURES } from '../formats/paths.ts';

const fixture: {
  deep3d: { angles: number[]; trans: number[]; computeRotation: number[]; vertex: number[]; posed: number[] }[];
  openface: { euler: number[]; rotation: number[] }[];
} = JSON.parse(new TextDecoder().decode(await readFileBytes(join(FIXTURES, 'pose', 'rotations.json'))));
const TIGHT = { atol: 1e-12, rtol: 0 };

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function transpose(m: ArrayLike<number>): number[] {
  return [m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!];
}

function apply(m: Mat3, v: ArrayLike<number>): number[] {
  return [0, 1, 2].map((r) => m[r * 3]! * v[0]! + m[r * 3 + 1]! * v[1]! + m[r * 3 + 2]! * v[2]!);
}

test('eulerToMatrix then matrixToEuler round-trips for random angles (|yaw| < pi/2)', () => {
  const rand = random(42);
  for (let i = 0; i < 1000; i++) {
    const angles = [(rand() * 2 - 1) * Math.PI, (rand() * 2 - 1) * (Math.PI / 2 - 1e-3), (rand() * 2 - 1) * Math.PI];
    assertClose(matrixToEuler(eulerToMatrix(angles[0]!, angles[1]!, angles[2]!)), angles, { atol: 1e-9, rtol: 0 }, `case ${i}`);
  }
});

test('matrixToEuler at gimbal lock (yaw = ±pi/2) returns angles that rebuild the same matrix', () => {
  for (const yaw of [Math.PI / 2, -Math.PI / 2]) {
    const m = eulerToMatrix(0.4, yaw, -0.3);
    const [p, y, r] = matrixToEuler(m);
    assert.is(r, 0);
    assertClose(eulerToMatrix(p, y, r), m, { atol: 1e-9, rtol: 0 }, `yaw ${yaw}`);
  }
});

test('eulerToMatrix is Rz(roll) Ry(yaw) Rx(pitch) for column vectors: pitch turns +y toward +z, yaw +z toward +x, roll +x toward +y', () => {
  assertClose(apply(eulerToMatrix(Math.PI / 2, 0, 0), [0, 1, 0]), [0, 0, 1], TIGHT, 'pitch');
  assertClose(apply(eulerToMatrix(0, Math.PI / 2, 0), [0, 0, 1]), [1, 0, 0], TIGHT, 'yaw');
  assertClose(apply(eulerToMatrix(0, 0, Math.PI / 2), [1, 0, 0]), [0, 1, 0], TIGHT, 'roll');
});

test('Deep3DFaceRecon: compute_rotation (NumPy fixture) is the transpose of eulerToMatrix, and its row-vector transform equals R v + t', () => {
  for (const [i, c] of fixture.deep3d.entries()) {
    const pose = fromDeep3DFaceRecon(c.angles, c.trans);
    assert.is(pose.unit, 'bfm');
    assertClose(pose.values, [...c.angles, ...c.trans], { atol: 0, rtol: 0 }, `case ${i} identity mapping`);
    const R = eulerToMatrix(pose.values[0]!, pose.values[1]!, pose.values[2]!);
    assertClose(transpose(R), c.computeRotation, TIGHT, `case ${i} rotation`);
    assertClose(apply(R, c.vertex).map((x, k) => x + pose.values[3 + k]!), c.posed, TIGHT, `case ${i} posed vertex`);
  }
});

test('OpenFace: openFaceRotation matches Euler2RotationMatrix (NumPy fixture), and the converted pose has rotation F R F, translation F t', () => {
  const F = [1, -1, -1];
  for (const [i, c] of fixture.openface.entries()) {
    const [rx, ry, rz] = c.euler as [number, number, number];
    assertClose(openFaceRotation(rx, ry, rz), c.rotation, TIGHT, `case ${i} OpenFace rotation`);
    const pose = fromOpenFace(rx, ry, rz, 10, 20, 500);
    assert.is(pose.unit, 'mm');
    const flipped = c.rotation.map((v, k) => F[Math.floor(k / 3)]! * v * F[k % 3]!);
    assertClose(eulerToMatrix(pose.values[0]!, pose.values[1]!, pose.values[2]!), flipped, { atol: 1e-12, rtol: 0 }, `case ${i} F R F`);
    assertClose(pose.values.subarray(3), [10, -20, -500], { atol: 0, rtol: 0 }, `case ${i} translation`);
  }
});

test('OpenFace: a face looking straight at the camera is the identity pose; a small pitch keeps its sign, small yaw and roll flip', () => {
  assertClose(fromOpenFace(0, 0, 0, 0, 0, 0).values.subarray(0, 3), [0, 0, 0], TIGHT, 'frontal');
  // F Rx(a) F = Rx(a), F Ry(b) F = Ry(-b), F Rz(c) F = Rz(-c): single-axis rotations convert by these signs.
  assertClose(fromOpenFace(0.2, 0, 0, 0, 0, 0).values.subarray(0, 3), [0.2, 0, 0], TIGHT, 'pitch');
  assertClose(fromOpenFace(0, 0.2, 0, 0, 0, 0).values.subarray(0, 3), [0, -0.2, 0], TIGHT, 'yaw');
  assertClose(fromOpenFace(0, 0, 0.2, 0, 0, 0).values.subarray(0, 3), [0, 0, -0.2], TIGHT, 'roll');
});

test('deep3dCoeffColumns tile the 257 coefficients, and posesFromDeep3DCoeff takes angles and trans per frame', () => {
  const ranges = [deep3dCoeffColumns.id, deep3dCoeffColumns.exp, deep3dCoeffColumns.tex, deep3dCoeffColumns.angles, deep3dCoeffColumns.gamma, deep3dCoeffColumns.trans];
  ranges.reduce((at, [start, end]) => (assert.is(start, at), end), 0);
  assert.equal(ranges.map(([s, e]) => e - s), [80, 64, 80, 3, 27, 3]);
  const coeff = Float32Array.from({ length: 2 * 257 }, (_, i) => i);
  const poses = posesFromDeep3DCoeff(coeff, 2);
  assert.equal([...poses.values], [224, 225, 226, 254, 255, 256, 481, 482, 483, 511, 512, 513]);
  assert.throws(() => posesFromDeep3DCoeff(coeff, 3), /posesFromDeep3DCoeff: 514 values, expected 3 x 257/);
});

test.run();
