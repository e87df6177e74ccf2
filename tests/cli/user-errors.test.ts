// The CLI as a user meets it: bad options, inputs and output folders give one line on stderr naming the option,
// file or folder and what was expected, exit status 1, no stack trace, and no file written or changed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeWav16 } from '../../talking-head/formats/wav.ts';
import { removeFolders, speechLikeWav, tempFolder, writeClipFolder } from '../data/synthetic-clips.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { runTrain } from '../../runtime-node/training/train-command.ts';
import { testEngine } from '../helpers/engine.ts';
import { makeReadOnly } from '../helpers/read-only-folder.ts';
import { TINY_POSEGAN, join, tinyDataset } from '../models/tiny-setup.ts';

const engine = await testEngine();
const { folder: dataset, clips } = await tinyDataset(engine);
const root = fileURLToPath(new URL('../../', import.meta.url));
const scratch = await tempFolder('cli-errors');
const speech = join(scratch, 'speech.wav');
await writeFile(speech, speechLikeWav(60, 16000, 3));
const TRAIN = ['train', 'posegan', '--dataset', dataset, '--epochs', '1', '--batch', '8', '--max-steps-per-epoch', '1', '--lr', '1e-3', '--config', JSON.stringify(TINY_POSEGAN), '--no-progress'];

/** Runs `posedyn ...args`; returns the exit status, stdout, and stderr without Dawn's adapter notices. */
function posedyn(...args: string[]): { status: number | null; stdout: string; stderr: string; seconds: number } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(root, 'runtime-node/bin/posedyn.js'), ...args], { encoding: 'utf8' });
  const stderr = run.stderr.split('\n').filter((l) => l && !l.startsWith('Warning: ') && !l.startsWith('posedyn: using ')).join('\n');
  return { status: run.status, stdout: run.stdout, stderr, seconds: (performance.now() - started) / 1000 };
}

/** A user error: status 1, exactly one line `posedyn: <message>` matching `expected`, no stack. */
function assertUserError(run: ReturnType<typeof posedyn>, expected: RegExp): void {
  assert.is(run.status, 1, `exit status (stderr: ${run.stderr})`);
  assert.is(run.stderr.split('\n').length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(run.stderr, /^posedyn: /);
  assert.match(run.stderr.slice('posedyn: '.length), expected);
  assert.not.match(run.stderr, /\bat .*\.(ts|js|mjs):\d+/, 'no stack trace');
}

test('numeric options out of range are refused up front with their range, and nothing is created', () => {
  const out = join(scratch, 'never');
  const cases: [string[], RegExp][] = [
    [[...TRAIN, '--out', out, '--epochs', '0'], /^--epochs expects an integer in 1\.\.1000000, got '0'$/],
    [[...TRAIN, '--out', out, '--batch', '0'], /^--batch expects an integer in 1\.\.65536, got '0'$/],
    [['finetune', '--from', 'x.safetensors', '--dataset', dataset, '--out', out, '--lr', '1e6'], /^--lr expects a number > 0 and <= 1, got '1e6'$/],
    [['eval', '--dataset', dataset, '--out', out, '--quick', '--seeds', '0'], /^--seeds expects an integer in 1\.\.100, got '0'$/],
    [['generate', '--audio', speech, '--out', out, '--motion-scale', 'lots'], /^--motion-scale expects a number in 0\.\.10, got 'lots'$/],
    [['dataset', 'build', '--data', clips, '--out', out, '--sigma', '0'], /^--sigma expects a number > 0 and <= 10, got '0'$/],
  ];
  for (const [args, expected] of cases) {
    const run = posedyn(...args);
    assertUserError(run, expected);
    assert.ok(run.seconds < 15, `${args.join(' ')}: refused before any work (${run.seconds.toFixed(1)} s)`);
  }
  assert.not.ok(existsSync(out));
});

test('WAV headers with a lying rate or no audio are refused at once, and generate writes nothing', async () => {
  const lying = encodeWav16(new Float32Array(1600).fill(0.1), 16000);
  new DataView(lying.buffer).setUint32(24, 8, true);
  const cases: [string, Uint8Array, RegExp][] = [
    ['8hz.wav', lying, /8hz\.wav: fmt chunk declares a sample rate of 8 Hz, expected 1000-384000 Hz/],
    ['empty.wav', encodeWav16(new Float32Array(0), 16000), /empty\.wav: data chunk holds 0 bytes, less than one frame of audio/],
  ];
  for (const [name, bytes, expected] of cases) {
    const path = join(scratch, name);
    await writeFile(path, bytes);
    const out = join(scratch, `gen-${name}`);
    const run = posedyn('generate', '--audio', path, '--out', out);
    assertUserError(run, expected);
    assert.ok(run.seconds < 15, `${name}: refused in ${run.seconds.toFixed(1)} s`);
    assert.not.ok(existsSync(out), 'no output folder');
  }
});

test('generate with a missing --face-model leaves no result.json (new folder) and changes nothing (old folder)', async () => {
  const fresh = join(scratch, 'gen-face');
  assertUserError(posedyn('generate', '--audio', speech, '--out', fresh, '--face-model', join(scratch, 'BFM_model_front.mat')), /BFM_model_front\.mat: file not found$/);
  assert.not.ok(existsSync(fresh), 'no folder, no result.json');
  const old = join(scratch, 'gen-old');
  await mkdir(old);
  await writeFile(join(old, 'result.json'), 'the previous result');
  assertUserError(posedyn('generate', '--audio', speech, '--out', old, '--face-model', join(scratch, 'BFM_model_front.mat')), /file not found$/);
  assert.equal(await readdir(old), ['result.json']);
  assert.is(await readFile(join(old, 'result.json'), 'utf8'), 'the previous result');
});

test('an --out that is a file, or below a file, is named before any work', async () => {
  const file = join(scratch, 'a-file');
  await writeFile(file, 'keep');
  assertUserError(posedyn(...TRAIN, '--out', file), new RegExp(`^--out ${file}: is a file, expected a folder$`));
  assertUserError(posedyn('generate', '--audio', speech, '--out', join(file, 'sub')), new RegExp(`^--out ${file}/sub: ${file} is a file, so no folder can be made below it$`));
  assertUserError(posedyn('dataset', 'build', '--data', clips, '--out', file), /is a file, expected a folder$/);
  assert.is(await readFile(file, 'utf8'), 'keep');
});

test('a read-only --out is named before any work, and train into one ends with one line, not an unhandled rejection', async () => {
  const folder = join(scratch, 'read-only');
  await mkdir(folder);
  await writeFile(join(folder, 'notes.txt'), 'mine');
  const locked = await makeReadOnly(folder);
  if (!locked) {
    console.log('  skipped: read-only folder: running as root without the right to mount a read-only bind mount');
    return;
  }
  try {
    for (const args of [[...TRAIN, '--out', folder], [...TRAIN, '--out', join(folder, 'run')], ['eval', '--dataset', dataset, '--out', folder, '--quick']]) {
      const run = posedyn(...args);
      assertUserError(run, new RegExp(`^--out ${folder}(/run)?: cannot write in ${folder} \\((read-only file system|permission denied)\\)$`));
    }
  } finally {
    await locked.release();
  }
  assert.equal(await readdir(folder), ['notes.txt']);
});

test('eval --holdout of an unknown identity is refused before any training', () => {
  const out = join(scratch, 'eval-holdout');
  const run = posedyn('eval', '--dataset', dataset, '--data', clips, '--out', out, '--quick', '--holdout', 'Nobody');
  assertUserError(run, new RegExp(`^--holdout 'Nobody' is not an identity of ${dataset} \\(identities: alice, bob\\)$`));
  assert.ok(run.seconds < 15, `refused in ${run.seconds.toFixed(1)} s`);
  assert.not.ok(existsSync(out));
});

test('a batch larger than the adapter\'s buffers is refused in the batch\'s terms, without WebGPU validation text', async () => {
  // One PoseGAN window of audio features is 256 frames x 29 features x 16 context x 4 bytes.
  const windowBytes = 256 * 29 * 16 * 4;
  const batch = Math.floor(engine.device.limits.maxStorageBufferBindingSize / windowBytes) + 2;
  if (batch > 700) {
    console.log(`  skipped: this adapter's storage buffers hold ${batch - 2} windows; a dataset for a batch that overflows them is too large for a test`);
    return;
  }
  const big = await writeClipFolder([{ stem: 'erin_clip1', frames: 3000, seed: 7 }, { stem: 'fred_clip1', frames: 3000, seed: 8 }]);
  const bigDataset = await tempFolder('big-dataset');
  await runDatasetBuild({ data: big, out: bigDataset, engine, log: () => {} });
  const out = join(scratch, 'big-batch');
  const run = posedyn('train', 'posegan', '--dataset', bigDataset, '--out', out, '--batch', String(batch), '--epochs', '1', '--max-steps-per-epoch', '1', '--no-progress');
  await removeFolders(big, bigDataset);
  assertUserError(run, new RegExp(`^a batch of ${batch} does not fit this adapter: one training step's 'batch\\.audio' needs a [\\d.]+ MiB buffer, more than this adapter's largest \\([\\d.]+ MiB\\); a batch of at most ${batch - 2} fits it \\(batch size, --batch\\)$`));
  assert.not.match(run.stderr + run.stdout, /validation|BindGroup/i, 'no raw WebGPU text');
  assert.not.ok(existsSync(out), 'the failed new run left nothing');
});

test('a finished run is not silently extended or replaced: train into it again is refused naming what it holds', async () => {
  const out = join(scratch, 'finished');
  await runTrain({ kind: 'posegan', dataset, out, epochs: 1, batch: 8, lr: 1e-3, seed: 1, resume: false, faceModel: 'procedural', maxStepsPerEpoch: 1, progress: false, producedBy: 'test', engine, log: () => {}, modelOverrides: TINY_POSEGAN });
  const best = await readFile(join(out, 'best.safetensors'));
  assertUserError(posedyn(...TRAIN, '--out', out), /holds a training run \(.*\); pass --resume to continue it, or --overwrite to replace it$/);
  assert.equal(await readFile(join(out, 'best.safetensors')), best);
});

test.after(async () => removeFolders(dataset, clips, scratch));

test.run();
