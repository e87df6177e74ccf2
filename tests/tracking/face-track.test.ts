// talking-head/tracking/: what comes after the tracker's landmarks (the same code in Node and the page), on
// synthetic tracked frames whose truth is known: pose from the face-geometry matrix (MediaPipe's rotation, headPose:
// null; the head-frame readout that is the default is tests/tracking/head-frame-pose.test.ts), resampling to 30 fps,
// interpolation of frames without a face, the mouth opening, the face fit, the transport encoding and track.json.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalFaceMesh } from '../../talking-head/face/canonical-mesh.ts';
import { FACE_COEFFICIENTS, type FaceModel, decodeFaceCpu } from '../../talking-head/face/face-model.ts';
import { EXPRESSION_COMPONENTS, proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { eulerToMatrix, fromFaceGeometry } from '../../talking-head/pose/pose-convention.ts';
import { defaultHeadFramePose } from '../../talking-head/tracking/default-head-frame-pose.ts';
import { NoFaceError, assembleFaceTrack, trackFrameCount } from '../../talking-head/tracking/face-track.ts';
import { LandmarkFaceFit } from '../../talking-head/tracking/landmark-face-fit.ts';
import { LANDMARK_COUNT, mouthOpening } from '../../talking-head/tracking/landmarks.ts';
import { faceTrackToJson, parseFaceTrack } from '../../talking-head/tracking/track-format.ts';
import { type TrackedFrame, decodeTrackedFrames, encodeTrackedFrames } from '../../talking-head/tracking/tracked-frame.ts';
import { assertClose } from '../helpers/compare.ts';

// The procedural model, whose expression components are named (jawOpen), so the synthetic faces' truth is known;
// the default (fitted) model's fit is tested in tests/face/fitted-face-model.test.ts.
const model = proceduralFaceModel();
const fit = new LandmarkFaceFit(model);
const canonical = canonicalFaceMesh().positions;

/** A rigid 4 x 4 (row-major) from posedyn angles and a translation. */
function geometryMatrix(pose: readonly number[]): Float64Array {
  const r = eulerToMatrix(pose[0]!, pose[1]!, pose[2]!);
  return Float64Array.of(r[0]!, r[1]!, r[2]!, pose[3]!, r[3]!, r[4]!, r[5]!, pose[4]!, r[6]!, r[7]!, r[8]!, pose[5]!, 0, 0, 0, 1);
}

/** A head moving linearly in time (angles in radians, translation in cm) with the mouth opening over time. */
const truth = (t: number) => [0.1 * t - 0.05, 0.2 * t, -0.05 * t, 1 + t, -2 + 0.5 * t, -30 + t];
const jawOpen = EXPRESSION_COMPONENTS.indexOf('jawOpen');
function landmarksAt(t: number): Float32Array {
  const alpha = new Float64Array(FACE_COEFFICIENTS);
  alpha[80 + jawOpen] = 0.2 + t;
  return Float32Array.from(decodeFaceCpu(model, alpha.subarray(0, 80), alpha.subarray(80)).subarray(0, 3 * LANDMARK_COUNT));
}
function videoFrames(fps: number, count: number, missing: ReadonlySet<number> = new Set()): TrackedFrame[] {
  return Array.from({ length: count }, (_, i) => ({
    time: i / fps,
    face: missing.has(i) ? null : { poseMatrix: geometryMatrix(truth(i / fps)), landmarks: landmarksAt(i / fps) },
  }));
}

test('fromFaceGeometry reads angles and translation (cm) off a rigid row-major matrix and refuses a non-rigid one', () => {
  const pose = [0.3, -0.4, 0.2, 1.5, -2, -40];
  const read = fromFaceGeometry(geometryMatrix(pose));
  assert.is(read.unit, 'cm');
  assertClose(read.values, pose, { atol: 1e-12, rtol: 0 }, 'pose');
  const columnMajor = geometryMatrix(pose);
  [columnMajor[3], columnMajor[12]] = [columnMajor[12]!, columnMajor[3]!];
  assert.throws(() => fromFaceGeometry(columnMajor), /not a rigid transform in row-major order/);
});

test('a 25 fps video becomes 30 fps frames interpolated in time; a 30 fps video passes unchanged', () => {
  const at25 = assembleFaceTrack(videoFrames(25, 50), { duration: 2, faceFit: fit, headPose: null, source: 'clip.mp4' });
  assert.is(at25.frames, 60);
  assert.is(at25.fps, 30);
  for (const k of [0, 7, 31, 58]) assertClose(at25.pose.subarray(6 * k, 6 * k + 6), truth(k / 30), { atol: 1e-5, rtol: 0 }, `frame ${k}`);
  // beyond the last video frame (t = 1.96 s) the last frame is held
  assertClose(at25.pose.subarray(6 * 59, 6 * 60), truth(49 / 25), { atol: 1e-5, rtol: 0 }, 'frame 59 holds the last');
  assert.is(at25.summary.interpolated, 0);
  const at30 = assembleFaceTrack(videoFrames(30, 45), { duration: 1.5, faceFit: fit, source: 'clip.mp4' });
  assert.is(at30.frames, 45);
  const frame = videoFrames(30, 45)[17]!;
  assertClose(at30.landmarks.subarray(17 * 1404, 18 * 1404), frame.face!.landmarks, { atol: 0, rtol: 0 }, 'landmarks of frame 17');
});

test('by default the pose is the shipped head-frame readout of each frame (the same code the page runs), translation the matrix\'s', () => {
  const frames = videoFrames(30, 12);
  const track = assembleFaceTrack(frames, { duration: 0.4, faceFit: fit, source: 'clip.mp4' });
  const readout = defaultHeadFramePose();
  assert.is(track.headPoseName, readout.name);
  for (const k of [0, 5, 11]) {
    const face = frames[k]!.face!;
    assertClose(track.pose.subarray(6 * k, 6 * k + 6), readout.pose(face.poseMatrix, face.landmarks), { atol: 1e-6, rtol: 0 }, `frame ${k}`);
    assertClose(track.pose.subarray(6 * k + 3, 6 * k + 6), truth(k / 30).slice(3), { atol: 1e-5, rtol: 0 }, `frame ${k} translation`);
  }
  assert.is(assembleFaceTrack(frames, { duration: 0.4, faceFit: fit, headPose: null, source: 'clip.mp4' }).headPoseName, 'mediapipe');
});

test('frames without a face are filled by linear interpolation (nearest at the ends), counted and marked unsuccessful', () => {
  const missing = new Set([0, 1, 10, 11, 12, 29]);
  const track = assembleFaceTrack(videoFrames(30, 30, missing), { duration: 1, faceFit: fit, headPose: null, source: 'clip.mp4' });
  assert.equal([...track.success].flatMap((s, i) => (s ? [] : [i])), [0, 1, 10, 11, 12, 29]);
  assert.is(track.summary.interpolated, 6);
  assert.is(track.summary.longestGap, 3);
  assert.is(track.summary.framesWithFace, 24);
  assertClose(track.pose.subarray(0, 6), truth(2 / 30), { atol: 1e-5, rtol: 0 }, 'frame 0: nearest frame with a face');
  assertClose(track.pose.subarray(66, 72), truth(11 / 30), { atol: 1e-5, rtol: 0 }, 'frame 11: between 9 and 13');
  assertClose(track.pose.subarray(174, 180), truth(28 / 30), { atol: 1e-5, rtol: 0 }, 'frame 29: nearest frame with a face');
});

test('angles are interpolated across the +-pi wrap, not through zero', () => {
  const roll = (i: number) => Math.PI - 0.05 + 0.02 * i;
  const frames: TrackedFrame[] = Array.from({ length: 6 }, (_, i) => ({
    time: i / 30,
    face: i === 3 ? null : { poseMatrix: geometryMatrix([0, 0, roll(i), 0, 0, -30]), landmarks: landmarksAt(0) },
  }));
  const track = assembleFaceTrack(frames, { duration: 0.2, faceFit: fit, headPose: null, source: 'wrap.mp4' });
  const filled = track.pose[3 * 6 + 2]!;
  assert.ok(Math.abs(Math.cos(filled) - Math.cos(roll(3))) < 1e-6 && Math.abs(Math.sin(filled) - Math.sin(roll(3))) < 1e-6, `roll ${filled}, expected ${roll(3)} (mod 2 pi)`);
});

test('a video without a face anywhere is refused naming the file', () => {
  try {
    assembleFaceTrack(videoFrames(30, 10, new Set(Array.from({ length: 10 }, (_, i) => i))), { duration: 1 / 3, faceFit: fit, source: 'empty-room.mp4' });
    assert.unreachable('no face');
  } catch (error) {
    assert.instance(error, NoFaceError);
    assert.match((error as Error).message, /^empty-room\.mp4: no face found in any of its 10 frames/);
  }
});

test('output frames follow the duration as the audio front end does (round, halves up)', () => {
  assert.equal([trackFrameCount(8, 30), trackFrameCount(18.0667, 30), trackFrameCount(0.05, 30), trackFrameCount(1 / 60, 30)], [240, 542, 2, 1]);
});

test('the mouth opening is the distance between landmarks 13 and 14 and follows jawOpen', () => {
  const l = Float32Array.from(canonical);
  l[3 * 14 + 1]! -= 1.2;
  assert.ok(Math.abs(mouthOpening(l) - Math.hypot(canonical[39]! - l[42]!, canonical[40]! - l[43]!, canonical[41]! - l[44]!)) < 1e-6);
  const track = assembleFaceTrack(videoFrames(30, 30), { duration: 1, faceFit: fit, source: 'clip.mp4' });
  assert.ok(track.mouthOpening[29]! > track.mouthOpening[0]! + 0.3, `opening ${track.mouthOpening[0]} -> ${track.mouthOpening[29]} cm as jawOpen grows`);
});

test('the face fit recovers a decoded face: residual well under a millimetre, jawOpen found, mouth gap kept', () => {
  const alpha = new Float64Array(FACE_COEFFICIENTS);
  for (let k = 0; k < 10; k++) alpha[k] = 0.8 * Math.sin(k + 1);
  alpha[80 + jawOpen] = 0.6;
  const landmarks = Float32Array.from(decodeFaceCpu(model, alpha.subarray(0, 80), alpha.subarray(80)).subarray(0, 1404));
  const fitted = fit.fit(landmarks);
  const decoded = decodeFaceCpu(model, fitted.subarray(0, 80), fitted.subarray(80));
  let squared = 0;
  for (let r = 0; r < 1404; r++) squared += (decoded[r]! - landmarks[r]!) ** 2;
  const rms = Math.sqrt(squared / LANDMARK_COUNT);
  assert.ok(rms < 0.03, `RMS landmark error ${rms.toFixed(4)} cm`);
  assert.ok(Math.abs(fitted[80 + jawOpen]! - 0.6) < 0.1, `jawOpen ${fitted[80 + jawOpen]}, expected about 0.6`);
  assert.ok(Math.abs(mouthOpening(decoded) - mouthOpening(landmarks)) < 0.02, 'the decoded mouth gap matches');
});

test('the face fit refuses a model whose vertices are not the MediaPipe landmarks (e.g. a BFM), naming it', () => {
  const shuffled: FaceModel = { ...model, name: 'not-mediapipe', mean: Float32Array.from(model.mean, (_, i) => model.mean[(i + 300) % model.mean.length]!) };
  assert.throws(() => new LandmarkFaceFit(shuffled), /face model 'not-mediapipe': its first 468 mean vertices lie .* cm \(RMS\) from MediaPipe's canonical face mesh/);
  const small: FaceModel = { ...model, name: 'small', vertexCount: 10, mean: model.mean.subarray(0, 30), idBasis: model.idBasis.subarray(0, 30 * 80), expBasis: model.expBasis.subarray(0, 30 * 64), lowerFaceMask: model.lowerFaceMask.subarray(0, 10), triangles: Uint32Array.of(0, 1, 2) };
  assert.throws(() => new LandmarkFaceFit(small), /has 10 vertices; fitting it to tracked landmarks needs/);
});

test('tracked frames survive the page -> Node encoding; a wrong length is refused', () => {
  const frames = videoFrames(30, 4, new Set([2]));
  const decoded = decodeTrackedFrames(encodeTrackedFrames(frames), 'page');
  assert.equal(decoded.map((f) => f.face === null), [false, false, true, false]);
  assertClose(decoded[3]!.face!.poseMatrix, frames[3]!.face!.poseMatrix, { atol: 1e-5, rtol: 1e-6 }, 'matrix');
  assertClose(decoded[1]!.face!.landmarks, frames[1]!.face!.landmarks, { atol: 0, rtol: 0 }, 'landmarks');
  assert.throws(() => decodeTrackedFrames(new Float32Array(100), 'the tracker page'), /the tracker page: 100 values, expected a multiple of 1422/);
});

test('track.json has exactly the issue\'s fields in order and reads back; errors name the field', () => {
  const track = assembleFaceTrack(videoFrames(25, 20, new Set([4])), { duration: 0.8, faceFit: fit, source: 'clip.mp4' });
  const text = faceTrackToJson(track);
  const json = JSON.parse(text) as Record<string, unknown>;
  assert.equal(Object.keys(json), ['fps', 'frames', 'poseChannels', 'pose', 'landmarks', 'success', 'mouthOpening', 'face'].flatMap((k) => (k === 'pose' ? ['poseUnits', 'pose'] : [k])));
  assert.equal(json.poseChannels, ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz']);
  assert.equal(json.poseUnits, { angles: 'radians', translation: 'cm' });
  assert.is((json.landmarks as number[][][])[0]!.length, 468);
  assert.is((json.landmarks as number[][][])[0]![13]!.length, 3);
  const back = parseFaceTrack(text, 'track.json');
  assert.is(back.frames, 24);
  assert.equal([...back.success], [...track.success]);
  assertClose(back.pose, track.pose, { atol: 1e-5, rtol: 1e-5 }, 'pose');
  assertClose(back.landmarks, track.landmarks, { atol: 1e-4, rtol: 1e-5 }, 'landmarks');
  assertClose(back.face, track.face, { atol: 1e-5, rtol: 1e-5 }, 'face');
  const broken = JSON.parse(text) as { landmarks: number[][][] };
  broken.landmarks[3]!.pop();
  assert.throws(() => parseFaceTrack(JSON.stringify(broken), 'me/track.json'), /me\/track\.json: field 'landmarks\[3\]' is .*, expected an array of 468/);
  assert.throws(() => parseFaceTrack(text.replace('"cm"', '"mm"'), 'track.json'), /field 'poseUnits'/);
});

test.run();
