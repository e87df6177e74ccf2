// Frames as data (talking-head/export/head-frames.ts) and the motion reader (talking-head/formats/head-motion.ts):
// the quaternions rotate as the pose convention's R = Rz Ry Rx does, translations are metres relative to the rest
// pose, the mouth opening is the 13-14 distance of the decoded face, and bad files are refused by field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFaceCpu } from '../../talking-head/face/face-model.ts';
import { mouthOpening } from '../../talking-head/face/mouth-opening.ts';
import { EXPRESSION_COMPONENTS, proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { headFrames, meanPose, metresPerTranslationUnit, quaternionFromEuler } from '../../talking-head/export/head-frames.ts';
import { readHeadMotion } from '../../talking-head/formats/head-motion.ts';
import { eulerToMatrix } from '../../talking-head/pose/pose-convention.ts';
import { deep3dMat } from '../data/synthetic-clips.ts';
import { rng, uniform } from '../helpers/random.ts';

const model = proceduralFaceModel();

/** Rotates v by the unit quaternion q = (x, y, z, w): q v q*. */
function rotate(q: readonly number[], v: readonly number[]): number[] {
  const [x, y, z, w] = q as [number, number, number, number];
  const t = [2 * (y * v[2]! - z * v[1]!), 2 * (z * v[0]! - x * v[2]!), 2 * (x * v[1]! - y * v[0]!)];
  return [
    v[0]! + w * t[0]! + (y * t[2]! - z * t[1]!),
    v[1]! + w * t[1]! + (z * t[0]! - x * t[2]!),
    v[2]! + w * t[2]! + (x * t[1]! - y * t[0]!),
  ];
}

test('the quaternion of (pitch, yaw, roll) rotates vectors exactly as R = Rz(roll) Ry(yaw) Rx(pitch)', () => {
  const next = rng(5);
  for (let i = 0; i < 50; i++) {
    const [pitch, yaw, roll] = [0, 1, 2].map(() => (next() * 2 - 1) * 2.5) as [number, number, number];
    const q = quaternionFromEuler(pitch, yaw, roll);
    assert.ok(Math.abs(Math.hypot(...q) - 1) < 1e-12, 'unit length');
    const r = eulerToMatrix(pitch, yaw, roll);
    for (const v of [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.3, -0.7, 0.2]]) {
      const expected = [0, 1, 2].map((row) => r[3 * row]! * v[0]! + r[3 * row + 1]! * v[1]! + r[3 * row + 2]! * v[2]!);
      const actual = rotate(q, v);
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(actual[k]! - expected[k]!) < 1e-12, `angles ${pitch}, ${yaw}, ${roll}: ${actual} vs ${expected}`);
    }
  }
});

test('head frames: translation relative to the rest pose in metres, quaternions on one side frame to frame, mouth opening in cm', () => {
  const frames = 5;
  const pose = new Float32Array(frames * 6);
  const face = new Float32Array(frames * 144);
  for (let f = 0; f < frames; f++) {
    pose.set([0.1 * f, -0.05 * f, 3.1 * (f % 2 ? 1 : -1), 0.1 * f, 0.2, -0.3 * f], f * 6);
    face[f * 144 + 80 + EXPRESSION_COMPONENTS.indexOf('jawOpen')] = 0.25 * f;
  }
  const rest = [0, 0, 0, 0.1, 0.2, 0.3];
  const data = headFrames({ fps: 30, pose, translationUnit: 'bfm', rest, face }, model);
  assert.is(data.frames, frames);
  for (let f = 0; f < frames; f++) {
    const expected = [(0.1 * f - 0.1) * 0.1, 0, (-0.3 * f - 0.3) * 0.1];
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(data.translation[3 * f + k]! - expected[k]!) < 1e-6, `frame ${f} translation ${data.translation.subarray(3 * f, 3 * f + 3)}`);
    if (f > 0) {
      let dot = 0;
      for (let k = 0; k < 4; k++) dot += data.rotation[4 * f + k]! * data.rotation[4 * (f - 1) + k]!;
      assert.ok(dot >= 0, `frame ${f}: quaternion flipped against frame ${f - 1} (roll jumps across pi)`);
    }
    const v = decodeFaceCpu(model, face.subarray(f * 144, f * 144 + 80), face.subarray(f * 144 + 80, (f + 1) * 144));
    const gap = Math.hypot(v[39]! - v[42]!, v[40]! - v[43]!, v[41]! - v[44]!);
    assert.ok(Math.abs(data.mouthOpening![f]! - gap) < 1e-4, `frame ${f}: mouth opening ${data.mouthOpening![f]} vs |v13 - v14| ${gap}`);
  }
  assert.ok(data.mouthOpening![4]! > data.mouthOpening![0]! + 0.5, `jawOpen opens the mouth: ${data.mouthOpening}`);
  assert.equal([...data.restTranslation].map((x) => Math.round(x * 1e6) / 1e6), [0.01, 0.02, 0.03]);
  assert.is(metresPerTranslationUnit('mm'), 0.001);
  assert.throws(() => metresPerTranslationUnit('parsec'), /translation unit 'parsec' unknown/);
});

test('mouth opening is null for a face model that names no inner lips (e.g. a mesh without MediaPipe\'s landmarks)', () => {
  const other = { ...model, name: 'not mediapipe', triangles: Uint32Array.of(0, 1, 2), innerLipVertices: undefined };
  assert.is(mouthOpening(other, new Float32Array(144)), null);
});

test('the motion reader takes a Deep3DFaceRecon .mat, a result.json and a track.json, and refuses bad fields by name', () => {
  const mat = readHeadMotion(deep3dMat(40, 2), 'clip.mat');
  assert.is(mat.kind, 'deep3d-mat');
  assert.is(mat.frames, 40);
  assert.is(mat.fps, 30);
  assert.is(mat.translationUnit, 'bfm');
  assert.is(mat.face.length, 40 * 144);
  const rows = (n: number, w: number, seed: number) => Array.from({ length: n }, (_, f) => Array.from(uniform(w, seed + f, -0.2, 0.2)));
  const result = { fps: 30, frames: 3, identity: 'Obama', audio: 'speech.wav', poseUnits: { angles: 'radians', translation: 'bfm' }, restPose: [0, 0, 0, 0, 0, 0], pose: rows(3, 6, 1), face: rows(3, 144, 9) };
  const bytes = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  const r = readHeadMotion(bytes(result), 'result.json');
  assert.is(r.kind, 'result');
  assert.is(r.identity, 'Obama');
  assert.is(r.audio, 'speech.wav');
  assert.equal(r.restPose, [0, 0, 0, 0, 0, 0]);
  assert.ok(Math.abs(r.pose[7]! - result.pose[1]![1]!) < 1e-7);
  const track = readHeadMotion(bytes({ ...result, restPose: undefined, identity: undefined, landmarks: [], success: [true, true, true], poseUnits: { translation: 'cm' } }), 'track.json');
  assert.is(track.kind, 'track');
  assert.is(track.restPose, null);
  assert.is(track.translationUnit, 'cm');
  assert.equal(meanPose(Float32Array.of(1, 2, 3, 4, 5, 6, 3, 4, 5, 6, 7, 8)), [2, 3, 4, 5, 6, 7]);

  assert.throws(() => readHeadMotion(bytes({ ...result, pose: [[1, 2, 3]] }), 'r.json'), /r\.json: field 'pose' row 0 has 3 values, expected 6/);
  assert.throws(() => readHeadMotion(bytes({ ...result, face: rows(2, 144, 1) }), 'r.json'), /r\.json: field 'face' has 2 rows, expected one a frame \(3, as 'pose'\)/);
  assert.throws(() => readHeadMotion(bytes({ ...result, fps: 0 }), 'r.json'), /field 'fps' is 0, expected a positive number/);
  assert.throws(() => readHeadMotion(bytes({ ...result, poseUnits: {} }), 'r.json'), /field 'poseUnits.translation' is undefined/);
  assert.throws(() => readHeadMotion(bytes({ fps: 30 }), 'r.json'), /r\.json: field 'pose' is missing/);
  assert.throws(() => readHeadMotion(new TextEncoder().encode('not json'), 'x.txt'), /x\.txt: neither a MATLAB \.mat file nor JSON/);
});

test.run();
