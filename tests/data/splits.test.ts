import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reconcileFrames, splitSegments, unwrapEulerAngles, windowStarts } from '../../talking-head/data/build-dataset.ts';
import { type DatasetManifest, SPLITS, datasetManifestToJson, parseDatasetManifest } from '../../talking-head/data/dataset-format.ts';
import { defaultFeatureConfig } from '../../talking-head/features/config.ts';

test('split 7:1:2 by time: train [0, round(0.7 n)), val to round(0.8 n), test to n, halves rounded up', () => {
  assert.equal(splitSegments(600), { train: [0, 420], val: [420, 480], test: [480, 600] });
  assert.equal(splitSegments(210), { train: [0, 147], val: [147, 168], test: [168, 210] });
  assert.equal(splitSegments(5), { train: [0, 4], val: [4, 4], test: [4, 5] }); // 3.5 -> 4, 4.0 -> 4
  assert.equal(splitSegments(15), { train: [0, 11], val: [11, 12], test: [12, 15] }); // 10.5 -> 11
  for (let n = 0; n <= 1000; n++) {
    const s = splitSegments(n);
    assert.ok(s.train[0] === 0 && s.train[1] === s.val[0] && s.val[1] === s.test[0] && s.test[1] === n, `segments of ${n} tile [0, n)`);
    assert.ok(Math.abs(10 * s.train[1] - 7 * n) <= 5 && Math.abs(10 * s.val[1] - 8 * n) <= 5, `boundaries of ${n} within half a frame`);
  }
});

test('windows: 256 frames every 5 inside the range, none crossing its end', () => {
  assert.equal(windowStarts([0, 420], 256, 5).length, 33);
  assert.is(windowStarts([0, 420], 256, 5).at(-1), 160);
  assert.equal(windowStarts([0, 255], 256, 5), []);
  assert.equal(windowStarts([100, 356], 256, 5), [100]);
  for (const range of [[0, 630], [630, 720], [720, 900], [3, 1000]] as const) {
    for (const s of windowStarts(range, 256, 5)) assert.ok(s >= range[0] && s + 256 <= range[1], `window ${s} inside [${range}]`);
  }
});

test('audio and pose lengths: equal kept, one frame apart trimmed to the shorter, further apart refused naming the clip', () => {
  assert.is(reconcileFrames('a', 600, 600), 600);
  assert.is(reconcileFrames('a', 601, 600), 600);
  assert.is(reconcileFrames('a', 599, 600), 599);
  assert.throws(() => reconcileFrames('Obama_clip1', 603, 600), /clip 'Obama_clip1': audio has 603 frames but the pose track has 600/);
});

test('Euler angles are unwrapped along time; translations are left alone', () => {
  const values = Float64Array.from([3.1, 0, 0, 5, 0, 0, -3.1, 0, 0, 5, 0, 0, -3.0, 0, 0, 9, 0, 0]);
  const out = unwrapEulerAngles(values, 3);
  assert.ok(Math.abs(out[6]! - (2 * Math.PI - 3.1)) < 1e-12 && Math.abs(out[12]! - (2 * Math.PI - 3.0)) < 1e-12);
  assert.equal([out[3], out[9], out[15]], [5, 5, 9]);
});

function tinyManifest(): DatasetManifest {
  const segments = splitSegments(300);
  return {
    format: 'posedyn-dataset', version: 1, featureConfig: defaultFeatureConfig, smoothing: { sigma: 1, halfWindow: 3 }, poseUnit: 'bfm',
    windowing: { length: 200, stride: 5 },
    identities: [{ name: 'A', meanPose: [0, 0, 0, 0, 0, 0], stdPose: [1, 1, 1, 1, 1, 1], trainFrames: 210 }],
    clips: [{ name: 'A_clip1', identity: 'A', frames: 300, hasFace: true, file: 'clips/A_clip1.safetensors', segments }],
    windows: { train: [[0, 0], [0, 5], [0, 10]], val: [], test: [] },
    stats: {
      pose: { mean: [0, 0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1, 1] },
      face: { mean: new Array(144).fill(0), std: new Array(144).fill(1) },
      features: { mean: new Array(29).fill(0), std: new Array(29).fill(1) },
    },
  };
}

test('dataset.json round-trips through its canonical text, byte-identical on a second pass', () => {
  const text = datasetManifestToJson(tinyManifest());
  const parsed = parseDatasetManifest(text);
  assert.equal(parsed, tinyManifest());
  assert.is(datasetManifestToJson(parsed), text);
  assert.match(text, /"train": \[0, 210\]/);
});

test('dataset.json validation names the field that is wrong', () => {
  const edit = (change: (m: Record<string, any>) => void): string => {
    const m = JSON.parse(datasetManifestToJson(tinyManifest()));
    change(m);
    return JSON.stringify(m);
  };
  const cases: [string, (m: Record<string, any>) => void, RegExp][] = [
    ['format', (m) => (m.format = 'other'), /field 'format' is "other"/],
    ['version', (m) => (m.version = 2), /field 'version' is 2/],
    ['clip identity', (m) => (m.clips[0].identity = 'B'), /field 'clips\[0\]\.identity' is "B", expected one of identities/],
    ['segments gap', (m) => (m.clips[0].segments.val = [211, 240]), /field 'clips\[0\]\.segments\.val'/],
    ['segments end', (m) => (m.clips[0].segments.test = [240, 299]), /field 'clips\[0\]\.segments\.test'/],
    ['window crossing the split', (m) => (m.windows.train[2] = [0, 11]), /field 'windows\.train\[2\]\[1\]' is 11, expected an integer in \[0, 10\]/],
    ['window clip', (m) => (m.windows.train[0] = [1, 0]), /field 'windows\.train\[0\]\[0\]' is 1/],
    ['pose stats length', (m) => m.stats.pose.mean.pop(), /field 'stats\.pose\.mean' .* expected an array of 6/],
    ['feature stats length', (m) => m.stats.features.std.push(1), /field 'stats\.features\.std' .* expected an array of 29/],
    ['face stats null with face clips', (m) => (m.stats.face = null), /field 'stats\.face' is null/],
    ['identity mean pose', (m) => (m.identities[0].meanPose[2] = 'x'), /field 'identities\[0\]\.meanPose\[2\]' is "x"/],
    ['feature config', (m) => (m.featureConfig.nMels = 0), /featureConfig: field 'nMels'/],
  ];
  for (const [what, change, message] of cases) assert.throws(() => parseDatasetManifest(edit(change)), message, what);
  for (const split of SPLITS) assert.ok(split in tinyManifest().windows);
});

test.run();
