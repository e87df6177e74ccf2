// Personalisation from a person's own video, end to end (issue: video in): the real 8 s talking video with sound
// in $POSEDYN_DATA/talking-video/ -> `posedyn finetune --data` (dataset built from the video: tracked pose,
// fitted face, speech) for PoseGAN, and for PGFace from that dataset -> `posedyn generate` with both on unseen
// speech, starting from the person's rest pose.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { loadDatasetFolder } from '../../runtime-node/dataset/dataset-files.ts';
import { PRETRAINED } from '../../runtime-node/files/pretrained.ts';
import { runGenerate } from '../../runtime-node/generate/generate-command.ts';
import { CHROMIUM } from '../../runtime-node/tracking/chromium-tracker.ts';
import { runFinetune } from '../../runtime-node/training/finetune-command.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';
import { sharedData } from '../formats/paths.ts';
import { testEngine } from '../helpers/engine.ts';
import { hasFfmpeg } from './tools.ts';

const PERSON = 'WDA_AlexandriaOcasioCortez';
const videos = sharedData('talking-video', 'personalisation from a talking video');
const speech = sharedData('speech/RD_Radio31_000.wav', 'personalisation from a talking video');

if (!videos || !speech || !hasFfmpeg || !existsSync(CHROMIUM)) {
  test.skip(`personalisation from a video: needs ../shared/data/talking-video and speech, ffmpeg and ${CHROMIUM}`, () => undefined);
} else {
  const engine = await testEngine();
  const work = await tempFolder('personalise-video');
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const common = { epochs: 2, batch: 16, lr: 1e-4, seed: 1, faceModel: 'procedural', progress: false, producedBy: 'test', engine, log };

  test('finetune --data on the video: the dataset holds the tracked clip (cm, face, speech) and PoseGAN is fine-tuned on it', async () => {
    const out = join(work, 'posegan');
    const reports = await runFinetune({ ...common, from: PRETRAINED.posegan, data: videos, out });
    const dataset = await loadDatasetFolder(join(out, 'dataset'));
    assert.equal(dataset.manifest.clips.map((c) => [c.name, c.identity, c.frames, c.hasFace]), [[`${PERSON}_000`, PERSON, 240, true]]);
    assert.is(dataset.manifest.poseUnit, 'cm');
    assert.is(reports.length, 2);
    assert.ok(reports.every((r) => Number.isFinite(r.validation) && Number.isFinite(r.train.l2!)), JSON.stringify(reports.map((r) => [r.train, r.validation])));
    const checkpoint = decodeCheckpoint(readFileSync(join(out, 'best.safetensors')), 'best.safetensors').meta;
    assert.is(checkpoint.training.poseUnit, 'bfm', 'the pretrained unit, the person\'s centimetres converted');
    assert.is(checkpoint.modelConfig.frames, 256, 'inference keeps the pretrained 256-frame windows');
    assert.ok(checkpoint.identities.some((i) => i.name === PERSON));
    const log = lines.join('\n');
    assert.match(log, /translations are in cm and .*'s in bfm/);
    assert.match(log, /shorter than one 256-frame PoseGAN window: fine-tuning on windows of 240 frames/);
    assert.is(checkpoint.training.fineTuneSplit, "whole clips (too little data to hold frames out)");
    assert.is(checkpoint.training.personalisedTo, PERSON);
  });

  test('finetune --dataset: PGFace on the frames of the same dataset', async () => {
    const reports = await runFinetune({ ...common, from: PRETRAINED.pgface, dataset: join(work, 'posegan', 'dataset'), out: join(work, 'pgface') });
    assert.is(reports.length, 2);
    assert.ok(reports.every((r) => Number.isFinite(r.validation)), JSON.stringify(reports.map((r) => r.validation)));
  });

  test('generate uses both personalised networks and starts from the person\'s rest pose', async () => {
    const out = join(work, 'generated');
    const result = await runGenerate({
      audio: speech, out, checkpoint: join(work, 'posegan', 'best.safetensors'), faceCheckpoint: join(work, 'pgface', 'best.safetensors'),
      identity: PERSON, motionScale: 1, smooth: 0, faceModel: 'procedural',
    });
    assert.is(result.identity, PERSON);
    assert.is(result.frames, 240, '8 s of speech at 30 fps');
    assert.ok(result.pose.every(Number.isFinite) && result.face.every(Number.isFinite));
    const meta = decodeCheckpoint(readFileSync(join(work, 'posegan', 'best.safetensors')), 'posegan').meta;
    const rest = meta.identities.find((i) => i.name === PERSON)!.meanPose;
    const pitch = result.pose[0]!;
    assert.ok(Math.abs(pitch - rest[0]!) < 0.2, `first pitch ${pitch} near the person's rest ${rest[0]}`);
    assert.ok(existsSync(join(out, 'result.json')));
  });

  test.after(() => removeFolders(work));
}

test.run();
