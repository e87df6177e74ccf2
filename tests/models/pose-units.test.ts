// config.poseNormalisation (talking-head/posegan/pose-units.ts, issue 14 runs 9-10): 'identity' z-scores G's and D's
// poses with each identity's own statistics and maps G's output back to the global units exactly; 'identity-motion'
// scales the rotations by the identity's frame step instead; 'identity-mean' keeps the global std and moves only zero
// to the identity's mean; 'global' (the default) changes nothing, so the shipped checkpoints behave as before.
import { readFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { Dataset, poseBatch } from '../../talking-head/data/dataset.ts';
import type { IdentityEntry } from '../../talking-head/data/dataset-format.ts';
import { generateTalkingHead } from '../../talking-head/inference/generate.ts';
import { loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { TalkingHeadStream } from '../../talking-head/inference/streaming.ts';
import { generatePoseSequence } from '../../talking-head/inference/pose-windows.ts';
import { defaultPoseGanConfig, validatePoseGanConfig } from '../../talking-head/posegan/config.ts';
import { PoseGenerator } from '../../talking-head/posegan/generator.ts';
import { MOTION_UNIT_STEPS, batchInGeneratorUnits, generatorPoseUnits, identityPoseUnits, mapPoseArray, posesFromGenerator, posesToGenerator } from '../../talking-head/posegan/pose-units.ts';
import { generateSegment } from '../../talking-head/training/posegan-validation.ts';
import { runTrain } from '../../runtime-node/training/train-command.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';
import { inMemoryDataset } from '../evaluation/in-memory-dataset.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';
import { TINY_PGFACE, TINY_POSEGAN, join, tinyDataset } from './tiny-setup.ts';

const engine = await testEngine();
const GLOBAL = { mean: [-0.01, -0.01, -0.04, 0.013, 0.013, -0.13], std: [0.072, 0.103, 0.097, 0.011, 0.016, 0.164] };
// KristiNoem's statistics in the styletalk dataset, rounded: her yaw std is 1/7.7 of the global one
const STILL: IdentityEntry = { name: 'still', meanPose: [0.10, 0.068, 0.0014, 0.0085, -0.005, -0.22], stdPose: [0.026, 0.0134, 0.041, 0.004, 0.0097, 0.069], motionPose: [0.0039, 0.0020, 0.0025, 0.0022, 0.0037, 0.032], trainFrames: 378 };
const LIVELY: IdentityEntry = { name: 'lively', meanPose: [-0.04, 0.021, 0.017, 0.010, 0.005, -0.13], stdPose: [0.078, 0.077, 0.070, 0.0063, 0.012, 0.11], motionPose: [0.0076, 0.0099, 0.0046, 0.0025, 0.0037, 0.041], trainFrames: 1470 };
const identity = { poseNormalisation: 'identity' } as const;
const global = { poseNormalisation: 'global' } as const;

test('identity units: a global-unit pose becomes (z s + m - m_i) / s_i and maps back exactly (float64 by hand)', () => {
  const z = uniform(5 * 6, 1, -3, 3);
  const units = generatorPoseUnits(identity, STILL, GLOBAL);
  const u = mapPoseArray(z, units.toGenerator);
  const expected = Array.from(z, (v, i) => (v * GLOBAL.std[i % 6]! + GLOBAL.mean[i % 6]! - STILL.meanPose[i % 6]!) / STILL.stdPose[i % 6]!);
  assertClose(u, expected, { atol: 1e-4, rtol: 1e-5 }, 'global -> identity');
  // raw pose = u s_i + m_i: what the identity's own z-score means
  const raw = Array.from(z, (v, i) => v * GLOBAL.std[i % 6]! + GLOBAL.mean[i % 6]!);
  assertClose(Array.from(u, (v, i) => v * STILL.stdPose[i % 6]! + STILL.meanPose[i % 6]!), raw, { atol: 1e-6, rtol: 1e-5 }, 'the same raw pose');
  assertClose(mapPoseArray(u, units.fromGenerator), z, { atol: 1e-5, rtol: 1e-5 }, 'round trip');
  // the identity's rest pose is 0 in her units, her std 1
  assertClose(mapPoseArray(Float32Array.from(STILL.meanPose, (v, c) => (v - GLOBAL.mean[c]!) / GLOBAL.std[c]!), units.toGenerator), [0, 0, 0, 0, 0, 0], { atol: 1e-5, rtol: 0 }, 'rest pose');
});

test('identity-motion units: rotations in MOTION_UNIT_STEPS of the identity\'s frame step, translations in her std', () => {
  const z = uniform(4 * 6, 7, -3, 3);
  const units = generatorPoseUnits({ poseNormalisation: 'identity-motion' }, STILL, GLOBAL);
  const scale = STILL.stdPose.map((v, c) => (c < 3 ? MOTION_UNIT_STEPS * STILL.motionPose![c]! : v));
  const u = mapPoseArray(z, units.toGenerator);
  const expected = Array.from(z, (v, i) => (v * GLOBAL.std[i % 6]! + GLOBAL.mean[i % 6]! - STILL.meanPose[i % 6]!) / scale[i % 6]!);
  assertClose(u, expected, { atol: 1e-4, rtol: 1e-5 }, 'global -> identity-motion');
  assertClose(mapPoseArray(u, units.fromGenerator), z, { atol: 1e-5, rtol: 1e-5 }, 'round trip');
  // a frame step of one motionPose in yaw is 1 / MOTION_UNIT_STEPS in G's units, whoever the speaker
  for (const who of [STILL, LIVELY]) {
    const own = generatorPoseUnits({ poseNormalisation: 'identity-motion' }, who, GLOBAL);
    const step = [0, who.motionPose![1]! / GLOBAL.std[1]!, 0, 0, 0, 0];
    const a = mapPoseArray(new Float32Array(6), own.toGenerator);
    const b = mapPoseArray(Float32Array.from(step), own.toGenerator);
    assertClose([b[1]! - a[1]!], [1 / MOTION_UNIT_STEPS], { atol: 1e-6, rtol: 1e-5 }, `${who.name}: one step`);
  }
  const { motionPose: _, ...older } = STILL;
  assert.throws(() => generatorPoseUnits({ poseNormalisation: 'identity-motion' }, older, GLOBAL), /identity 'still' has no motionPose, expected 6 \(dataset.json identities\[\].motionPose.*rebuild the dataset\)/);
});

test('identity-mean units: the global std, zero at the identity\'s own mean (u = z + (m - m_i) / s)', () => {
  const z = uniform(4 * 6, 9, -3, 3);
  const units = generatorPoseUnits({ poseNormalisation: 'identity-mean' }, STILL, GLOBAL);
  const u = mapPoseArray(z, units.toGenerator);
  const expected = Array.from(z, (v, i) => v + (GLOBAL.mean[i % 6]! - STILL.meanPose[i % 6]!) / GLOBAL.std[i % 6]!);
  assertClose(u, expected, { atol: 1e-5, rtol: 1e-5 }, 'global -> identity-mean');
  assertClose(mapPoseArray(u, units.fromGenerator), z, { atol: 1e-5, rtol: 1e-5 }, 'round trip');
  // a step is the same size in G's units as in the global ones, and the rest pose is 0
  assert.ok(units.toGenerator!.scale.every((v) => Math.abs(v - 1) < 1e-12), `scale ${units.toGenerator!.scale}`);
  assertClose(mapPoseArray(Float32Array.from(STILL.meanPose, (v, c) => (v - GLOBAL.mean[c]!) / GLOBAL.std[c]!), units.toGenerator), [0, 0, 0, 0, 0, 0], { atol: 1e-5, rtol: 0 }, 'rest pose');
  // no frame steps needed: a dataset from before run 10 works
  const { motionPose: _, ...older } = STILL;
  generatorPoseUnits({ poseNormalisation: 'identity-mean' }, older, GLOBAL);
});

test('global units (the default and legacy value) are the same units: every map returns its input itself', async () => {
  assert.is(defaultPoseGanConfig(5).poseNormalisation, 'global');
  const units = generatorPoseUnits(global, STILL, GLOBAL);
  assert.is(units.toGenerator, null);
  assert.is(units.fromGenerator, null);
  const z = uniform(12, 2);
  assert.is(mapPoseArray(z, units.fromGenerator), z);
  const t = tensor(engine, z, [2, 6]);
  assert.is(posesFromGenerator(engine, t, units), t);
  assert.is(posesToGenerator(engine, t, units), t);
  const dataset = twoIdentityDataset();
  const batch = poseBatch(dataset, [[0, 0], [1, 0]], { length: 8 });
  assert.is(batchInGeneratorUnits(batch, identityPoseUnits(global, dataset.manifest.identities, dataset.manifest.stats.pose)), batch);
});

test('the GPU maps equal the CPU ones and round-trip poses [L, 6] and [1, 6]', async () => {
  const units = generatorPoseUnits(identity, LIVELY, GLOBAL);
  for (const rows of [1, 7]) {
    const z = uniform(rows * 6, 3 + rows, -2, 2);
    const u = posesToGenerator(engine, tensor(engine, z, [rows, 6]), units);
    assertClose(await u.read(), mapPoseArray(z, units.toGenerator), { atol: 1e-5, rtol: 1e-5 }, `to G, ${rows} rows`);
    assertClose(await posesFromGenerator(engine, u, units).read(), z, { atol: 1e-5, rtol: 1e-5 }, `round trip, ${rows} rows`);
  }
  try {
    posesFromGenerator(engine, tensor(engine, uniform(10, 4), [2, 5]), units);
    assert.unreachable('a [2, 5] tensor is not poses');
  } catch (error) {
    assert.match((error as Error).message, /posesFromGenerator: poses of shape \[2, 5\], expected \[\.\.\., 6\]/);
  }
});

/** Two clips of two identities of 12 frames, with the global and identity statistics above. */
function twoIdentityDataset(): Dataset {
  const clip = (name: string, who: string, seed: number) => ({
    name, identity: who, features: Array.from(uniform(12 * 3, seed)), pose: Array.from(uniform(12 * 6, seed + 1, -0.2, 0.2)),
    segments: { train: [0, 4], val: [4, 8], test: [8, 12] } as const,
  });
  const hand = inMemoryDataset(3, [clip('a', 'lively', 1), clip('b', 'still', 3)]);
  const manifest = { ...hand.manifest, identities: [LIVELY, STILL], stats: { ...hand.manifest.stats, pose: GLOBAL } };
  return new Dataset(manifest, hand.clips);
}

test('a training batch in identity units: each window\'s poses and initial pose by its own identity\'s statistics', () => {
  const dataset = twoIdentityDataset();
  const batch = poseBatch(dataset, [[1, 2], [0, 1]], { length: 8 });
  const units = identityPoseUnits(identity, dataset.manifest.identities, dataset.manifest.stats.pose);
  const mapped = batchInGeneratorUnits(batch, units);
  assert.equal([...batch.identity], [1, 0]);
  const rows = 8 * 6;
  assertClose(mapped.pose.subarray(0, rows), mapPoseArray(batch.pose.subarray(0, rows), units[1]!.toGenerator), { atol: 0, rtol: 0 }, 'window 0 (still)');
  assertClose(mapped.pose.subarray(rows), mapPoseArray(batch.pose.subarray(rows), units[0]!.toGenerator), { atol: 0, rtol: 0 }, 'window 1 (lively)');
  assertClose(mapped.initial, mapped.pose.filter((_, i) => i % rows < 6), { atol: 0, rtol: 0 }, 'the initial pose is the window\'s first, in the same units');
  assert.is(mapped.audio, batch.audio);
});

test('validation and evaluation segments come back in global units: G\'s output mapped back, G started in its own units', async () => {
  const dataset = twoIdentityDataset();
  const tiny = { ...TINY_POSEGAN, featureCount: 3, frames: 16 };
  for (const normalisation of ['global', 'identity'] as const) {
    const generator = new PoseGenerator(engine, defaultPoseGanConfig(3, { ...tiny, poseNormalisation: normalisation }), new InitRandom(1));
    generator.train(false);
    const { generated, real, initial } = engine.noGrad(() => generateSegment(engine, generator, dataset, 1, 4, 4));
    const arrays = poseBatch(dataset, [[1, 4]], { length: 4 });
    assertClose(await real.read(), arrays.pose, { atol: 0, rtol: 0 }, `${normalisation}: real`);
    assertClose(await initial.read(), arrays.initial, { atol: 0, rtol: 0 }, `${normalisation}: initial`);
    const units = generatorPoseUnits({ poseNormalisation: normalisation }, STILL, GLOBAL);
    const windows = tensor(engine, arrays.audio, [4, 3, 16]);
    const own = await engine.noGrad(() => generatePoseSequence(generator, windows, tensor(engine, mapPoseArray(arrays.initial, units.toGenerator), [1, 6]))).read();
    assertClose(await generated.read(), mapPoseArray(own, units.fromGenerator), { atol: 1e-5, rtol: 1e-4 }, `${normalisation}: generated`);
    // anchorInitialPose: the first generated frame is the real first pose, in global units in either mode
    assertClose((await generated.read()).subarray(0, 6), arrays.initial, { atol: 1e-5, rtol: 1e-4 }, `${normalisation}: anchored first frame`);
    generator.dispose();
  }
});

test('config: poseNormalisation is one of four, and the identity units refuse the motion critic\'s identity-less clips', () => {
  assert.throws(() => validatePoseGanConfig(defaultPoseGanConfig(5, { poseNormalisation: 'speaker' as never })), /poseNormalisation 'speaker', expected one of 'global', 'identity', 'identity-motion', 'identity-mean'/);
  for (const units of ['identity', 'identity-motion', 'identity-mean'] as const) {
    assert.throws(() => validatePoseGanConfig(defaultPoseGanConfig(5, { poseNormalisation: units, motionCritic: 0.5 })), new RegExp(`'${units}' with motionCritic 0.5: the pose-only clips have no identity`));
    validatePoseGanConfig(defaultPoseGanConfig(5, { poseNormalisation: units }));
  }
});

for (const units of ['identity', 'identity-motion', 'identity-mean'] as const) test(`a PoseGAN trained in ${units} units records it, and generates finite poses about each identity's rest pose`, async () => {
  const { folder: dataset, clips } = await tinyDataset(engine);
  const posegaOut = await tempFolder('posegan-identity');
  const pgfaceOut = await tempFolder('pgface-identity');
  const common = { dataset, epochs: 1, batch: 8, lr: 1e-3, seed: 2, resume: false, faceModel: 'procedural', maxStepsPerEpoch: 1, progress: false, producedBy: 'test', engine, log: () => {} };
  try {
    const [report] = await runTrain({ ...common, kind: 'posegan', out: posegaOut, modelOverrides: { ...TINY_POSEGAN, poseNormalisation: units } });
    assert.ok(Number.isFinite(report!.validation), `validation ${report!.validation}`);
    await runTrain({ ...common, kind: 'pgface', out: pgfaceOut, modelOverrides: TINY_PGFACE });
    const posegan = loadPoseGan(engine, new Uint8Array(await readFile(join(posegaOut, 'best.safetensors'))), 'posegan');
    const pgface = loadPgFace(engine, new Uint8Array(await readFile(join(pgfaceOut, 'best.safetensors'))), 'pgface');
    assert.is(posegan.config.poseNormalisation, units);
    // the checkpoint carries the frame steps the units were made of (dataset.json identities[].motionPose)
    assert.ok(posegan.checkpoint.meta.identities.every((who) => who.motionPose?.length === 6 && who.motionPose.every((v) => v > 0)), 'motionPose recorded');
    // 10 s: 300 frames, two windows of 256 chained in G's units
    const samples = uniform(16000 * 10, 5).map((v, i) => 0.3 * v * (0.5 + 0.5 * Math.sin(i / 1600)));
    for (const who of posegan.checkpoint.meta.identities) {
      const moving = await generateTalkingHead(engine, posegan, pgface, samples, { identity: who.name });
      assert.ok(moving.pose.every(Number.isFinite), `${who.name}: finite poses`);
      // anchored: the first frame is the identity's rest pose, through both maps
      assertClose(moving.pose.subarray(0, 6), who.meanPose, { atol: 1e-4, rtol: 1e-3 }, `${who.name}: first frame at the rest pose`);
      const still = await generateTalkingHead(engine, posegan, pgface, samples, { identity: who.name, motionScale: 0 });
      for (let t = 0; t < still.frames; t += 17) assertClose(still.pose.subarray(t * 6, t * 6 + 6), who.meanPose, { atol: 1e-5, rtol: 0 }, `${who.name}: frame ${t} at motion scale 0`);
      // streaming maps the same windows the same way
      const stream = new TalkingHeadStream(engine, posegan, pgface, { identity: who.name });
      const parts: Float32Array[] = [];
      for (let at = 0; at < samples.length; at += 16000) parts.push((await stream.push(samples.subarray(at, at + 16000))).pose);
      parts.push((await stream.finish()).pose);
      const streamedPose = Float32Array.from(parts.flatMap((p) => Array.from(p)));
      assert.is(streamedPose.length, moving.pose.length);
      assertClose(streamedPose, moving.pose, { atol: 1e-6, rtol: 0 }, `${who.name}: streamed = whole file`);
    }
    posegan.generator.dispose();
    pgface.model.dispose();
  } finally {
    await removeFolders(posegaOut, pgfaceOut, dataset, clips);
  }
});

test.run();
