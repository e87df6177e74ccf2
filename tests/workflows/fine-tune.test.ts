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
import { createFineTune, fineTune } from '../../talking-head/workflows/fine-tune.ts';
import { Dataset } from '../../talking-head/data/dataset.ts';
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

test('clips in another tracker\'s units are re-expressed in the checkpoint\'s; clips far outside its range in its own unit are refused, naming the channel', async () => {
  const { dataset } = await personDatasetFromFiles(engine, [
    { name: 'carol.wav', bytes: speechLikeWav(300, 16000, 2) },
    { name: 'carol.csv', bytes: openFaceCsv(300, 2) },
  ], featureConfig, 256);
  const lines: string[] = [];
  const converted = await createFineTune(engine, posegan, 'untrained.safetensors', dataset, { dataSource: 'carol', producedBy: 'test', log: (l) => lines.push(l) });
  converted.session.dispose();
  assert.match(lines.join('\n'), /translations are in mm and untrained\.safetensors's in bfm/);
  const far = new Dataset(dataset.manifest, dataset.clips.map((c) => ({ features: c.features, pose: c.pose.map((v, i) => (i % 6 === 1 ? v + 50 : v)), poseRaw: c.poseRaw, face: c.face })));
  try {
    await fineTune(engine, posegan, 'untrained.safetensors', far, { dataSource: 'carol', producedBy: 'test' });
    assert.unreachable('yaw 50 radians off');
  } catch (error) {
    assert.match((error as Error).message, /far outside untrained\.safetensors's range \(yaw averages -?\d+ standard deviations/);
  }
});

test('a clip shorter than one PoseGAN window trains on the longest window it holds; one under 64 frames is refused with the length it needs', async () => {
  const { dataset } = await personDatasetFromFiles(engine, [
    { name: 'eve.wav', bytes: speechLikeWav(200, 16000, 5) }, { name: 'eve.mat', bytes: deep3dMat(200, 5) },
  ], featureConfig, 256);
  const short = await fineTune(engine, posegan, 'untrained.safetensors', dataset, { dataSource: 'eve', producedBy: 'test', batch: 2, epochs: 1 });
  assert.is(short.split, 'whole clips (too little data to hold frames out)');
  assert.is(decodeCheckpoint(short.checkpoint, 'eve').meta.modelConfig.frames, 256, 'inference keeps 256-frame windows');
  const { dataset: tiny } = await personDatasetFromFiles(engine, [
    { name: 'eve.wav', bytes: speechLikeWav(60, 16000, 5) }, { name: 'eve.mat', bytes: deep3dMat(60, 5) },
  ], featureConfig, 256);
  try {
    await fineTune(engine, posegan, 'untrained.safetensors', tiny, { dataSource: 'eve', producedBy: 'test' });
    assert.unreachable('60 frames hold no 64-frame window');
  } catch (error) {
    assert.match((error as Error).message, /^eve: too little data to fine-tune PoseGAN on: its shortest training window is 64 frames \(2\.1 s\) of a clip's training frames, the most a clip has is 60/);
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
