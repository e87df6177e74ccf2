// The tracker's head-frame pose (talking-head/tracking/head-frame-pose.ts, head-frame-fit.ts) on synthetic frames
// whose truth is known: the viewing-ray correction, the readout's invariance to where the face is, a fit that
// recovers an expression-dependent rotation error it was not shown, and the readout file's round trip and errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalFaceMesh } from '../../talking-head/face/canonical-mesh.ts';
import { FACE_COEFFICIENTS } from '../../talking-head/face/face-model.ts';
import { type Mat3, eulerToMatrix, matrixToEuler } from '../../talking-head/pose/pose-convention.ts';
import { defaultHeadFramePose, headFramePoseProvenance } from '../../talking-head/tracking/default-head-frame-pose.ts';
import { HeadFrameScatter, fitHeadFrameModel, fitRayFraction, headFrameAngles, headFrameClip, headFrameReadout, trackerAngles } from '../../talking-head/tracking/head-frame-fit.ts';
import {
  HeadFramePose, LANDMARK_VALUES, decodeHeadFramePose, encodeHeadFramePose, multiplyMat3, rotationFromVector, viewingRayElevation, viewingRayRotation,
} from '../../talking-head/tracking/head-frame-pose.ts';
import type { TrackedFrame } from '../../talking-head/tracking/tracked-frame.ts';
import { assertClose } from '../helpers/compare.ts';
import { rng } from '../helpers/random.ts';

const K = FACE_COEFFICIENTS;
const V = LANDMARK_VALUES;
const DEGREES = 180 / Math.PI;

function matrix4(r: Mat3, t: readonly number[]): Float64Array {
  return Float64Array.of(r[0]!, r[1]!, r[2]!, t[0]!, r[3]!, r[4]!, r[5]!, t[1]!, r[6]!, r[7]!, r[8]!, t[2]!, 0, 0, 0, 1);
}

function transpose(m: Mat3): Mat3 {
  return Float64Array.of(m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!);
}

function apply(m: Mat3, v: ArrayLike<number>, shift: readonly number[] = [0, 0, 0]): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i += 3) {
    for (let r = 0; r < 3; r++) out[i + r] = m[3 * r]! * v[i]! + m[3 * r + 1]! * v[i + 1]! + m[3 * r + 2]! * v[i + 2]! + shift[r]!;
  }
  return out;
}

const zeroReadout = (rayFraction = 1) => new HeadFramePose({ name: 'zero', mean: new Float64Array(V), rotation: new Float64Array(3 * V), offset: new Float64Array(3), rayFraction });

test('the viewing ray: a face above the optical axis that looks into the lens has no pitch relative to the ray', () => {
  const [ty, tz] = [3, -25];
  const phi = viewingRayElevation(ty, tz);
  assert.ok(Math.abs(phi - Math.atan(3 / 25)) < 1e-12, `elevation ${phi}`);
  // looking into the lens from above the axis: the face is turned down toward the camera, a rotation of phi about x
  const lookingAtCamera = eulerToMatrix(phi, 0, 0);
  assertClose(viewingRayRotation(matrix4(lookingAtCamera, [0, ty, tz]), 1), eulerToMatrix(0, 0, 0), { atol: 1e-12, rtol: 0 }, 'relative to the ray');
  // a fraction k of the elevation leaves (1 - k) phi of pitch; k = 0 is MediaPipe's rotation
  assertClose(matrixToEuler(viewingRayRotation(matrix4(lookingAtCamera, [0, ty, tz]), 0.25)), [0.75 * phi, 0, 0], { atol: 1e-12, rtol: 0 }, 'a quarter');
  assertClose(viewingRayRotation(matrix4(lookingAtCamera, [0, ty, tz]), 0), lookingAtCamera, { atol: 0, rtol: 0 }, 'none');
  // on the axis nothing changes
  const r = eulerToMatrix(0.1, -0.3, 0.05);
  assertClose(viewingRayRotation(matrix4(r, [2, 0, -30]), 1), r, { atol: 1e-12, rtol: 0 }, 'on the axis');
  // a zero readout reports the ray-relative angles and the matrix's translation
  const pose = zeroReadout().pose(matrix4(r, [1, ty, tz]), new Float32Array(V));
  assertClose(pose.subarray(0, 3), matrixToEuler(multiplyMat3(eulerToMatrix(-phi, 0, 0), r)), { atol: 1e-12, rtol: 0 }, 'angles');
  assertClose(pose.subarray(3), [1, ty, tz], { atol: 0, rtol: 0 }, 'translation');
});

/** Synthetic clips: a linear face in the head frame, a tracker whose rotation is off by a linear function of the expression. */
function syntheticClip(seed: number, frames: number, basis: Float64Array, errorMap: Float64Array) {
  const next = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const mean = canonicalFaceMesh().positions;
  const tracked: TrackedFrame[] = [];
  const referencePose = new Float64Array(frames * 6);
  const coefficients = new Float32Array(frames * K);
  for (let f = 0; f < frames; f++) {
    const c = Float64Array.from({ length: K }, normal);
    coefficients.set(c, f * K);
    const shape = new Float64Array(V);
    for (let r = 0; r < V; r++) {
      let s = mean[r]!;
      for (let a = 0; a < K; a++) s += basis[r * K + a]! * c[a]!;
      shape[r] = s;
    }
    const e = [0, 1, 2].map((j) => {
      let s = 0;
      for (let a = 0; a < K; a++) s += errorMap[j * K + a]! * c[a]!;
      return s;
    });
    const angles = [0.15 * normal(), 0.25 * normal(), 0.1 * normal()];
    referencePose.set(angles, 6 * f);
    const rd = eulerToMatrix(angles[0]!, angles[1]!, angles[2]!);
    // tracker: R_t = R_d exp(-[e]x), its mesh L = exp([e]x) S (anywhere: the tracker's origin is not the model's)
    const rt = multiplyMat3(rd, transpose(rotationFromVector(e[0]!, e[1]!, e[2]!)));
    const landmarks = apply(rotationFromVector(e[0]!, e[1]!, e[2]!), shape, [0.3, -0.2, 0.5]);
    const t = [2 * normal(), 2 * normal(), -28 + normal()];
    const phi = viewingRayElevation(t[1]!, t[2]!);
    tracked.push({ time: f / 30, face: { poseMatrix: matrix4(multiplyMat3(eulerToMatrix(phi, 0, 0), rt), t), landmarks } });
  }
  return { clip: `synthetic-${seed}`, identity: `person-${seed}`, tracked, offset: 0, referencePose, coefficients };
}

test('the fit recovers an expression-dependent rotation error on frames it was not fitted to', () => {
  const next = rng(7);
  const basis = Float64Array.from({ length: V * K }, () => 0.04 * (next() - 0.5));
  // about 1.5 degrees of rotation error a frame, driven by the coefficients
  const errorMap = Float64Array.from({ length: 3 * K }, () => (0.0022 * (next() - 0.5)) * Math.sqrt(12));
  const training = syntheticClip(1, 400, basis, errorMap);
  const heldOut = headFrameClip(syntheticClip(2, 60, basis, errorMap), 0, 60, 1);
  const model = fitHeadFrameModel(new HeadFrameScatter().addClip(headFrameClip(training, 0, 400, 1)), 1);
  const readout = new HeadFramePose(headFrameReadout(model, 0.05, 'synthetic', 1));
  const rms = (a: Float64Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - heldOut.referenceAngles[i]!) ** 2, 0) / a.length) * DEGREES;
  const before = rms(trackerAngles(heldOut));
  const after = rms(headFrameAngles(readout, heldOut));
  assert.ok(before > 0.5, `the tracker's own error is ${before.toFixed(3)} degrees RMS`);
  assert.ok(after < 0.1 * before, `read out ${after.toFixed(3)} degrees RMS against ${before.toFixed(3)} for the tracker's rotation`);
  // where the face sits in the tracker's frame does not move the readout (translation is free in its fit)
  const l = heldOut.landmarks.subarray(0, V);
  const shifted = Float32Array.from(l, (v, i) => v + [1.5, -0.7, 2][i % 3]!);
  assertClose(readout.correction(shifted), readout.correction(l), { atol: 1e-7, rtol: 0 }, 'correction under a shift');
  // the file gives back exactly what was fitted
  const text = encodeHeadFramePose(headFrameReadout(model, 0.05, 'synthetic', 1), { note: 'test' });
  const back = decodeHeadFramePose(JSON.parse(text), 'synthetic.json');
  assertClose(back.correction(l), readout.correction(l), { atol: 0, rtol: 0 }, 'round trip');
});

test('the ray fraction is the least-squares slope of the pitch error on the viewing ray\'s elevation', () => {
  const next = rng(3);
  // the tracker reports 0.4 of the elevation as pitch, plus noise; the reference is the true pitch
  const frames = 200;
  const tracked: TrackedFrame[] = [];
  const referencePose = new Float64Array(6 * frames);
  for (let f = 0; f < frames; f++) {
    const t = [0, 4 * (next() - 0.5), -25];
    const pitch = 0.05 * (next() - 0.5);
    referencePose[6 * f] = pitch;
    tracked.push({ time: f / 30, face: { poseMatrix: matrix4(eulerToMatrix(pitch + 0.4 * viewingRayElevation(t[1]!, t[2]!) + 0.3, 0, 0), t), landmarks: new Float32Array(V) } });
  }
  const source = { clip: 'c', identity: 'p', tracked, offset: 0, referencePose, coefficients: new Float32Array(frames * K) };
  const k = fitRayFraction([{ source, from: 0, to: frames }]);
  assert.ok(Math.abs(k - 0.4) < 1e-9, `k ${k}`);
});

test('a readout file with a wrong field is refused naming the file and field', () => {
  const text = encodeHeadFramePose({ name: 'zero', mean: new Float64Array(V), rotation: new Float64Array(3 * V), offset: new Float64Array(3), rayFraction: 0.5 }, {});
  const file = JSON.parse(text);
  assert.throws(() => decodeHeadFramePose({ ...file, format: 'other' }, 'x.json'), /x\.json: field 'format'/);
  assert.throws(() => decodeHeadFramePose({ ...file, version: 9 }, 'x.json'), /x\.json: field 'version'/);
  assert.throws(() => decodeHeadFramePose({ ...file, rayFraction: 2 }, 'x.json'), /x\.json: field 'rayFraction' is 2, expected a number in \[0, 1\]/);
  assert.throws(() => decodeHeadFramePose({ ...file, arrays: { ...file.arrays, rotation: { ...file.arrays.rotation, shape: [3, 10] } } }, 'x.json'), /x\.json: field 'arrays\.rotation' has shape \[3, 10\], expected \[3, 1404\]/);
});

test('the shipped readout decodes and says what it was fitted on', () => {
  const shipped = defaultHeadFramePose();
  assert.ok(shipped.name.length > 0);
  const provenance = headFramePoseProvenance() as { split?: string; selection?: { chosen?: { lambda?: number; sigma?: number } } };
  assert.match(String(provenance.split), /training split only/);
  assert.ok(shipped.rayFraction > 0 && shipped.rayFraction <= 1, `ray fraction ${shipped.rayFraction}`);
  assert.ok((provenance.selection?.chosen?.lambda ?? 0) > 0 && (provenance.selection?.chosen?.sigma ?? 0) > 0, 'lambda and sigma recorded');
  const w = shipped.correction(canonicalFaceMesh().positions);
  assert.ok(w.every((v) => Math.abs(v) < 0.2), `the canonical face's correction is a few degrees at most: ${w.map((v) => (v * DEGREES).toFixed(2)).join(', ')}`);
});

test.run();
