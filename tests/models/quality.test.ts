// Issue 4's quality bar, measured on the styletalk test split with the checkpoints the project ships
// (models/pretrained/, trained by the commands in its README). Skips when ../shared/data is absent.
// Two more criteria of issue 4 are not met by the shipped checkpoints yet and are reported, not asserted:
// the jump where generation windows join, and PGFace against the fixed-identity baseline (Table 3); see
// `posedyn eval` and models/pretrained/README.md for their numbers.
import { readFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPoseGan } from '../../models/inference/load-models.ts';
import { distanceRow } from '../../models/evaluation/method-scores.ts';
import { evaluationSegments, generatorDraws, nearestNeighbourDraws, randomPoseDraws, wholeClipPoses } from '../../models/evaluation/pose-methods.ts';
import { loadDatasetFolder } from '../../runtime-node/dataset/dataset-files.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { PRETRAINED } from '../../runtime-node/generate/generate-command.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';
import { sharedData } from '../formats/paths.ts';
import { testEngine } from '../helpers/engine.ts';

const styletalk = sharedData('styletalk', 'quality of the shipped checkpoints on the styletalk test split');
const engine = await testEngine();
const folder = styletalk ? await tempFolder('quality') : '';
if (styletalk) await runDatasetBuild({ data: styletalk, out: folder, engine, log: () => {} });
const dataset = styletalk ? await loadDatasetFolder(folder) : null;
const posegan = styletalk ? loadPoseGan(engine, new Uint8Array(await readFile(PRETRAINED.posegan)), PRETRAINED.posegan) : null;
const quiet = { resamples: 200, seed: 1 };

const maybe = styletalk ? test : test.skip;

maybe('PoseGAN\'s L2 pose distance on the test split is below the Random and Nearest-neighbour baselines', async () => {
  const segments = evaluationSegments(dataset!, 'test');
  const generated = distanceRow('PoseGAN', segments, await generatorDraws(engine, [posegan!.generator], dataset!, segments), quiet);
  const random = distanceRow('Random', segments, randomPoseDraws(dataset!, segments, 10, 7), quiet);
  const nearest = distanceRow('Nearest neighbour', segments, nearestNeighbourDraws(dataset!, segments), quiet);
  console.log(`  test-split pose L2 (normalised units^2 a frame and channel): PoseGAN ${generated.pose.value.toFixed(4)}, Random ${random.pose.value.toFixed(4)}, NN ${nearest.pose.value.toFixed(4)}`);
  assert.ok(generated.pose.value < random.pose.value, `PoseGAN ${generated.pose.value} vs Random ${random.pose.value}`);
  assert.ok(generated.pose.value < nearest.pose.value, `PoseGAN ${generated.pose.value} vs NN ${nearest.pose.value}`);
});

// Whole test clips generated as inference does: 256-frame windows chained by their last pose.
async function wholeClips(): Promise<{ generated: Float32Array[]; real: Float32Array[] }> {
  const generated: Float32Array[] = [];
  const real: Float32Array[] = [];
  for (const clip of dataset!.clips) {
    generated.push(await wholeClipPoses(engine, posegan!.generator, dataset!, clip.index, 'chained'));
    real.push(clip.normalised.pose);
  }
  return { generated, real };
}

function channelStd(sequences: readonly Float32Array[], channel: number): number {
  let sum = 0, sumSq = 0, n = 0;
  for (const s of sequences) for (let i = channel; i < s.length; i += 6) { sum += s[i]!; sumSq += s[i]! ** 2; n++; }
  return Math.sqrt(Math.max(0, sumSq / n - (sum / n) ** 2));
}

maybe('generated poses keep at least half the real per-channel standard deviation (no collapse to a still head)', async () => {
  const { generated, real } = await wholeClips();
  const names = ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz'];
  const ratios = names.map((_, c) => channelStd(generated, c) / channelStd(real, c));
  console.log(`  std generated / real: ${names.map((n, c) => `${n} ${ratios[c]!.toFixed(2)}`).join(', ')}`);
  ratios.forEach((r, c) => assert.ok(r >= 0.5, `${names[c]}: generated std is ${r.toFixed(3)} of the real one`));
});

test.after(async () => {
  if (folder) await removeFolders(folder);
});

test.run();
