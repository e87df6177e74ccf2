// Pose-only clips (talking-head/data/pose-only.ts) for the motion critic: the real ones of the shared data folder load
// in the dataset's units, smoothed as the dataset's poses are. Skips when the shared data is absent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { motionProfile } from '../../talking-head/evaluation/motion-realism.ts';
import { clipFromDeep3DMat } from '../../talking-head/data/clip-sources.ts';
import { loadDatasetFolder } from '../../runtime-node/dataset/dataset-files.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { loadPoseOnlyFolder } from '../../runtime-node/dataset/pose-only-files.ts';
import { readFileBytes } from '../../runtime-node/files/read-file.ts';
import { removeFolders, tempFolder } from './synthetic-clips.ts';
import { sharedData } from '../formats/paths.ts';
import { testEngine } from '../helpers/engine.ts';

const poseOnly = sharedData('pose-only/styletalk-style-clips', 'the pose-only clips');
const styletalk = sharedData('styletalk', 'the dataset whose units the pose-only clips are put in');
const maybe = poseOnly && styletalk ? test : test.skip;
const engine = await testEngine();
const folder = poseOnly && styletalk ? await tempFolder('pose-only') : '';

maybe('the 22 pose-only clips load in the dataset\'s normalised units, smoothed by Eq. (1) as its poses are', async () => {
  await runDatasetBuild({ data: styletalk!, out: folder, engine, log: () => {} });
  const dataset = await loadDatasetFolder(folder);
  const clips = await loadPoseOnlyFolder(engine, poseOnly!, dataset.manifest);
  assert.is(clips.length, 22);
  const { mean, std } = dataset.manifest.stats.pose;
  const first = clips[0]!;
  const raw = clipFromDeep3DMat(await readFileBytes(`${poseOnly}/${first.name}`), first.name).pose.values;
  const normalisedRaw = Float32Array.from(raw, (v, i) => (v - mean[i % 6]!) / std[i % 6]!);
  const [smoothed, unsmoothed] = [motionProfile([first.pose]), motionProfile([normalisedRaw])];
  for (let c = 0; c < 6; c++) {
    assert.ok(smoothed.jitter[c]! < unsmoothed.jitter[c]!, `channel ${c}: the filter lowers the jitter (${smoothed.jitter[c]} vs ${unsmoothed.jitter[c]})`);
    assert.ok(Math.abs(smoothed.std[c]! - unsmoothed.std[c]!) < 0.2 * unsmoothed.std[c]! + 1e-3, `channel ${c}: the spread stays (${smoothed.std[c]} vs ${unsmoothed.std[c]})`);
  }
});

test.after(async () => {
  if (folder) await removeFolders(folder);
});

test.run();
