// The non-learned parts of the evaluation on the real styletalk sample ($POSEDYN_DATA/styletalk, see
// tests/formats/paths.ts): its test segments, the evaluation window they allow, and the baselines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { audioPoseCorrelation } from '../../talking-head/evaluation/audio-pose-correlation.ts';
import { distanceRow } from '../../talking-head/evaluation/method-scores.ts';
import { nearestTrainingStretch } from '../../talking-head/evaluation/pose-baselines.ts';
import { evaluationSegments, meanPoseDraws, nearestNeighbourDraws, randomPoseDraws } from '../../talking-head/evaluation/pose-methods.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { loadDatasetFolder } from '../../runtime-node/dataset/dataset-files.ts';
import { evaluationWindow } from '../../runtime-node/evaluation/eval-command.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';
import { sharedData } from '../formats/paths.ts';
import { testEngine } from '../helpers/engine.ts';

const data = sharedData('styletalk', 'styletalk evaluation baselines');

if (data) {
  const engine = await testEngine();
  const out = await tempFolder('eval-styletalk');
  await runDatasetBuild({ data, out, engine, log: () => {} });
  const dataset = await loadDatasetFolder(out);
  const segments = evaluationSegments(dataset, 'test');

  test('styletalk: nine test segments of 42 to 180 frames, so the evaluation window is 42 frames', () => {
    assert.is(segments.length, 9);
    assert.is(Math.min(...segments.map((s) => s.length)), 42, 'feifeili_clip3: frames 168-210');
    assert.is(Math.max(...segments.map((s) => s.length)), 180, 'Obama_clip2: frames 720-900');
    assert.is(evaluationWindow(42), 42);
    assert.is(evaluationWindow(120), 64);
  });

  test('styletalk: the baselines give finite distances, and nearest neighbours come from the same person\'s training frames', () => {
    const bootstrap = { resamples: 100 };
    const mean = distanceRow('Mean pose', segments, meanPoseDraws(dataset, segments), bootstrap);
    const random = distanceRow('Random', segments, randomPoseDraws(dataset, segments, 2, 1), bootstrap);
    const nearest = distanceRow('Nearest neighbour', segments, nearestNeighbourDraws(dataset, segments), bootstrap);
    for (const row of [mean, random, nearest]) {
      assert.ok(Number.isFinite(row.pose.value) && row.pose.value > 0, `${row.method} pose ${row.pose.value}`);
      assert.ok(row.motion.value > 0 && row.motion.value < row.pose.value, `${row.method} motion ${row.motion.value} below pose`);
    }
    assert.ok(mean.motion.value < random.motion.value, 'a still head has less motion error than real motion of other moments');
    for (const s of segments) {
      const found = nearestTrainingStretch(dataset, s.identityIndex, s.audio);
      const clip = dataset.clips[found.clipIndex]!;
      assert.is(clip.identityIndex, s.identityIndex, `${s.clip}: same person`);
      assert.ok(found.start >= clip.entry.segments.train[0] && found.start + s.length <= clip.entry.segments.train[1], `${s.clip}: inside a training segment`);
    }
  });

  test('styletalk: a window\'s correlation features are 29 x 6 values in [-1, 1]', () => {
    const s = segments[0]!;
    const r = audioPoseCorrelation(s.audio.subarray(0, 42 * 29), s.real.subarray(0, 42 * 6), 29);
    assert.is(r.length, 174);
    assert.ok(r.every((v) => v >= -1 - 1e-9 && v <= 1 + 1e-9));
  });

  test.after(async () => removeFolders(out));
}

test.run();
