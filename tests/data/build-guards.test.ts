import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClipInput, buildDataset } from '../../talking-head/data/build-dataset.ts';
import { matFromRowMajor, matrixRowMajor, parseMat5, writeMat5 } from '../../talking-head/formats/mat5.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { testEngine } from '../helpers/engine.ts';
import { deep3dMat, openFaceCsv, removeFolders, speechLikeWav, syntheticPoses, tempFolder, writeClipFolder } from './synthetic-clips.ts';

const engine = await testEngine();
const folders: string[] = [];
const quiet = () => {};

/** A clip folder with one .mat clip whose coeff value at (frame, column) is `value`. */
async function matClipWith(frame: number, column: number, value: number): Promise<string> {
  const dir = await writeClipFolder([]);
  folders.push(dir);
  const m = matrixRowMajor(parseMat5(deep3dMat(300, 5), 'x').get('coeff')!, 'x', 'coeff', { cols: 257 });
  const data = Float32Array.from(m.data);
  data[frame * 257 + column] = value;
  await writeFile(join(dir, 'carol_clip1.mat'), writeMat5({ coeff: matFromRowMajor(data, 300, 257) }));
  await writeFile(join(dir, 'carol_clip1.wav'), speechLikeWav(300, 16000, 5));
  return dir;
}

/** A clip folder with one OpenFace clip of 600 frames, `failed(i)` frames with success 0. */
async function csvClipWith(failed: (frame: number) => boolean): Promise<string> {
  const dir = await writeClipFolder([]);
  folders.push(dir);
  const [header, ...rows] = new TextDecoder().decode(openFaceCsv(600, 4)).trim().split('\n');
  const marked = rows.map((row, i) => (failed(i) ? row.split(', ').map((cell, k) => (k === 4 ? '0' : cell)).join(', ') : row));
  await writeFile(join(dir, 'dave_clip1.csv'), `${[header, ...marked].join('\n')}\n`);
  await writeFile(join(dir, 'dave_clip1.wav'), speechLikeWav(600, 16000, 4));
  return dir;
}

async function buildError(data: string, out: string): Promise<Error> {
  return runDatasetBuild({ data, out, engine, log: quiet }).then(() => assert.unreachable('the build should fail') as never, (e: Error) => e);
}

test('a NaN face coefficient in a .mat is refused naming the file, the frame and the column; nothing is written', async () => {
  const out = await tempFolder('nan-face');
  folders.push(out);
  const error = await buildError(await matClipWith(57, 100, NaN), out);
  assert.is(error.message, "carol_clip1.mat: 'coeff' frame 57 (row 58), column 100 (alpha_exp[20]) is NaN, expected a finite number; the clip cannot be used");
  assert.equal(await readdir(out), []);
  const inf = await buildError(await matClipWith(3, 12, -Infinity), out);
  assert.match(inf.message, /frame 3 \(row 4\), column 12 \(alpha_id\[12\]\) is -Infinity/);
  assert.match((await buildError(await matClipWith(9, 225, NaN), out)).message, /column 225 \(angle\[1\]\) is NaN/);
});

test('a NaN in the texture or lighting columns (not used) does not stop the build', async () => {
  const out = await tempFolder('nan-texture');
  folders.push(out);
  await runDatasetBuild({ data: await matClipWith(10, 150, NaN), out, engine, log: quiet });
  assert.ok((await readdir(out)).includes('dataset.json'));
});

test('in memory: non-finite face coefficients and precomputed features of a ClipInput are named by clip, column and frame', async () => {
  const frames = 40;
  const clip = (face: Float32Array | null, perFrame?: Float32Array): ClipInput => ({
    name: 'eve', identity: 'eve',
    audio: perFrame ? { kind: 'precomputed', perFrame, frames, features: 29 } : { kind: 'samples', samples: new Float32Array(frames * 16000 / 30) },
    pose: { values: syntheticPoses(frames, 1), frames, unit: 'bfm' }, face,
  });
  const face = new Float32Array(frames * 144);
  face[7 * 144 + 81] = Infinity;
  await buildDataset(engine, [clip(face)]).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, "clip 'eve': face coefficient column 81 (alpha_exp[1]) at frame 7 is Infinity, expected a finite number"));
  const features = new Float32Array(frames * 29);
  features[5 * 29 + 3] = NaN;
  await buildDataset(engine, [clip(null, features)]).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, "clip 'eve': precomputed feature 3 at frame 5 is NaN, expected a finite number"));
});

test('an OpenFace clip that failed on 598 of 600 frames is refused (more than half), one that failed on 30 builds and is reported', async () => {
  const out = await tempFolder('tracking');
  folders.push(out);
  const error = await buildError(await csvClipWith((i) => i !== 10 && i !== 500), out);
  assert.match(error.message, /^dave_clip1\.csv: tracking failed on 598 of 600 frames \(99\.7%\), more than the 50% a clip may miss/);
  assert.equal(await readdir(out), []);
  const lines: string[] = [];
  await runDatasetBuild({ data: await csvClipWith((i) => i >= 200 && i < 230), out, engine, log: (l) => lines.push(l) });
  assert.ok(lines.includes('dave_clip1.csv: tracking failed on 30 of 600 frames (5.0%), the longest gap 30 frames (1.00 s); their poses are interpolated'), lines.join('\n'));
});

test.after(async () => removeFolders(...folders));

test.run();
