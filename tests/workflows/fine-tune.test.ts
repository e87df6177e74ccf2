// The one fine-tune (talking-head/workflows/fine-tune.ts), in Node: the page and `posedyn finetune` both run it.
// Clip files -> a fine-tuned checkpoint that loads, the pretrained identities in their order and the person
// after them, generation defaulting to the person; the CLI and the page's path give the same weights; clips in
// another tracker's units and files that form no clip are refused.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UNTRAINED_IDENTITY, untrainedCheckpointPair } from '../../talking-head/checkpoint/untrained-checkpoints.ts';
import { decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { findIdentity } from '../../talking-head/inference/generate.ts';
import { loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { clipInputsFromFiles, personDatasetFromFiles } from '../../talking-head/workflows/clip-files.ts';
import { fineTune } from '../../talking-head/workflows/fine-tune.ts';
import { runFinetune } from '../../runtime-node/training/finetune-command.ts';
import { deep3dMat, openFaceCsv, speechLikeWav, tempFolder } from '../data/synthetic-clips.ts';
import { testEngine } from '../helpers/engine.ts';
import { writeFile } from 'node:fs/promises';

const engine = await testEngine();
const { posegan } = await untrainedCheckpointPair(engine, 3);
const BOB = [
  { name: 'bob_clip1.wav', bytes: speechLikeWav(300, 22050, 1) },
  { name: 'bob_clip1.mat', bytes: deep3dMat(300, 1) },
];
const featureConfig = decodeCheckpoint(posegan, 'untrained.safetensors').meta.featureConfig as never;

test('fine-tuning on clip files gives finite losses and a checkpoint that loads: pretrained identities first, the person after, generation defaults to the person', async () => {
  const { dataset, skipped } = await personDatasetFromFiles(engine, [...BOB, { name: 'notes.txt', bytes: new Uint8Array(3) }], featureConfig, 256);
  assert.equal(skipped, [], 'a file of no clip type (notes.txt) is ignored, not reported');
  const losses: number[] = [];
  const result = await fineTune(engine, posegan, 'untrained.safetensors', dataset, {
    dataSource: 'bob', producedBy: 'test', batch: 2, epochs: 99, maxSteps: 3, onStep: (p) => losses.push(p.losses.l2!, p.losses.adversarial!, p.losses.discriminator!),
  });
  assert.is(result.split, 'whole clips (too little data to hold frames out)', 'a 10 s clip has no 256-frame window in its 70% train part');
  assert.is(result.reports.length, 1);
  assert.is(result.reports[0]!.steps, 3, 'the step budget ends the epoch');
  assert.is(losses.length, 9);
  assert.ok(losses.every(Number.isFinite), JSON.stringify(losses));
  const loaded = loadPoseGan(engine, result.checkpoint, 'fine-tuned.safetensors');
  const meta = loaded.checkpoint.meta;
  assert.equal(meta.identities.map((i) => i.name), [UNTRAINED_IDENTITY, 'bob']);
  assert.is(meta.training.personalisedTo, 'bob');
  assert.is(findIdentity(meta, undefined, 'fine-tuned').name, 'bob');
  assert.is(findIdentity(meta, UNTRAINED_IDENTITY, 'fine-tuned').name, UNTRAINED_IDENTITY);
  loaded.generator.dispose();
});

test('posedyn finetune (files on disk) and the page\'s path (bytes in memory) train the same weights', async () => {
  const data = await tempFolder('bob-clips');
  for (const f of BOB) await writeFile(join(data, f.name), f.bytes);
  const ckpt = join(await tempFolder('pretrained'), 'untrained.safetensors');
  await writeFile(ckpt, posegan);
  const out = await tempFolder('finetune');
  await runFinetune({
    from: ckpt, data, out, epochs: 2, batch: 2, lr: 1e-4, seed: 1, faceModel: 'procedural', progress: false, producedBy: 'test', engine, log: () => {},
  });
  const cli = decodeCheckpoint(new Uint8Array(await readFile(join(out, 'best.safetensors'))), 'cli best');
  const { dataset } = await personDatasetFromFiles(engine, BOB, featureConfig, 256);
  const page = decodeCheckpoint((await fineTune(engine, posegan, ckpt, dataset, { dataSource: data, producedBy: 'test', batch: 2, epochs: 2 })).checkpoint, 'page best');
  assert.equal([...page.tensors.keys()].sort(), [...cli.tensors.keys()].sort());
  for (const [name, t] of cli.tensors) assert.equal(Array.from(page.tensors.get(name)!.data), Array.from(t.data), `tensor ${name}`);
  assert.equal(page.meta.identities, cli.meta.identities);
  assert.is(page.meta.training.epoch, cli.meta.training.epoch);
});

test('clips whose poses are in another tracker\'s units are refused, naming the channel', async () => {
  const { dataset } = await personDatasetFromFiles(engine, [
    { name: 'carol.wav', bytes: speechLikeWav(300, 16000, 2) },
    { name: 'carol.csv', bytes: openFaceCsv(300, 2) },
  ], featureConfig, 256);
  try {
    await fineTune(engine, posegan, 'untrained.safetensors', dataset, { dataSource: 'carol', producedBy: 'test' });
    assert.unreachable('OpenFace millimetres against a checkpoint of Deep3DFaceRecon-sized poses');
  } catch (error) {
    assert.match((error as Error).message, /far outside untrained\.safetensors's range \(.*tz averages -?\d+ standard deviations/);
  }
});

test('a clip shorter than one PoseGAN window is refused with the length it needs', async () => {
  const { dataset } = await personDatasetFromFiles(engine, [
    { name: 'eve.wav', bytes: speechLikeWav(200, 16000, 5) }, { name: 'eve.mat', bytes: deep3dMat(200, 5) },
  ], featureConfig, 256);
  try {
    await fineTune(engine, posegan, 'untrained.safetensors', dataset, { dataSource: 'eve', producedBy: 'test' });
    assert.unreachable('200 frames hold no 256-frame window');
  } catch (error) {
    assert.match((error as Error).message, /eve: too little data to fine-tune on: a clip needs at least 256 frames \(8\.5 s, one PoseGAN window\), the longest has 200/);
  }
});

test('files that form no clip are refused with what a clip is', async () => {
  try {
    await clipInputsFromFiles([{ name: 'dave.wav', bytes: speechLikeWav(30, 16000, 4) }], 30, 16000);
    assert.unreachable('a .wav alone is no clip');
  } catch (error) {
    assert.match((error as Error).message, /no clip among dave\.wav: a clip is <name>\.wav with <name>\.mat .* \(dave\.wav: no pose source/);
  }
});

test.run();
