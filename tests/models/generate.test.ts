import { readFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type TalkingHeadResult, generateTalkingHead } from '../../talking-head/inference/generate.ts';
import { loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { TalkingHeadStream } from '../../talking-head/inference/streaming.ts';
import { runTrain } from '../../runtime-node/training/train-command.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';
import { TINY_PGFACE, TINY_POSEGAN, join, tinyDataset } from './tiny-setup.ts';

const engine = await testEngine();
const { folder: dataset, clips } = await tinyDataset(engine);
const posegaOut = await tempFolder('posegan');
const pgfaceOut = await tempFolder('pgface');
const common = { dataset, epochs: 1, batch: 8, lr: 1e-3, seed: 2, resume: false, faceModel: 'procedural', maxStepsPerEpoch: 1, progress: false, producedBy: 'test', engine, log: () => {} };
await runTrain({ ...common, kind: 'posegan', out: posegaOut, modelOverrides: TINY_POSEGAN });
await runTrain({ ...common, kind: 'pgface', out: pgfaceOut, modelOverrides: TINY_PGFACE });
const posegan = loadPoseGan(engine, new Uint8Array(await readFile(join(posegaOut, 'best.safetensors'))), 'posegan');
const pgface = loadPgFace(engine, new Uint8Array(await readFile(join(pgfaceOut, 'best.safetensors'))), 'pgface');
const identities = posegan.checkpoint.meta.identities;

// Speech-like test audio: noise bursts under a slow envelope (the networks only need varied features).
function audio(seconds: number, seed: number): Float32Array {
  const noise = uniform(Math.round(seconds * 16000), seed);
  return noise.map((v, i) => 0.3 * v * (0.5 + 0.5 * Math.sin(i / 1600)));
}

test('generation gives round(duration x 30) frames of 6 pose and 144 face values, across window boundaries', async () => {
  for (const seconds of [1, 9.05, 17.1]) {
    const r = await generateTalkingHead(engine, posegan, pgface, audio(seconds, 1));
    assert.is(r.frames, Math.round(seconds * 30));
    assert.is(r.pose.length, r.frames * 6);
    assert.is(r.face.length, r.frames * 144);
    assert.ok(r.pose.every(Number.isFinite) && r.face.every(Number.isFinite));
    assert.is(r.fps, 30);
  }
});

test('motion scale 0 gives a still head at the identity\'s rest pose', async () => {
  for (const identity of identities) {
    const r = await generateTalkingHead(engine, posegan, pgface, audio(9.05, 2), { identity: identity.name, motionScale: 0 });
    assert.is(r.identity, identity.name);
    for (let t = 0; t < r.frames; t++) {
      for (let c = 0; c < 6; c++) assert.ok(Math.abs(r.pose[t * 6 + c]! - identity.meanPose[c]!) < 1e-5, `frame ${t} channel ${c}`);
    }
  }
});

test('an unknown identity is refused naming the known ones', async () => {
  try {
    await generateTalkingHead(engine, posegan, pgface, audio(1, 3), { identity: 'nobody' });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.match((error as Error).message, /identity 'nobody'.*alice.*bob/);
  }
});

async function streamed(samples: Float32Array, chunk: number, smoothSigma = 0): Promise<TalkingHeadResult> {
  const stream = new TalkingHeadStream(engine, posegan, pgface, { smoothSigma });
  const poses: Float32Array[] = [];
  const faces: Float32Array[] = [];
  let expectedStart = 0;
  const take = (c: { startFrame: number; frames: number; pose: Float32Array; face: Float32Array }) => {
    assert.is(c.startFrame, expectedStart, 'chunks are contiguous');
    expectedStart += c.frames;
    poses.push(c.pose);
    faces.push(c.face);
  };
  for (let s = 0; s < samples.length; s += chunk) take(await stream.push(samples.subarray(s, s + chunk)));
  take(await stream.finish());
  const join = (parts: Float32Array[]) => Float32Array.from(parts.flatMap((p) => Array.from(p)));
  return { fps: 30, frames: expectedStart, identity: stream.identity, pose: join(poses), face: join(faces) };
}

test('streaming in chunks gives the same frames as the whole-file run (with and without smoothing)', async () => {
  const samples = audio(19.3, 4);
  for (const smoothSigma of [0, 2]) {
    const whole = await generateTalkingHead(engine, posegan, pgface, samples, { smoothSigma });
    for (const chunk of [16000, 4099]) {
      const s = await streamed(samples, chunk, smoothSigma);
      assert.is(s.frames, whole.frames);
      const poseDiff = Math.max(...s.pose.map((v, i) => Math.abs(v - whole.pose[i]!)));
      const faceDiff = Math.max(...s.face.map((v, i) => Math.abs(v - whole.face[i]!)));
      assert.ok(poseDiff <= 1e-6 && faceDiff <= 1e-5, `chunk ${chunk}, sigma ${smoothSigma}: max differences pose ${poseDiff}, face ${faceDiff}`);
    }
  }
});

test.after(async () => removeFolders(dataset, clips, posegaOut, pgfaceOut));

test.run();
