// talking-head/data/personal-data.ts: a person's tracked video data made ready for a pretrained checkpoint:
// translations re-expressed in the checkpoint's unit, shorter PoseGAN windows for short clips, the unit of
// checkpoints that did not record it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dataset } from '../../talking-head/data/dataset.ts';
import { MIN_FINE_TUNE_WINDOW, checkpointPoseUnit, inPoseUnit, personalPoseStats, withFittingWindows } from '../../talking-head/data/personal-data.ts';
import { splitSegments } from '../../talking-head/data/build-dataset.ts';
import { assertClose } from '../helpers/compare.ts';
import { inMemoryDataset } from '../evaluation/in-memory-dataset.ts';

/** One clip of `frames` frames whose pose is [0.1, 0.2, 0.3, tx = 2 + sin, ty = -3, tz = -30 + f / 100] (cm). */
function trackedDataset(frames: number): Dataset {
  const pose = Array.from({ length: frames }, (_, f) => [0.1, 0.2, 0.3, 2 + Math.sin(f / 5), -3, -30 + f / 100]).flat();
  const base = inMemoryDataset(2, [{ name: 'me_000', identity: 'me', features: new Array(frames * 2).fill(0), pose, segments: splitSegments(frames) }]);
  return new Dataset({ ...base.manifest, poseUnit: 'cm' }, base.clips.map((c) => ({ features: c.features, pose: c.pose, poseRaw: c.poseRaw, face: null })));
}

test('centimetres become the checkpoint\'s decimetres as motion about its mean translation; angles stay', () => {
  const cm = trackedDataset(300);
  const dm = inPoseUnit(cm, 'bfm', [0.01, 0.02, -0.1]);
  assert.is(dm.manifest.poseUnit, 'bfm');
  const p = dm.clips[0]!.pose;
  assertClose(p.subarray(0, 3), [0.1, 0.2, 0.3], { atol: 1e-7, rtol: 0 }, 'angles');
  const tx = Array.from({ length: 300 }, (_, f) => p[f * 6 + 3]!);
  const mean = tx.reduce((a, b) => a + b, 0) / 300;
  assert.ok(Math.abs(mean - 0.01) < 1e-6, `tx mean ${mean}, expected the checkpoint's 0.01`);
  assertClose([tx[10]! - tx[0]!], [(Math.sin(2) - Math.sin(0)) / 10], { atol: 1e-6, rtol: 0 }, 'tx motion in dm');
  assertClose([p[6 * 100 + 5]! - p[5]!], [1 / 10], { atol: 1e-6, rtol: 0 }, 'tz motion in dm');
  assert.ok(Math.abs(dm.manifest.stats.pose.std[3]! - cm.manifest.stats.pose.std[3]! / 10) < 0.05, 'the train statistics follow');
  // the frame step (identities[].motionPose) is re-measured in the new unit: tz moves 1/100 cm a frame = 1/1000 dm
  const step = dm.manifest.identities[0]!.motionPose!;
  assertClose([step[0]!, step[5]!], [0, 1 / 1000], { atol: 1e-7, rtol: 1e-4 }, 'frame step of pitch and tz in dm');
  assert.is(inPoseUnit(dm, 'bfm', [0, 0, 0]), dm, 'a dataset already in the unit is left as it is');
});

test('the fine-tune statistics: the checkpoint\'s, with the person\'s on translation when units were converted', () => {
  const checkpoint = { mean: [1, 2, 3, 4, 5, 6], std: [1, 1, 1, 0.001, 0.001, 0.001] };
  const person = { mean: [9, 9, 9, 4, 5, 6], std: [2, 2, 2, 0.2, 0.1, 0.05] };
  assert.equal(personalPoseStats(checkpoint, person, false), checkpoint);
  assert.equal(personalPoseStats(checkpoint, person, true), { mean: [1, 2, 3, 4, 5, 6], std: [1, 1, 1, 0.2, 0.1, 0.05] });
});

test('short clips get the longest PoseGAN windows that fit, a multiple of 8; too short ones are refused naming them', () => {
  const long = withFittingWindows(trackedDataset(400), 256, 8, 'me');
  assert.is(long.windowLength, 256, 'a 280-frame train split holds 256-frame windows');
  assert.is(long.manifest.windows.train.length, Math.floor((280 - 256) / 5) + 1);
  const short = withFittingWindows(trackedDataset(240), 256, 8, 'me');
  assert.is(short.windowLength, 168, '168 train frames');
  assert.equal(short.manifest.windows.train, [[0, 0]]);
  assert.throws(() => withFittingWindows(trackedDataset(80), 256, 8, 'my-clips'), new RegExp(`^my-clips: too little data to fine-tune PoseGAN on: its shortest training window is ${MIN_FINE_TUNE_WINDOW} frames .* the most a clip has is 56 \\(me_000: 80 frames\\)`));
});

test('the unit of a checkpoint: as recorded, else guessed from its mean depth', () => {
  const stats = (tz: number) => ({ mean: [0, 0, 0, 0, 0, tz], std: [1, 1, 1, 1, 1, 1] });
  assert.is(checkpointPoseUnit({ poseUnit: 'mm' }, stats(0)), 'mm');
  assert.is(checkpointPoseUnit({}, stats(-0.13)), 'bfm');
  assert.is(checkpointPoseUnit({}, stats(-35)), 'cm');
  assert.is(checkpointPoseUnit({ poseUnit: 'furlongs' }, stats(600)), 'mm');
});

test.run();
