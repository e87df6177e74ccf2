import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { contextWindows } from '../../talking-head/features/audio-features.ts';
import { type Dataset, facePairs, faceBatch, poseBatch, segmentFrames } from '../../talking-head/data/dataset.ts';
import { identitySubset } from '../../talking-head/data/identity-subset.ts';
import { loadDatasetFolder } from '../../runtime-node/dataset/dataset-files.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { removeFolders, tempFolder, writeClipFolder } from './synthetic-clips.ts';

const engine = await testEngine();
const data = await writeClipFolder([
  { stem: 'alice_clip1', frames: 400, seed: 1 },
  { stem: 'bob_1', frames: 120, seed: 2 },
]);
const out = await tempFolder('dataset-batches');
await runDatasetBuild({ data, out, engine, log: () => {} });
const dataset: Dataset = await loadDatasetFolder(out);
const F = 29, C = 16, CENTRE = 8;

/** audio[b, t, f, c] of a [B, T, F, C] batch. */
const at = (audio: Float32Array, T: number, b: number, t: number, f: number, c: number) => audio[((b * T + t) * F + f) * C + c]!;

test('the loaded dataset matches what was built: 2 clips, 2 identities, 400 and 120 frames', () => {
  assert.equal(dataset.clips.map((c) => [c.entry.name, c.frames, c.identityIndex]), [['alice_clip1', 400, 0], ['bob_1', 120, 1]]);
  assert.is(dataset.featureCount, F);
  assert.is(dataset.context, C);
  assert.is(dataset.contextCentre, CENTRE);
});

test('poseBatch of two train windows: shapes [B, T, F, 16], [B, T, F], [B, T, 6], [B, 6], [B]', () => {
  const windows = dataset.manifest.windows.train.slice(0, 2);
  assert.equal(windows, [[0, 0], [0, 5]]);
  const batch = poseBatch(dataset, windows);
  assert.is(batch.audio.length, 2 * 256 * F * C);
  assert.is(batch.audioFrames.length, 2 * 256 * F);
  assert.is(batch.pose.length, 2 * 256 * 6);
  assert.is(batch.initial.length, 2 * 6);
  assert.equal([...batch.identity], [0, 0]);
  assert.equal([...batch.initial.subarray(6, 12)], [...batch.pose.subarray(256 * 6, 256 * 6 + 6)], 'initial = first frame of the window');
});

test('poseBatch normalises with the train statistics: pose = (smoothed pose - mean) / std, features likewise', () => {
  const clip = dataset.clips[0]!;
  const batch = poseBatch(dataset, [[0, 5]]);
  const { mean, std } = dataset.manifest.stats.pose;
  const expected = Array.from({ length: 256 * 6 }, (_, i) => (clip.pose[5 * 6 + i]! - mean[i % 6]!) / std[i % 6]!);
  assertClose(batch.pose, expected, { atol: 1e-5, rtol: 1e-5 }, 'normalised pose');
  const fs = dataset.manifest.stats.features;
  assertClose([batch.audioFrames[3]!], [(clip.features[5 * F + 3]! - fs.mean[3]!) / fs.std[3]!], { atol: 1e-5, rtol: 1e-5 }, 'normalised feature');
  const raw = poseBatch(dataset, [[0, 5]], { normalise: false });
  assert.equal([...raw.pose.subarray(0, 6)], [...clip.pose.subarray(30, 36)]);
});

test('audio windows: frame i sees frames i-8 .. i+7 of the whole clip, zeros before its start and after its end', () => {
  const clip = dataset.clips[0]!;
  const T = 32;
  const windows = [[0, 0], [0, clip.frames - T], [0, 200]] as const;
  const batch = poseBatch(dataset, windows, { length: T });
  const feature = (frame: number, f: number) => clip.normalised.features[frame * F + f]!;
  for (let b = 0; b < windows.length; b++) {
    for (const t of [0, 1, 7, 8, T - 8, T - 1]) {
      const frame = windows[b]![1] + t;
      for (const f of [0, 13, F - 1]) {
        for (let c = 0; c < C; c++) {
          const source = frame - CENTRE + c;
          const expected = source < 0 || source >= clip.frames ? 0 : feature(source, f);
          assert.is(at(batch.audio, T, b, t, f, c), expected, `window ${b} t ${t} f ${f} column ${c} (source frame ${source})`);
        }
        assert.is(at(batch.audio, T, b, t, f, CENTRE), batch.audioFrames[(b * T + t) * F + f], 'column 8 is the frame itself');
      }
    }
  }
  // The first window's first frame sees 8 zero columns; the last window's last frame sees 7.
  assert.ok(Array.from({ length: CENTRE }, (_, c) => at(batch.audio, T, 0, 0, 0, c)).every((v) => v === 0));
  assert.ok(Array.from({ length: C - CENTRE - 1 }, (_, c) => at(batch.audio, T, 1, T - 1, 0, CENTRE + 1 + c)).every((v) => v === 0));
  assert.ok(at(batch.audio, T, 1, T - 1, 0, CENTRE) !== 0);
});

test('audio windows equal the GPU front end\'s contextWindows of the normalised features (same centre convention)', async () => {
  const clip = dataset.clips[1]!;
  const perFrame = tensor(engine, clip.normalised.features, [clip.frames, F]);
  const windows = contextWindows(perFrame, C, CENTRE);
  const gpu = await windows.read();
  perFrame.dispose();
  windows.dispose();
  assert.equal([...poseBatch(dataset, [[1, 0]], { length: clip.frames }).audio], [...gpu]);
});

test('poseBatch refuses a window that leaves its clip, naming it', () => {
  assert.throws(() => poseBatch(dataset, [[1, 0]]), /poseBatch window 0: frames 0 \.\. 255 of clip 'bob_1', which has 120/);
  assert.throws(() => poseBatch(dataset, [[2, 0]]), /poseBatch window 0: clip index 2/);
});

test('faceBatch: rows 2k and 2k+1 are frames t and t+1, audio [2K, F, 16], pose [2K, 6], face [2K, 144]', () => {
  const pairs = facePairs(dataset, 'val');
  assert.is(pairs.length, (320 - 280 - 1) + (96 - 84 - 1));
  for (const [c, t] of pairs) {
    const [from, to] = dataset.clips[c]!.entry.segments.val;
    assert.ok(t >= from && t + 1 < to, `pair [${c}, ${t}] inside val [${from}, ${to})`);
  }
  const refs = [pairs[0]!, pairs.at(-1)!];
  const batch = faceBatch(dataset, refs);
  assert.is(batch.rows, 4);
  assert.is(batch.audio.length, 4 * F * C);
  assert.is(batch.pose.length, 4 * 6);
  assert.is(batch.face.length, 4 * 144);
  const [c, t] = refs[1]!;
  const clip = dataset.clips[c]!;
  assert.equal([...batch.face.subarray(2 * 144, 3 * 144)], [...clip.normalised.face!.subarray(t * 144, (t + 1) * 144)]);
  assert.equal([...batch.face.subarray(3 * 144, 4 * 144)], [...clip.normalised.face!.subarray((t + 1) * 144, (t + 2) * 144)]);
  assert.equal([...batch.pose.subarray(3 * 6, 4 * 6)], [...clip.normalised.pose.subarray((t + 1) * 6, (t + 2) * 6)]);
  assert.is(batch.audio[(3 * F + 5) * C + CENTRE], clip.normalised.features[(t + 1) * F + 5]);
});

test('faceBatch refuses a pair that crosses a split boundary', () => {
  const trainEnd = dataset.clips[0]!.entry.segments.train[1];
  assert.throws(() => faceBatch(dataset, [[0, trainEnd - 1]]), /faceBatch pair 0: frames 279 and 280 of clip 'alice_clip1' .* not both inside one split segment/);
  assert.throws(() => faceBatch(dataset, [[0, 399]]), /frames 399 and 400/);
});

test('segmentFrames walks every clip\'s segment of a split, views of the normalised arrays', () => {
  const test_ = [...segmentFrames(dataset, 'test')];
  assert.equal(test_.map((s) => [s.clip.entry.name, s.range, s.length]), [['alice_clip1', [320, 400], 80], ['bob_1', [96, 120], 24]]);
  assert.is(test_[0]!.audioFrames.length, 80 * F);
  assert.is(test_[1]!.face!.length, 24 * 144);
  assert.is(test_[0]!.pose[0], dataset.clips[0]!.normalised.pose[320 * 6]);
});

test('denormalisePose inverts the pose normalisation', () => {
  const clip = dataset.clips[1]!;
  assertClose(dataset.denormalisePose(clip.normalised.pose), clip.pose, { atol: 1e-5, rtol: 1e-5 }, 'pose round trip');
});

test('identitySubset keeps one person: their clips, renumbered windows, the whole dataset\'s statistics', () => {
  const bob = identitySubset(dataset, 'bob');
  assert.equal(bob.clips.map((c) => [c.entry.name, c.index, c.identityIndex]), [['bob_1', 0, 0]]);
  assert.equal(bob.manifest.identities.map((e) => e.name), ['bob']);
  assert.equal(bob.manifest.stats, dataset.manifest.stats);
  for (const split of ['train', 'val', 'test'] as const) {
    const expected = dataset.manifest.windows[split].filter(([clip]) => clip === 1).map(([, start]) => [0, start]);
    assert.equal(bob.manifest.windows[split], expected, split);
  }
  assert.equal([...bob.clips[0]!.normalised.pose], [...dataset.clips[1]!.normalised.pose], 'same normalised values');
  assert.equal(facePairs(bob, 'train').length, facePairs(dataset, 'train').filter(([clip]) => clip === 1).length);
  assert.throws(() => identitySubset(dataset, 'carol'), /no identity 'carol'/);
});

test.after(() => removeFolders(data, out));

test.run();
