// runtime-web/models/fine-tune.ts in Node (the page runs the same module): dropped clip files -> a fine-tuned
// PoseGAN checkpoint that loads, with the person's identity first; clips in another tracker's units are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { PoseGanFineTuner, clipInputsFromFiles } from '../../runtime-web/models/fine-tune.ts';
import { UNTRAINED_IDENTITY, untrainedCheckpointPair } from '../../runtime-web/models/untrained-checkpoints.ts';
import { deep3dMat, openFaceCsv, speechLikeWav } from '../data/synthetic-clips.ts';
import { testEngine } from '../helpers/engine.ts';

const engine = await testEngine();
const { posegan } = await untrainedCheckpointPair(engine, 3);

test('fine-tuning on dropped clips gives finite losses and a checkpoint that loads, the person\'s identity first', async () => {
  const { inputs, skipped } = await clipInputsFromFiles([
    { name: 'bob_clip1.wav', bytes: speechLikeWav(300, 22050, 1) },
    { name: 'bob_clip1.mat', bytes: deep3dMat(300, 1) },
    { name: 'notes.txt', bytes: new Uint8Array(3) },
  ], 30, 16000);
  assert.is(inputs.length, 1);
  assert.equal(skipped, []);
  const tuner = await PoseGanFineTuner.create(engine, posegan, 'untrained.safetensors', inputs, { seed: 2, batchSize: 2 });
  try {
    assert.is(tuner.windows.length, Math.floor((300 - 256) / 5) + 1, 'every window of the whole clip, stride 5');
    for (let i = 0; i < 3; i++) {
      const step = await tuner.step();
      assert.is(step.step, i + 1);
      assert.ok(Number.isFinite(step.l2) && Number.isFinite(step.adversarial!) && Number.isFinite(step.discriminator!), JSON.stringify(step));
    }
    const loaded = loadPoseGan(engine, await tuner.checkpoint(), 'fine-tuned.safetensors');
    assert.equal(loaded.checkpoint.meta.identities.map((i) => i.name), ['bob', UNTRAINED_IDENTITY]);
    assert.match(loaded.checkpoint.meta.training.producedBy, /fine-tuning of untrained\.safetensors on bob_clip1 \(3 steps\)/);
    loaded.generator.dispose();
  } finally {
    tuner.dispose();
  }
});

test('clips whose poses are in another tracker\'s units are refused, naming the channel', async () => {
  const { inputs } = await clipInputsFromFiles([
    { name: 'carol.wav', bytes: speechLikeWav(300, 16000, 2) },
    { name: 'carol.csv', bytes: openFaceCsv(300, 2) },
  ], 30, 16000);
  try {
    await PoseGanFineTuner.create(engine, posegan, 'untrained.safetensors', inputs);
    assert.unreachable('OpenFace millimetres against a checkpoint of Deep3DFaceRecon-sized poses');
  } catch (error) {
    assert.match((error as Error).message, /far outside untrained\.safetensors's range \(.*tz averages -?\d+ standard deviations/);
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
