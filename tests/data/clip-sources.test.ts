import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type TrackedVideoClip, assignIdentities, clipFromDeep3DMat, clipFromFeatureFile, clipFromOpenFaceCsv, discoverClips, identityFromStem, parseIdentityManifest,
  readClipInput,
} from '../../talking-head/data/clip-sources.ts';
import { deepSpeechFeatureConfig } from '../../talking-head/features/config.ts';
import { matFromRowMajor, writeMat5 } from '../../talking-head/formats/mat5.ts';
import { writeNpy } from '../../talking-head/formats/npy.ts';
import { fromOpenFace } from '../../talking-head/pose/pose-convention.ts';
import { assertClose } from '../helpers/compare.ts';
import { deep3dMat, openFaceCsv, syntheticPoses } from './synthetic-clips.ts';

test('identity from stem drops trailing _clip<n>, _clip_<n>, _<digits> and _short markers', () => {
  const cases: Record<string, string> = {
    Obama_clip1: 'Obama', Obama_clip3: 'Obama', andrew_clip_2: 'andrew', feifeili_clip2_short: 'feifeili', KristiNoem: 'KristiNoem',
    speaker_07: 'speaker', anchor_clip: 'anchor', bob_clipper: 'bob_clipper', Jane_Doe_3: 'Jane_Doe', '_1': '_1', clip_2: 'clip',
  };
  for (const [stem, identity] of Object.entries(cases)) assert.is(identityFromStem(stem), identity, stem);
});

test('manifest.json identities override the stem rule; stems it does not name keep the rule', () => {
  const manifest = parseIdentityManifest('{ "clips": { "Obama_clip1": "barack", "x_1": "someone" } }', 'manifest.json');
  assert.equal([...assignIdentities(['Obama_clip1', 'Obama_clip2', 'x_1'], manifest)], [['Obama_clip1', 'barack'], ['Obama_clip2', 'Obama'], ['x_1', 'someone']]);
});

test('manifest.json naming a clip that is not in the folder is refused, naming the field', () => {
  const manifest = parseIdentityManifest('{ "clips": { "Obama_clip9": "Obama" } }', 'manifest.json');
  assert.throws(() => assignIdentities(['Obama_clip1'], manifest), /manifest\.json: field 'clips\.Obama_clip9' names no clip/);
  assert.throws(() => parseIdentityManifest('{ "clips": { "a": 3 } }', 'm.json'), /m\.json: field 'clips\.a' is 3/);
  assert.throws(() => parseIdentityManifest('{ "clip": {} }', 'm.json'), /m\.json: field 'clips' is missing/);
});

test('clip discovery pairs audio with pose sources, prefers .mat over .csv and precomputed features over .wav', () => {
  const { clips, skipped } = discoverClips([
    'b.wav', 'b.mat', 'b.csv', 'a.wav', 'a.csv', 'c.features.npy', 'c.wav', 'c.mat', 'lonely.wav', 'posesonly.mat', 'stray.npy', 'README.md', 'manifest.json',
  ]);
  assert.equal(clips.map((c) => [c.stem, c.pose.file, c.audio.file]), [
    ['a', 'a.csv', 'a.wav'], ['b', 'b.mat', 'b.wav'], ['c', 'c.mat', 'c.features.npy'],
  ]);
  assert.equal(skipped.map((s) => s.file).sort(), ['b.csv', 'c.wav', 'lonely.wav', 'posesonly.mat', 'stray.npy']);
  assert.match(skipped.find((s) => s.file === 'lonely.wav')!.reason, /no pose source/);
  assert.match(skipped.find((s) => s.file === 'posesonly.mat')!.reason, /no audio/);
});

test('Deep3DFaceRecon coeff N x 257: pose is angles + trans, face is id (0-79) then exp (80-143)', () => {
  const { pose, face } = clipFromDeep3DMat(deep3dMat(12, 3), 'x.mat');
  assert.is(pose.frames, 12);
  assert.is(pose.unit, 'bfm');
  assertClose(pose.values, syntheticPoses(12, 3), { atol: 1e-6, rtol: 0 }, 'pose from coeff');
  assert.is(face!.length, 12 * 144);
});

test('Deep3DFaceRecon per-key .mat (id, exp, angle, trans) reads the same as coeff; without id/exp the clip has no face', () => {
  const frames = 4;
  const fill = (cols: number, base: number) => matFromRowMajor(Float32Array.from({ length: frames * cols }, (_, i) => base + i), frames, cols);
  const bytes = writeMat5({ id: fill(80, 0), exp: fill(64, 1000), angle: fill(3, 2000), trans: fill(3, 3000) });
  const { pose, face } = clipFromDeep3DMat(bytes, 'keys.mat');
  assert.equal([...pose.values.subarray(6, 12)], [2003, 2004, 2005, 3003, 3004, 3005]);
  assert.is(face![144 + 79], 80 + 79);
  assert.is(face![144 + 80], 1000 + 64);
  const poseOnly = clipFromDeep3DMat(writeMat5({ angle: fill(3, 0), trans: fill(3, 0) }), 'p.mat');
  assert.is(poseOnly.face, null);
  assert.throws(() => clipFromDeep3DMat(writeMat5({ other: fill(3, 0) }), 'bad.mat'), /bad\.mat: has neither 'coeff'.*variables: other/);
});

test('OpenFace CSV becomes posedyn poses in mm; a track not at 30 fps is refused', () => {
  const pose = clipFromOpenFaceCsv(openFaceCsv(10, 2), 'x.csv', 30);
  assert.is(pose.unit, 'mm');
  assert.is(pose.frames, 10);
  const p = syntheticPoses(10, 2).subarray(6, 12);
  const expected = fromOpenFace(Number(p[0]!.toFixed(4)), Number(p[1]!.toFixed(4)), Number(p[2]!.toFixed(4)), Number((p[3]! * 100).toFixed(3)), Number((p[4]! * 100).toFixed(3)), Number((500 + p[5]! * 100).toFixed(3)));
  assertClose(pose.values.subarray(6, 12), expected.values, { atol: 1e-9, rtol: 0 }, 'frame 1');
  const slow = new TextDecoder().decode(openFaceCsv(10, 2)).replace(/^(\d+), 0, ([\d.]+),/gm, (_, f: string) => `${f}, 0, ${((Number(f) - 1) / 25).toFixed(3)},`);
  assert.throws(() => clipFromOpenFaceCsv(new TextEncoder().encode(slow), 'slow.csv', 30), /slow\.csv: timestamps give 25\.00 frames a second, expected 30/);
});

test('precomputed DeepSpeech windows [N, 16, 29] give their centre column as the per-frame features', () => {
  const N = 3, C = 16, F = 29;
  const windows = Float32Array.from({ length: N * C * F }, (_, i) => i);
  const audio = clipFromFeatureFile(writeNpy(windows, [N, C, F]), 'x.features.npy', 'features-npy', { context: C, contextCentre: 8 });
  assert.ok(audio.kind === 'precomputed');
  assert.is(audio.frames, N);
  assert.equal([...audio.perFrame.subarray(F, F + 3)], [(1 * C + 8) * F, (1 * C + 8) * F + 1, (1 * C + 8) * F + 2]);
  assert.throws(() => clipFromFeatureFile(writeNpy(new Float32Array(24), [2, 3, 4]), 'bad.features.npy', 'features-npy', { context: C, contextCentre: 8 }), /bad\.features\.npy: features have shape \[2, 3, 4\]/);
});


test('videos are clips: pose, face and sound from one file; .mat and .csv are preferred as pose, .wav as sound', () => {
  const { clips, skipped } = discoverClips(['me.mp4', 'you.webm', 'you.wav', 'b.mat', 'b.wav', 'b.mov', 'twice.mp4', 'twice.mkv', 'notes.txt']);
  assert.equal(clips.map((c) => [c.stem, c.pose.kind, c.pose.file, c.audio.kind, c.audio.file]), [
    ['b', 'deep3d-mat', 'b.mat', 'wav', 'b.wav'],
    ['me', 'video', 'me.mp4', 'video', 'me.mp4'],
    ['twice', 'video', 'twice.mkv', 'video', 'twice.mkv'],
    ['you', 'video', 'you.webm', 'wav', 'you.wav'],
  ]);
  assert.equal(skipped.map((s) => [s.file, s.reason]).sort(), [['b.mov', "clip 'b' uses b.mat and b.wav"], ['twice.mp4', "clip 'twice' has twice.mkv already"]]);
});

const trackedVideo = (frames: number, speech: Float32Array | null, found = (_frame: number) => true): TrackedVideoClip => ({
  track: { fps: 30, frames, pose: new Float32Array(frames * 6).fill(0.5), face: new Float32Array(frames * 144).fill(0.25), success: Uint8Array.from({ length: frames }, (_, k) => (found(k) ? 1 : 0)) },
  speech,
});
const decode = { sampleRate: 16000, fps: 30, precomputed: deepSpeechFeatureConfig };

test('a video clip reads through the runtime\'s tracker: poses in cm, face coefficients, the video\'s sound', async () => {
  const [files] = discoverClips(['me.mp4']).clips;
  const seen: string[] = [];
  const clip = await readClipInput(files!, 'me', () => Promise.reject(new Error('a video is not read as bytes')), {
    ...decode, trackVideo: async (file) => (seen.push(file), trackedVideo(30, new Float32Array(16000).fill(0.1))),
  });
  assert.equal(seen, ['me.mp4']);
  assert.is(clip.pose.unit, 'cm');
  assert.is(clip.pose.frames, 30);
  assert.is(clip.face!.length, 30 * 144);
  assert.is(clip.audio.kind, 'samples');
  assert.is((clip.audio as { samples: Float32Array }).samples.length, 16000);
});

test('a video clip without sound, or without a tracker, is refused naming the file', async () => {
  const [files] = discoverClips(['mute.mp4']).clips;
  const noBytes = (): Promise<Uint8Array> => Promise.reject(new Error('no bytes are read'));
  try {
    await readClipInput(files!, 'mute', noBytes, { ...decode, trackVideo: async () => trackedVideo(30, null) });
    assert.unreachable('no sound');
  } catch (error) {
    assert.match((error as Error).message, /^mute\.mp4: the video has no sound; a clip needs speech \(put it beside the video as mute\.wav\)/);
  }
  try {
    await readClipInput(files!, 'mute', noBytes, decode);
    assert.unreachable('no tracker');
  } catch (error) {
    assert.match((error as Error).message, /^mute\.mp4: a video clip, and no face tracker was given to read it/);
  }
});

test('a video tracked on under half of its frames is refused naming the file; a few frames without a face are reported', async () => {
  const [files] = discoverClips(['me.mp4']).clips;
  const noBytes = (): Promise<Uint8Array> => Promise.reject(new Error('no bytes are read'));
  const speech = new Float32Array(16000).fill(0.1);
  await readClipInput(files!, 'me', noBytes, { ...decode, trackVideo: async () => trackedVideo(30, speech, (k) => k < 10) }).then(
    () => assert.unreachable('refused'),
    (e: Error) => assert.match(e.message, /^me\.mp4: tracking failed on 20 of 30 frames \(66\.7%\), more than the 50% a clip may miss/),
  );
  const clip = await readClipInput(files!, 'me', noBytes, { ...decode, trackVideo: async () => trackedVideo(30, speech, (k) => k !== 7) });
  assert.equal(clip.pose.notes, ['me.mp4: tracking failed on 1 of 30 frames (3.3%), the longest gap 1 frames (0.03 s); their poses are interpolated']);
});

test.run();
