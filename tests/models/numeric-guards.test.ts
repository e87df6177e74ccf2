import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { NonFiniteError } from '../../core/ops/non-finite.ts';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { generateTalkingHead } from '../../talking-head/inference/generate.ts';
import { loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { TrainingDivergedError, runEpochs } from '../../talking-head/training/epochs.ts';
import { TrainingSession } from '../../talking-head/workflows/training-session.ts';
import { runEval } from '../../runtime-node/evaluation/eval-command.ts';
import { runTrain, type TrainOptions } from '../../runtime-node/training/train-command.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { pathExists } from '../../runtime-node/files/path-exists.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';
import { TINY_PGFACE, TINY_POSEGAN, join, loadDatasetFolder, tinyDataset } from './tiny-setup.ts';

const engine = await testEngine();
const { folder: dataset, clips } = await tinyDataset(engine);
const scratch = await tempFolder('guards');
const quiet = () => {};

function options(kind: 'posegan' | 'pgface', out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    kind, dataset, out, epochs: 2, batch: 8, lr: 1e-3, seed: 4, resume: false, faceModel: 'procedural', maxStepsPerEpoch: 2,
    progress: false, producedBy: 'test', engine, log: quiet, modelOverrides: kind === 'posegan' ? TINY_POSEGAN : TINY_PGFACE, ...extra,
  };
}

const trainError = (o: TrainOptions) => runTrain(o).then(() => assert.unreachable('training should stop') as never, (e: Error) => e);

test('the epoch loop reads a step\'s losses and the parameters\' non-finite count in one download, and stops at the first bad one', async () => {
  const w = engine.keep(tensor(engine, [1, 2, 3], [3], 'w'));
  let calls = 0;
  const step = () => {
    calls++;
    return { a: tensor(engine, [calls], []), b: tensor(engine, [calls === 3 ? NaN : 0.5], []), c: null };
  };
  const submits = engine.counters.submits;
  const ok = await runEpochs({ samples: [1, 2], batchSize: 1, epochs: 1, startEpoch: 1, seed: 1, step, watch: [['w', w]], validate: async () => 1 });
  assert.is(engine.counters.submits - submits, 2, 'one submit (the readback) a step for two losses and the check');
  assert.equal(ok[0]!.train, { a: 1.5, b: 0.5 });
  const lossError = await runEpochs({ samples: [1, 2, 3], batchSize: 1, epochs: 2, startEpoch: 2, seed: 1, step, watch: [['w', w]], validate: async () => 1 }).catch((e: Error) => e);
  assert.instance(lossError, TrainingDivergedError);
  assert.is((lossError as Error).message, "epoch 2, step 1 of 3: the loss term 'b' is NaN; training stopped, nothing of this epoch was saved");
  engine.upload(w.buffer, Float32Array.of(1, Infinity, NaN));
  const paramError = await runEpochs({ samples: [1], batchSize: 1, epochs: 1, startEpoch: 1, seed: 1, step: () => ({ a: tensor(engine, [1], []) }), watch: [['ok', tensor(engine, [0], [1])], ['w', w]], validate: async () => 1 }).catch((e: Error) => e);
  assert.match((paramError as Error).message, /^epoch 1, step 1 of 1: the losses were finite, but after the update 2 parameter values are NaN or infinite \(first in 'w': 2 of 3\)/);
  const validationError = await runEpochs({ samples: [1], batchSize: 1, epochs: 1, startEpoch: 1, seed: 1, step: () => ({ a: tensor(engine, [1], []) }), validate: async () => NaN }).catch((e: Error) => e);
  assert.match((validationError as Error).message, /^epoch 1: the validation loss is NaN; training stopped before saving this epoch/);
  w.dispose();
});

test('train with a learning rate of 1e6 stops at the first non-finite loss naming epoch, step and term, and writes no checkpoint', async () => {
  const out = join(scratch, 'diverged');
  const error = await trainError(options('posegan', out, { lr: 1e6 }));
  assert.instance(error, NonFiniteError);
  assert.match(error.message, /^epoch \d+, step \d+ of 2: (the loss term '(l2|pose|motion|adversarial|discriminator)' is (NaN|-?Infinity)|the losses were finite, but after the update)/);
  assert.match(error.message, /learning rate 1000000: a lower one usually keeps training finite/);
  assert.not.ok(await pathExists(out), 'a new run that saved nothing leaves no folder behind');
});

test('a loss that is infinite before any update blames the data or the config, not the learning rate', async () => {
  const error = await trainError(options('posegan', join(scratch, 'alpha'), { modelOverrides: { ...TINY_POSEGAN, alpha: 1e38 } }));
  assert.match(error.message, /^epoch 1, step 1 of 2: the loss term 'l2' is Infinity; .*\(before any update, so from the data or the model config \(its loss weights\), not the learning rate\)$/);
});

test('a checkpoint with a NaN parameter is refused naming the tensor, and reading one names the file and the tensor', async () => {
  const session = new TrainingSession(engine, await loadDatasetFolder(dataset), {
    kind: 'pgface', learningRate: 1e-3, seed: 1, batch: 8, modelOverrides: TINY_PGFACE, faceModel: proceduralFaceModel(), source: dataset, producedBy: 'test',
  });
  const good = await session.checkpoint({ resumable: true });
  const [name, p] = session.run.parts[0]!.module.namedParameters('pgface.')[2]!;
  const values = new Float32Array(p.size).fill(0.5);
  values[3] = NaN;
  engine.upload(p.buffer, values);
  await session.checkpoint().then(() => assert.unreachable(), (e: Error) => assert.is(e.message, `tensor '${name}' has 1 NaN or infinite values of ${p.size}; the checkpoint was not written`));
  session.dispose();
  const decoded = decodeCheckpoint(good, 'good.safetensors');
  assert.ok(decoded.tensors.has('optimizer.pgface.step'), 'a resumable checkpoint still carries the optimizer state');
  const tensors = new Map(decoded.tensors);
  tensors.set(name, { shape: decoded.tensors.get(name)!.shape, data: values });
  const bytes = encodeCheckpoint({ meta: decoded.meta, tensors });
  assert.throws(() => decodeCheckpoint(bytes, 'nan.safetensors'), (e: Error) => e instanceof CheckpointError && e.message === `nan.safetensors: tensor '${name}' holds 1 non-finite values of ${p.size} (the first, at index 3, is NaN); the checkpoint is unusable (saved from a training that diverged?)`);
  await writeFile(join(scratch, 'nan-pgface.safetensors'), bytes);
});

test('generation refuses non-finite outputs naming the checkpoint, and non-finite features naming the speech', async () => {
  await runTrain(options('posegan', join(scratch, 'posegan'), { epochs: 1, maxStepsPerEpoch: 1 }));
  await runTrain(options('pgface', join(scratch, 'pgface'), { epochs: 1, maxStepsPerEpoch: 1 }));
  const posegan = loadPoseGan(engine, new Uint8Array(await readFile(join(scratch, 'posegan', 'best.safetensors'))), 'p');
  const pgface = loadPgFace(engine, new Uint8Array(await readFile(join(scratch, 'pgface', 'best.safetensors'))), 'f');
  const speech = uniform(16000, 3).map((v) => 0.3 * v);
  const names = { audio: 'speech.wav', posegan: 'posegan.safetensors', pgface: 'pgface.safetensors' };
  const fine = await generateTalkingHead(engine, posegan, pgface, speech, { names });
  assert.ok(fine.pose.every(Number.isFinite) && fine.face.every(Number.isFinite));
  await generateTalkingHead(engine, posegan, pgface, speech.map((v) => v * 1e30), { names }).then(() => assert.unreachable(), (e: Error) => {
    assert.match(e.message, /^speech\.wav: \d+ of its \d+ audio feature values are NaN or infinite \(are the samples far outside \[-1, 1\]\?\); nothing was generated$/);
  });
  const [, weight] = pgface.model.namedParameters()[0]!;
  engine.upload(weight.buffer, new Float32Array(weight.size).fill(NaN));
  await generateTalkingHead(engine, posegan, pgface, speech, { names }).then(() => assert.unreachable(), (e: Error) => {
    assert.match(e.message, /^pgface\.safetensors: generated \d+ NaN or infinite face coefficients \(the first at frame 0\); the checkpoint is unusable$/);
  });
  await generateTalkingHead(engine, posegan, pgface, new Float32Array(100), { names }).then(() => assert.unreachable(), (e: Error) => {
    assert.is(e.message, 'speech.wav: 0.006 s of audio is shorter than one frame (1/30 s); nothing to generate');
  });
  const limit = engine.device.limits.maxStorageBufferBindingSize;
  if (limit <= 512 * 2 ** 20) {
    // One sample more than the audio front end's first buffer holds: refused when that buffer is allocated.
    const long = new Float32Array(limit / 4 + 16000);
    await generateTalkingHead(engine, posegan, pgface, long, { names }).then(() => assert.unreachable(), (e: Error) => {
      assert.match(e.message, /^speech\.wav: [\d.]+ min of audio is too long to generate in one piece on this adapter \('audio samples' needs a [\d.]+ MiB buffer, more than this adapter's largest \([\d.]+ MiB\)\); about [\d.]+ min fit: split it into shorter files, e\.g\. `ffmpeg -i in\.wav -f segment -segment_time 300 part%03d\.wav`$/);
    });
  } else {
    console.log(`  skipped: audio too long for the adapter: its ${limit / 2 ** 20} MiB buffers would need more than a test's worth of samples`);
  }
  posegan.generator.dispose();
  pgface.model.dispose();
});

test('eval refuses a non-finite checkpoint before it trains anything, naming the file', async () => {
  const out = join(scratch, 'eval');
  const nan = join(scratch, 'nan-pgface.safetensors');
  const started = performance.now();
  await runEval({ dataset, out, quick: true, checkpoints: { pgface: nan }, faceModel: 'procedural', reuseTrained: false, command: 'test', engine, log: quiet })
    .then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /^.*nan-pgface\.safetensors: tensor '.*' holds 1 non-finite values/));
  assert.ok(performance.now() - started < 5000, 'refused before any training');
  assert.not.ok(await pathExists(out), 'nothing written');
});

test.after(async () => removeFolders(dataset, clips, scratch));

test.run();
