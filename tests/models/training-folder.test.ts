// A training folder belongs to one run (runtime-node/training/training-folder.ts): refusals without --resume or
// --overwrite, resume checks, the lock, leftovers, and the crash test: a run killed (SIGKILL) between its last
// and best checkpoint writes, recovered by --resume.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { runFinetune } from '../../runtime-node/training/finetune-command.ts';
import { runTrain, type TrainOptions } from '../../runtime-node/training/train-command.ts';
import { LOCK_FILE } from '../../runtime-node/files/folder-lock.ts';
import { removeFolders, tempFolder, writeClipFolder } from '../data/synthetic-clips.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { testEngine } from '../helpers/engine.ts';
import { TINY_POSEGAN, join, tinyDataset } from './tiny-setup.ts';

const engine = await testEngine();
const { folder: dataset, clips } = await tinyDataset(engine);
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'runtime-node/bin/posedyn.js');
const folders: string[] = [dataset, clips];
const quiet = () => {};

function options(out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    kind: 'posegan', dataset, out, epochs: 2, batch: 8, lr: 1e-3, seed: 1, resume: false, faceModel: 'procedural', maxStepsPerEpoch: 2,
    progress: false, producedBy: 'test', engine, log: quiet, modelOverrides: TINY_POSEGAN, ...extra,
  };
}

async function fresh(prefix: string): Promise<string> {
  const folder = await tempFolder(prefix);
  folders.push(folder);
  return folder;
}

/** The folder's files and their bytes. */
async function snapshot(folder: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(folder)).sort()) out.set(name, (await readFile(join(folder, name))).toString('base64'));
  return out;
}

const failure = (promise: Promise<unknown>) => promise.then(() => assert.unreachable('expected a refusal') as never, (e: Error) => e);
const checkpointOf = async (path: string) => decodeCheckpoint(new Uint8Array(await readFile(path)), path);

test('a second run into a folder that holds a run is refused naming it; the better best is kept; --overwrite replaces it', async () => {
  const out = await fresh('one-run');
  await runTrain(options(out));
  const before = await snapshot(out);
  const error = await failure(runTrain(options(out, { lr: 1e-1 })));
  assert.match(error.message, new RegExp(`^${out} holds a training run \\(last\\.safetensors, best\\.safetensors, log\\.jsonl, loss\\.png; last\\.safetensors after epoch 2, best validation [\\d.]+ at epoch \\d\\); pass --resume to continue it, or --overwrite to replace it$`));
  assert.equal(await snapshot(out), before, 'nothing in the folder changed');
  const lines: string[] = [];
  await runTrain(options(out, { lr: 1e-1, epochs: 1, overwrite: true, log: (l) => lines.push(l) }));
  assert.ok(lines.some((l) => l.startsWith(`--overwrite: removed the previous run's last.safetensors, best.safetensors, log.jsonl, loss.png from ${out}`)), lines.join('\n'));
  const log = (await readFile(join(out, 'log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(log.filter((l) => l.type === 'epoch').map((l) => l.epoch), [1], 'the log holds the new run only');
  assert.is(((await checkpointOf(join(out, 'best.safetensors'))).meta.training.run as { learningRate: number }).learningRate, 0.1);
  await failure(runTrain(options(out, { resume: true, overwrite: true }))).then((e) => assert.match(e.message, /--resume and --overwrite: choose one/));
});

test('--resume without a last.safetensors is refused and creates nothing; resuming another dataset or learning rate is refused naming the difference', async () => {
  const missing = join(await fresh('no-run'), 'never-made');
  assert.match((await failure(runTrain(options(missing, { resume: true })))).message, /^--resume: .*never-made\/last\.safetensors is not there, so .* holds no run to resume; leave out --resume to start one$/);
  assert.not.ok(existsSync(missing), 'the refused run left no folder');
  const out = await fresh('resume-checks');
  await runTrain(options(out, { epochs: 1 }));
  const before = await snapshot(out);
  const otherClips = await writeClipFolder([{ stem: 'alice_clip1', frames: 600, seed: 11 }, { stem: 'bob_clip1', frames: 600, seed: 12 }]);
  const other = await fresh('other-dataset');
  folders.push(otherClips);
  await runDatasetBuild({ data: otherClips, out: other, engine, log: quiet });
  assert.match((await failure(runTrain(options(out, { resume: true, dataset: other })))).message, /last\.safetensors: cannot resume this run from it: the dataset differs \(fingerprint [0-9a-f]{16}, now [0-9a-f]{16}: other clips, splits or statistics\)$/);
  assert.match((await failure(runTrain(options(out, { resume: true, lr: 2e-3, seed: 3 })))).message, /cannot resume this run from it: the learning rate \(--lr\) was 0\.001, now 0\.002; the seed \(--seed\) was 1, now 3$/);
  assert.match((await failure(runTrain(options(out, { resume: true, modelOverrides: { ...TINY_POSEGAN, beta: 0 } })))).message, /model config 'beta' was \d+(\.\d+)?, now 0/);
  assert.equal(await snapshot(out), before, 'refused resumes leave the folder as it was');
  const lines: string[] = [];
  await runTrain(options(out, { resume: true, log: (l) => lines.push(l) }));
  assert.ok(lines.some((l) => new RegExp(`^resuming ${out}/last\\.safetensors: posegan \\(posegan\\) after epoch 1, best validation [\\d.]+ at epoch 1; training to epoch 2 on ${dataset}$`).test(l)), lines.join('\n'));
});

test('a lock held by a live process stops a second run; a stale lock is reported and taken over; leftover temp files are removed', async () => {
  const out = await fresh('locked');
  const sleeper = spawn('sleep', ['30']);
  await writeFile(join(out, LOCK_FILE), JSON.stringify({ pid: sleeper.pid, host: (await import('node:os')).hostname(), started: 'earlier', command: 'posedyn train posegan (another)' }));
  const error = await failure(runTrain(options(out)));
  assert.match(error.message, new RegExp(`^${out} is in use by another posedyn run \\(pid ${sleeper.pid} on .*, started earlier: posedyn train posegan \\(another\\)\\); wait for it to finish or stop it`));
  sleeper.kill('SIGKILL');
  await new Promise((done) => sleeper.once('exit', done));
  await writeFile(join(out, '.last.safetensors.123.0badc0de.tmp'), '');
  const lines: string[] = [];
  await runTrain(options(out, { epochs: 1, log: (l) => lines.push(l) }));
  assert.ok(lines.some((l) => l.startsWith(`${out}: removed a stale lock (pid ${sleeper.pid} `) && l.endsWith('that process is no longer running)')), lines.join('\n'));
  assert.ok(lines.includes(`${out}: removed 1 temporary file(s) left by an interrupted write (.last.safetensors.123.0badc0de.tmp)`), lines.join('\n'));
  assert.equal((await readdir(out)).sort(), ['best.safetensors', 'last.safetensors', 'log.jsonl', 'loss.png'], 'no lock and no temp file after the run');
});

test('two CLI runs into one folder: the second is refused while the first holds it, whose log is whole', async () => {
  const out = await fresh('concurrent');
  const args = (epochs: number) => [cli, 'train', 'posegan', '--dataset', dataset, '--out', out, '--epochs', String(epochs), '--batch', '8', '--max-steps-per-epoch', '2', '--lr', '1e-3', '--config', JSON.stringify(TINY_POSEGAN), '--no-progress'];
  const first = spawn(process.execPath, args(3), { stdio: 'ignore' });
  const exited = new Promise<number | null>((done) => first.once('exit', done));
  for (let waited = 0; !existsSync(join(out, LOCK_FILE)) && waited < 60_000; waited += 50) await new Promise((done) => setTimeout(done, 50));
  const second = spawnSync(process.execPath, args(1), { encoding: 'utf8' });
  assert.is(second.status, 1);
  assert.match(second.stderr, new RegExp(`posedyn: ${out} is in use by another posedyn run \\(pid ${first.pid} `));
  assert.not.match(second.stderr, /\n\s+at /, 'no stack trace');
  assert.is(await exited, 0);
  const epochs = (await readFile(join(out, 'log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'epoch').map((l) => l.epoch);
  assert.equal(epochs, [1, 2, 3]);
  assert.not.ok(existsSync(join(out, LOCK_FILE)));
});

test('crash test: a run killed between writing last and best at its best epoch is recovered by --resume (best repaired from last)', async () => {
  const straight = await fresh('straight');
  await runTrain(options(straight));
  const crashed = await fresh('crashed');
  const args = (...extra: string[]) => [cli, 'train', 'posegan', '--dataset', dataset, '--out', crashed, '--epochs', '2', '--batch', '8', '--max-steps-per-epoch', '2', '--lr', '1e-3', '--seed', '1', '--config', JSON.stringify(TINY_POSEGAN), '--no-progress', ...extra];
  const killed = spawnSync(process.execPath, args(), { encoding: 'utf8', env: { ...process.env, POSEDYN_TEST_KILL_AFTER_LAST: '2' } });
  assert.is(killed.signal, 'SIGKILL', `the run was killed at the hook (status ${killed.status}: ${killed.stderr})`);
  const last = (await checkpointOf(join(crashed, 'last.safetensors'))).meta.training;
  assert.is(last.epoch, 2);
  assert.is(last.bestEpoch, 2, 'epoch 2 was the best, so its best.safetensors write was the one cut off');
  assert.is((await checkpointOf(join(crashed, 'best.safetensors'))).meta.training.epoch, 1, 'best is stale after the crash');
  assert.ok(existsSync(join(crashed, LOCK_FILE)), 'the killed run left its lock');
  const resumed = spawnSync(process.execPath, args('--resume'), { encoding: 'utf8' });
  assert.is(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, /removed a stale lock \(pid \d+ /);
  assert.match(resumed.stdout, new RegExp(`repaired ${crashed}/best\\.safetensors: it held epoch 1, but epoch 2 \\(last\\.safetensors\\) is the best; the previous run stopped between the two checkpoint writes`));
  assert.match(resumed.stdout, /nothing to train: the run has finished epoch 2 of 2/);
  const best = await checkpointOf(join(crashed, 'best.safetensors'));
  const reference = await checkpointOf(join(straight, 'best.safetensors'));
  assert.is(best.meta.training.epoch, 2);
  assert.equal([...best.tensors.keys()], [...reference.tensors.keys()]);
  for (const [name, t] of reference.tensors) assert.equal(Array.from(best.tensors.get(name)!.data), Array.from(t.data), `best tensor ${name} as the uninterrupted run's`);
  assert.not.ok(existsSync(join(crashed, LOCK_FILE)));
});

test('finetune --resume continues an interrupted fine-tune and ends where an uninterrupted one does', async () => {
  const pretrained = await fresh('pretrained');
  await runTrain(options(pretrained, { epochs: 1 }));
  const from = join(pretrained, 'best.safetensors');
  const common = { from, dataset, identity: 'alice', batch: 4, lr: 1e-4, seed: 1, faceModel: 'procedural', progress: false, producedBy: 'test', engine, log: quiet };
  const straight = await fresh('ft-straight');
  await runFinetune({ ...common, out: straight, epochs: 2 });
  const resumed = await fresh('ft-resumed');
  await runFinetune({ ...common, out: resumed, epochs: 1 });
  assert.match((await failure(runFinetune({ ...common, out: resumed, epochs: 2 }))).message, /holds a training run .*pass --resume to continue it, or --overwrite to replace it/);
  const lines: string[] = [];
  await runFinetune({ ...common, out: resumed, epochs: 2, resume: true, log: (l) => lines.push(l) });
  assert.ok(lines.some((l) => /^resuming the fine-tune of .* on alice from .*last\.safetensors: posegan \(posegan\) after epoch 1/.test(l)), lines.join('\n'));
  const a = await checkpointOf(join(straight, 'last.safetensors'));
  const b = await checkpointOf(join(resumed, 'last.safetensors'));
  for (const [name, t] of a.tensors) assert.equal(Array.from(b.tensors.get(name)!.data), Array.from(t.data), `tensor ${name}`);
});

test.after(async () => removeFolders(...folders));

test.run();
