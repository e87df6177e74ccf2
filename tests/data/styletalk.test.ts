// The real styletalk sample folder ($POSEDYN_DATA/styletalk, see tests/formats/paths.ts), built once for the file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { facePairs, faceBatch, poseBatch } from '../../talking-head/data/dataset.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { loadDatasetFolder } from '../../runtime-node/dataset/dataset-files.ts';
import { testEngine } from '../helpers/engine.ts';
import { sharedData } from '../formats/paths.ts';
import { removeFolders, tempFolder } from './synthetic-clips.ts';

const data = sharedData('styletalk', 'styletalk dataset build');

if (data) {
  const engine = await testEngine();
  const out = await tempFolder('dataset-styletalk');
  const logged: string[] = [];
  const report = await runDatasetBuild({ data, out, engine, log: (line) => logged.push(line) });
  const dataset = await loadDatasetFolder(out);
  const { manifest } = dataset;

  test('styletalk: 9 clips, 4 identities, frames as in its README', () => {
    assert.equal(manifest.clips.map((c) => [c.name, c.identity]), [
      ['KristiNoem', 'KristiNoem'], ['Obama_clip1', 'Obama'], ['Obama_clip2', 'Obama'], ['Obama_clip3', 'Obama'],
      ['andrew_clip_1', 'andrew'], ['andrew_clip_2', 'andrew'],
      ['feifeili_clip1', 'feifeili'], ['feifeili_clip2_short', 'feifeili'], ['feifeili_clip3', 'feifeili'],
    ]);
    const frames = Object.fromEntries(manifest.clips.map((c) => [c.name, c.frames]));
    assert.equal(
      ['Obama_clip1', 'Obama_clip2', 'Obama_clip3', 'andrew_clip_1', 'andrew_clip_2', 'feifeili_clip1', 'feifeili_clip2_short', 'feifeili_clip3', 'KristiNoem'].map((n) => frames[n]),
      [600, 900, 600, 750, 810, 300, 450, 210, 540],
    );
    assert.equal(manifest.identities.map((e) => e.name), ['KristiNoem', 'Obama', 'andrew', 'feifeili']);
    assert.ok(manifest.clips.every((c) => c.hasFace));
    assert.is(manifest.poseUnit, 'bfm');
  });

  test('styletalk: per-identity rest pose and spread are finite; windows per split as expected', () => {
    for (const identity of manifest.identities) {
      assert.ok([...identity.meanPose, ...identity.stdPose].every(Number.isFinite), `${identity.name} pose statistics finite`);
      assert.ok(identity.stdPose.every((s) => s > 0), `${identity.name} pose varies`);
    }
    assert.equal(manifest.identities.map((e) => e.trainFrames), [378, 1470, 1092, 672]);
    assert.is(manifest.windows.train.length, 295);
    assert.is(manifest.windows.val.length, 0);
    assert.is(manifest.windows.test.length, 0);
    assert.ok([...manifest.stats.features.mean, ...manifest.stats.features.std, ...manifest.stats.face!.std].every(Number.isFinite));
    assert.match(report.summary, /total\s+9\s+5160\s+3612\s+516\s+1032\s+295\s+0\s+0/);
  });

  test('styletalk: a PoseGAN batch of 4 train windows and a PGFace batch of 8 pairs are finite', () => {
    const batch = poseBatch(dataset, manifest.windows.train.slice(0, 4));
    assert.is(batch.audio.length, 4 * 256 * 29 * 16);
    assert.ok(batch.audio.every(Number.isFinite) && batch.pose.every(Number.isFinite));
    const faces = faceBatch(dataset, facePairs(dataset, 'train').slice(0, 8));
    assert.ok(faces.face.every(Number.isFinite) && faces.audio.every(Number.isFinite));
    console.log(`  styletalk build: read ${report.seconds.read.toFixed(2)} s, build ${report.seconds.build.toFixed(2)} s, write ${report.seconds.write.toFixed(2)} s`);
    for (const line of logged.filter((l) => l.startsWith('clip '))) console.log(`  ${line}`);
  });

  test.after(() => removeFolders(out));
} else {
  test.skip('styletalk dataset build (shared data absent)', () => {});
}

test.run();
