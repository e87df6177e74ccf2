import { readFile, readdir } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCheckpoint, loadModuleTensors } from '../../talking-head/checkpoint/checkpoint.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { defaultPoseGanConfig } from '../../talking-head/posegan/config.ts';
import { PoseGenerator } from '../../talking-head/posegan/generator.ts';
import { loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { runTrain, type TrainOptions } from '../../runtime-node/training/train-command.ts';
import { removeFolders, tempFolder, writeClipFolder } from '../data/synthetic-clips.ts';
import { runFinetune } from '../../runtime-node/training/finetune-command.ts';
import { testEngine } from '../helpers/engine.ts';
import { TINY_PGFACE, TINY_POSEGAN, join, tinyDataset } from './tiny-setup.ts';

const engine = await testEngine();
const { folder: dataset, clips } = await tinyDataset(engine);
const outputs: string[] = [];

function options(kind: 'posegan' | 'pgface', out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    kind, dataset, out, epochs: 2, batch: 8, lr: 1e-3, seed: 4, resume: false, faceModel: 'default', maxStepsPerEpoch: 2,
    progress: false, producedBy: 'test', engine, log: () => {}, modelOverrides: kind === 'posegan' ? TINY_POSEGAN : TINY_PGFACE, ...extra,
  };
}

const tensorsOf = async (path: string) => decodeCheckpoint(new Uint8Array(await readFile(path)), path).tensors;

test('posegan training writes best and last checkpoints, a JSONL log with every epoch and a PNG of the loss curves', async () => {
  const out = await tempFolder('train');
  outputs.push(out);
  const reports = await runTrain(options('posegan', out));
  assert.is(reports.length, 2);
  for (const r of reports) assert.ok(Number.isFinite(r.validation) && r.validation > 0, `validation ${r.validation}`);
  const log = (await readFile(join(out, 'log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.is(log.filter((l) => l.type === 'epoch').length, 2);
  assert.is(log.filter((l) => l.type === 'step').length, 4);
  const png = await readFile(join(out, 'loss.png'));
  assert.equal([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  const last = await tensorsOf(join(out, 'last.safetensors'));
  assert.ok(last.has('generator.input.weight') && last.has('discriminator.output.conv.weight'), 'parameters of G and D (D spectrally normalised)');
  assert.ok(last.has('discriminator.output.spectralNorm.u'), 'spectral norm\'s power-iteration vector, for an exact resume');
  assert.ok(last.has('optimizer.generator.m.input.weight') && last.has('optimizer.generator.step'), 'optimizer state in last');
  const best = await tensorsOf(join(out, 'best.safetensors'));
  assert.not.ok(best.has('optimizer.generator.step'), 'no optimizer state in best');
});

test('training resumed after epoch 1 ends with the same parameters as an uninterrupted run', async () => {
  const straight = await tempFolder('straight');
  const resumed = await tempFolder('resumed');
  outputs.push(straight, resumed);
  await runTrain(options('posegan', straight));
  await runTrain(options('posegan', resumed, { epochs: 1 }));
  await runTrain(options('posegan', resumed, { resume: true }));
  const a = await tensorsOf(join(straight, 'last.safetensors'));
  const b = await tensorsOf(join(resumed, 'last.safetensors'));
  assert.equal([...a.keys()], [...b.keys()]);
  for (const [name, t] of a) assert.equal(Array.from(t.data), Array.from(b.get(name)!.data), `tensor ${name}`);
});

test('pgface and its fixed-identity baseline train and validate on the vertex losses', async () => {
  for (const variant of ['pgface', 'fixed-identity']) {
    const out = await tempFolder('pgface');
    outputs.push(out);
    const reports = await runTrain(options('pgface', out, { variant, epochs: 1 }));
    assert.ok(reports[0]!.validation > 0 && Number.isFinite(reports[0]!.validation), `${variant}: validation ${reports[0]!.validation}`);
    assert.ok((reports[0]!.train.total ?? 0) > 0, `${variant}: train loss`);
  }
});

test('loading a checkpoint into a model of another width fails naming the tensor and both shapes', async () => {
  const out = outputs[0]!;
  const bytes = new Uint8Array(await readFile(join(out, 'best.safetensors')));
  const checkpoint = decodeCheckpoint(bytes, 'best.safetensors');
  const wider = new PoseGenerator(engine, defaultPoseGanConfig(29, { ...TINY_POSEGAN, unetChannels: [16, 16] }), new InitRandom(1));
  assert.throws(() => loadModuleTensors(wider, 'generator.', checkpoint.tensors, 'best.safetensors'), (e: Error) => /best\.safetensors: tensor 'generator\.[a-z0-9.]+' has shape \[\d+(,\d+)*\], the model expects \[\d+(,\d+)*\]/.test(e.message));
  wider.dispose();
  const pgfaceBytes = new Uint8Array(await readFile(join(outputs[3]!, 'best.safetensors')));
  assert.throws(() => loadPoseGan(engine, pgfaceBytes, 'pgface.safetensors'), /is a pgface checkpoint, expected posegan/);
  assert.throws(() => loadPoseGan(engine, new Uint8Array([1, 2, 3]), 'broken.safetensors'), /broken\.safetensors/);
});

test('finetune starts from a pretrained PoseGAN, keeps its normalisation and adds the new identity', async () => {
  const pretrained = join(outputs[0]!, 'best.safetensors');
  const person = await writeClipFolder([{ stem: 'carol_clip1', frames: 600, seed: 9 }]);
  const out = await tempFolder('finetune');
  outputs.push(out, person);
  const reports = await runFinetune({ from: pretrained, data: person, out, epochs: 1, batch: 4, lr: 1e-4, seed: 1, faceModel: 'procedural', progress: false, producedBy: 'test', engine, log: () => {} });
  assert.is(reports.length, 1);
  const before = decodeCheckpoint(new Uint8Array(await readFile(pretrained)), 'pretrained');
  const after = decodeCheckpoint(new Uint8Array(await readFile(join(out, 'best.safetensors'))), 'finetuned');
  assert.equal(after.meta.normalisation, before.meta.normalisation, 'normalisation of the pretrained model');
  assert.equal(after.meta.identities.map((i) => i.name), ['alice', 'bob', 'carol']);
  assert.equal(after.meta.modelConfig, before.meta.modelConfig);
  const moved = [...after.tensors].some(([name, t]) => t.data.some((v, i) => v !== before.tensors.get(name)!.data[i]));
  assert.ok(moved, 'fine-tuning changed the parameters');
});

test('finetune --dataset --identity personalises a pretrained PGFace to one person of a built dataset', async () => {
  const pretrained = join(outputs[3]!, 'best.safetensors');
  const out = await tempFolder('finetune-identity');
  outputs.push(out);
  const before = decodeCheckpoint(new Uint8Array(await readFile(pretrained)), 'pretrained');
  const name = before.meta.identities[0]!.name;
  const lines: string[] = [];
  const reports = await runFinetune({ from: pretrained, dataset, identity: name, out, epochs: 1, batch: 4, lr: 1e-4, seed: 1, faceModel: 'procedural', progress: false, producedBy: 'test', engine, log: (l) => lines.push(l) });
  assert.is(reports.length, 1);
  assert.ok(lines.some((l) => new RegExp(`^fine-tuning pgface .* on ${name} \\(`).test(l)), lines.join('\n'));
  const after = decodeCheckpoint(new Uint8Array(await readFile(join(out, 'best.safetensors'))), 'finetuned');
  assert.equal(after.meta.normalisation, before.meta.normalisation);
  assert.equal(after.meta.identities.map((i) => i.name), before.meta.identities.map((i) => i.name), 'the same identities, none added');
  assert.is(after.meta.training.personalisedTo, name, 'generation defaults to the person');
  let error: Error | null = null;
  const elsewhere = await tempFolder('finetune-nobody');
  outputs.push(elsewhere);
  await runFinetune({ from: pretrained, dataset, identity: 'nobody', out: elsewhere, epochs: 1, batch: 4, lr: 1e-4, seed: 1, faceModel: 'procedural', progress: false, producedBy: 'test', engine, log: () => {} }).catch((e: Error) => { error = e; });
  assert.match(String(error), /no identity 'nobody'/);
  assert.equal(await readdir(elsewhere), [], 'the refused fine-tune wrote nothing');
});

test('posegan --keep-epochs keeps every epoch\'s parameters, and the log records the val realism per identity (issue 14, run 8)', async () => {
  const out = await tempFolder('keep');
  outputs.push(out);
  await runTrain(options('posegan', out, { keepEpochs: true }));
  assert.equal((await readdir(join(out, 'epochs'))).sort(), ['epoch-01.safetensors', 'epoch-02.safetensors']);
  const kept = await loadPoseGan(engine, new Uint8Array(await readFile(join(out, 'epochs', 'epoch-01.safetensors'))), 'epoch-01');
  kept.generator.dispose();
  const log = (await readFile(join(out, 'log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  const epochs = log.filter((l) => l.type === 'epoch');
  const validation = log.filter((l) => l.type === 'validation');
  assert.equal(validation.map((l) => l.epoch), [1, 2]);
  for (const [k, v] of validation.entries()) {
    assert.is(v.score, epochs[k].validation, 'the logged figures are the ones the score was made of');
    assert.ok(v.identities.length >= 1 && v.identities.every((i: { std: number[]; motion: number }) => i.std.length === 3 && Number.isFinite(i.motion)), 'per-identity ratios');
    assert.is(v.pooled.std.length, 3);
  }
});

test.after(async () => removeFolders(dataset, clips, ...outputs));

test.run();
