import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClipInput, buildDataset } from '../../talking-head/data/build-dataset.ts';
import { type DatasetManifest, SPLITS, parseDatasetManifest } from '../../talking-head/data/dataset-format.ts';
import { parseSafetensors } from '../../core/formats/safetensors.ts';
import { gaussianFilterReference } from '../../talking-head/reference/gaussian-filter.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { rng } from '../helpers/random.ts';
import { removeFolders, syntheticPoses, tempFolder, writeClipFolder } from './synthetic-clips.ts';

const engine = await testEngine();
const quiet = () => {};

// Two identities; one clip at 22.05 kHz (resampled), one long enough for train windows (420 frames -> 294 train).
const clips = [
  { stem: 'alice_clip1', frames: 420, sampleRate: 22050, seed: 1 },
  { stem: 'alice_clip_2', frames: 150, seed: 2 },
  { stem: 'bob', frames: 300, audioFrames: 301, seed: 3 },
];
const data = await writeClipFolder(clips);
const outA = await tempFolder('dataset-a');
const outB = await tempFolder('dataset-b');
const first = await runDatasetBuild({ data, out: outA, engine, log: quiet });

async function folderBytes(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.set(join(entry.parentPath, entry.name).slice(dir.length), await readFile(join(entry.parentPath, entry.name)));
  }
  return out;
}

function assertWindowsInsideSplits(manifest: DatasetManifest): void {
  for (const split of SPLITS) {
    for (const [c, start] of manifest.windows[split]) {
      const [from, to] = manifest.clips[c]!.segments[split];
      assert.ok(start >= from && start + manifest.windowing.length <= to, `${split} window [${c}, ${start}] inside [${from}, ${to})`);
    }
  }
}

test('a synthetic folder (16 and 22.05 kHz WAV + Deep3DFaceRecon .mat) builds end to end', async () => {
  const manifest = parseDatasetManifest(await readFile(join(outA, 'dataset.json'), 'utf8'));
  assert.equal(manifest.clips.map((c) => [c.name, c.identity, c.frames, c.hasFace]), [
    ['alice_clip1', 'alice', 420, true], ['alice_clip_2', 'alice', 150, true], ['bob', 'bob', 300, true],
  ]);
  assert.equal(manifest.identities.map((e) => [e.name, e.trainFrames]), [['alice', 294 + 105], ['bob', 210]]);
  assert.equal(manifest.clips[0]!.segments, { train: [0, 294], val: [294, 336], test: [336, 420] });
  assert.equal(manifest.windows.train, [[0, 0], [0, 5], [0, 10], [0, 15], [0, 20], [0, 25], [0, 30], [0, 35]]);
  assert.equal(manifest.windows.val, []);
  assertWindowsInsideSplits(manifest);
  assert.is(manifest.poseUnit, 'bfm');
  assert.equal(manifest.smoothing, { sigma: 1, halfWindow: 3 });
  for (const clip of manifest.clips) {
    const file = parseSafetensors(await readFile(join(outA, clip.file)), clip.file);
    assert.equal(Object.fromEntries([...file.tensors].map(([name, t]) => [name, t.shape])), {
      face: [clip.frames, 144], features: [clip.frames, 29], pose: [clip.frames, 6], poseRaw: [clip.frames, 6],
    }, clip.name);
    for (const [name, t] of file.tensors) assert.ok((t.data as Float32Array).every(Number.isFinite), `${clip.name} ${name} finite`);
  }
  assert.match(first.summary, /alice\s+2\s+570\s+399\s+57\s+114\s+8\s+0\s+0/);
});

test('audio one frame longer than the pose track is trimmed to the shorter, and the build says so', async () => {
  const logged: string[] = [];
  const out = await tempFolder('dataset-trim');
  await runDatasetBuild({ data, out, engine, log: (line) => logged.push(line) });
  assert.ok(logged.some((l) => l.includes("clip 'bob': audio has 301 frames and the pose track 300; trimmed to 300")), logged.join('\n'));
  await removeFolders(out);
});

test('the build is deterministic: a second build gives byte-identical files', async () => {
  await runDatasetBuild({ data, out: outB, engine, log: quiet });
  const a = await folderBytes(outA);
  const b = await folderBytes(outB);
  assert.equal([...a.keys()].sort(), [...b.keys()].sort());
  assert.equal([...a.keys()].sort(), ['/clips/alice_clip1.safetensors', '/clips/alice_clip_2.safetensors', '/clips/bob.safetensors', '/dataset.json']);
  for (const [name, bytes] of a) assert.ok(bytes.equals(b.get(name)!), `${name} differs between builds`);
});

test('audio and pose more than one frame apart are refused, naming the clip and both lengths', async () => {
  const bad = await writeClipFolder([{ stem: 'carol_clip1', frames: 100, audioFrames: 103, seed: 4 }]);
  const out = await tempFolder('dataset-bad');
  try {
    await runDatasetBuild({ data: bad, out, engine, log: quiet });
    assert.unreachable('the build should have failed');
  } catch (error) {
    assert.match((error as Error).message, /clip 'carol_clip1': audio has 103 frames but the pose track has 100/);
  }
  assert.equal(await readdir(out), [], 'nothing written');
  await removeFolders(bad, out);
});

test('pose is Eq. (1) of poseRaw applied within each split segment (edges replicated at segment ends)', async () => {
  const clip = parseSafetensors(await readFile(join(outA, 'clips/bob.safetensors')), 'bob');
  const raw = clip.tensors.get('poseRaw')!.data as Float32Array;
  const pose = clip.tensors.get('pose')!.data as Float32Array;
  assertClose(raw, syntheticPoses(300, 3), { atol: 1e-6, rtol: 0 }, 'poseRaw is the tracked pose');
  for (const [from, to] of [[0, 210], [210, 240], [240, 300]] as const) {
    const expected = gaussianFilterReference(raw.subarray(from * 6, to * 6), 1, to - from, 6, 1, 3);
    assertClose(pose.subarray(from * 6, to * 6), expected, { atol: 1e-6, rtol: 1e-5 }, `smoothed segment [${from}, ${to})`);
  }
});

/** A clip with precomputed features, so every value is known; `offset` is added to val and test frames only. */
function knownClip(name: string, identity: string, frames: number, seed: number, offset: number): ClipInput {
  const next = rng(seed);
  const trainEnd = Math.floor((7 * frames + 5) / 10);
  const shifted = (f: number) => (f >= trainEnd ? offset : 0);
  const perFrame = Float32Array.from({ length: frames * 29 }, (_, i) => next() * 3 + shifted(Math.floor(i / 29)));
  const values = Float64Array.from(syntheticPoses(frames, seed), (v, i) => v + shifted(Math.floor(i / 6)));
  const face = Float32Array.from({ length: frames * 144 }, (_, i) => next() + shifted(Math.floor(i / 144)));
  return { name, identity, audio: { kind: 'precomputed', perFrame, frames, features: 29 }, pose: { values, frames, unit: 'bfm' }, face };
}

test('statistics come from the train split only: changing val and test frames changes none of them', async () => {
  const build = (offset: number) => buildDataset(engine, [knownClip('x_1', 'x', 300, 5, offset), knownClip('y_1', 'y', 200, 6, offset)]);
  const plain = await build(0);
  const shifted = await build(50);
  assert.equal(shifted.manifest.stats, plain.manifest.stats);
  assert.equal(shifted.manifest.identities, plain.manifest.identities);
  // And they are the train-split statistics of the stored arrays.
  const checks = [
    ['pose', plain.manifest.stats.pose, 6, (i: number) => plain.clips[i]!.pose],
    ['features', plain.manifest.stats.features, 29, (i: number) => plain.clips[i]!.features],
    ['face', plain.manifest.stats.face!, 144, (i: number) => plain.clips[i]!.face!],
  ] as const;
  for (const [what, stats, channels, arrayOf] of checks) {
    for (const c of [0, channels - 1]) {
      const rows = plain.manifest.clips.flatMap((entry, i) => Array.from({ length: entry.segments.train[1] }, (_, f) => arrayOf(i)[f * channels + c]!));
      const mean = rows.reduce((s, v) => s + v, 0) / rows.length;
      const std = Math.sqrt(rows.reduce((s, v) => s + (v - mean) ** 2, 0) / rows.length);
      assertClose([stats.mean[c]!, stats.std[c]!], [mean, std], { atol: 1e-9, rtol: 1e-9 }, `${what} stats, channel ${c}`);
    }
  }
  const y = plain.manifest.identities.find((e) => e.name === 'y')!;
  assert.is(y.trainFrames, 140);
  const yPose = plain.clips[1]!.pose;
  assertClose([y.meanPose[3]!], [Array.from({ length: 140 }, (_, f) => yPose[f * 6 + 3]!).reduce((s, v) => s + v, 0) / 140], { atol: 1e-9, rtol: 0 }, 'rest pose tx of y');
  // motionPose: the RMS frame step over the train frames (139 steps of y's one train segment), by hand
  assert.equal(plain.manifest.clips[1]!.segments.train, [0, 140]);
  for (const c of [1, 5]) {
    const steps = Array.from({ length: 139 }, (_, f) => (yPose[(f + 1) * 6 + c]! - yPose[f * 6 + c]!) ** 2);
    assertClose([y.motionPose![c]!], [Math.sqrt(steps.reduce((s, v) => s + v, 0) / 139)], { atol: 1e-9, rtol: 1e-7 }, `frame step of y, channel ${c}`);
  }
});

test('OpenFace clips build with hasFace false, pose in mm and no face statistics; mixing with .mat clips is refused', async () => {
  const csvData = await writeClipFolder([{ stem: 'dan_1', frames: 90, pose: 'csv', seed: 7 }]);
  const out = await tempFolder('dataset-csv');
  const report = await runDatasetBuild({ data: csvData, out, engine, log: quiet });
  assert.is(report.manifest.poseUnit, 'mm');
  assert.is(report.manifest.clips[0]!.hasFace, false);
  assert.is(report.manifest.stats.face, null);
  const file = parseSafetensors(await readFile(join(out, 'clips/dan_1.safetensors')), 'dan_1');
  assert.equal([...file.tensors.keys()].sort(), ['features', 'pose', 'poseRaw']);
  const mixed = await writeClipFolder([{ stem: 'dan_1', frames: 90, pose: 'csv', seed: 7 }, { stem: 'eve_1', frames: 90, seed: 8 }]);
  try {
    await runDatasetBuild({ data: mixed, out, engine, log: quiet });
    assert.unreachable('mixed units should be refused');
  } catch (error) {
    assert.match((error as Error).message, /mix pose translation units: 'bfm' \(Deep3DFaceRecon \.mat: eve_1\) and 'mm' \(OpenFace \.csv: dan_1\)/);
  }
  await removeFolders(csvData, mixed, out);
});

test('manifest.json sets identities; a folder without clips is refused', async () => {
  const withManifest = await writeClipFolder([{ stem: 'take_1', frames: 60, seed: 9 }], { 'manifest.json': '{ "clips": { "take_1": "frank" } }' });
  const out = await tempFolder('dataset-manifest');
  const report = await runDatasetBuild({ data: withManifest, out, engine, log: quiet });
  assert.equal(report.manifest.identities.map((e) => e.name), ['frank']);
  const empty = await tempFolder('dataset-empty');
  try {
    await runDatasetBuild({ data: empty, out, engine, log: quiet });
    assert.unreachable('an empty folder should be refused');
  } catch (error) {
    assert.match((error as Error).message, /no clips found/);
  }
  await removeFolders(withManifest, out, empty);
});

test.after(() => removeFolders(data, outA, outB));

test.run();
