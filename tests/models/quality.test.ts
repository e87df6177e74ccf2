// Issue 4's quality bar, measured on the styletalk test split with the checkpoints the project ships
// (talking-head/pretrained/, trained by the commands in its README). Skips when the shared data folder is absent.
// PGFace vs the fixed-identity baseline (Table 3) compares the networks personalised to each person (Sec. 5.1),
// on Eq. (7)'s lower-face weighted vertex distance and on the uniform one; the networks shared by every person
// are printed beside them (see talking-head/pretrained/README.md for why those differ). Vertices are decoded with
// the default face model (fitted to tracked faces, talking-head/face/fitted/), the one the networks were trained
// on. The lip-motion test (issue 13) reads the same generated faces: the mouth opening of every network against
// the real one, and against the speech's loudness.
import { readFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { distanceRow } from '../../talking-head/evaluation/method-scores.ts';
import { evaluationSegments, generatorDraws, nearestNeighbourDraws, randomPoseDraws, wholeClipPoses } from '../../talking-head/evaluation/pose-methods.ts';
import { windowBoundaryJumps } from '../../talking-head/evaluation/pose-distances.ts';
import { windowJoinFrames, windowSpacing } from '../../talking-head/inference/pose-windows.ts';
import { poseStatistics } from '../../talking-head/evaluation/pose-statistics.ts';
import { loadDatasetFolder } from '../../runtime-node/dataset/dataset-files.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { PRETRAINED, personalFacePath } from '../../runtime-node/files/pretrained.ts';
import { type FaceGenerations, faceMeasure, faceTable, generateFaces, tableThreeMethods } from '../../talking-head/evaluation/face-table.ts';
import { REAL_MOUTH, STILL_MOUTH, lipMotionTable } from '../../talking-head/evaluation/lip-motion-table.ts';
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import { MouthOpeningDecoder } from '../../talking-head/face/mouth-opening.ts';
import { loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { identityFaceIdMeans } from '../../talking-head/training/fixed-identity.ts';
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

// Whole clips generated as inference does (256-frame windows chained by their last pose), once for both tests.
let clipCache: Promise<{ generated: Float32Array[]; real: Float32Array[] }> | null = null;
function wholeClips(): Promise<{ generated: Float32Array[]; real: Float32Array[] }> {
  clipCache ??= generateWholeClips();
  return clipCache;
}

async function generateWholeClips(): Promise<{ generated: Float32Array[]; real: Float32Array[] }> {
  const generated: Float32Array[] = [];
  const real: Float32Array[] = [];
  for (const clip of dataset!.clips) {
    generated.push(await wholeClipPoses(engine, posegan!.generator, dataset!, clip.index, 'chained'));
    real.push(clip.normalised.pose);
  }
  return { generated, real };
}

maybe('generated poses keep at least half the real per-channel standard deviation (no collapse to a still head)', async () => {
  const { generated, real } = await wholeClips();
  const names = ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz'];
  const [ours, theirs] = [poseStatistics(generated), poseStatistics(real)];
  const ratios = names.map((_, c) => ours.std[c]! / theirs.std[c]!);
  console.log(`  std generated / real: ${names.map((n, c) => `${n} ${ratios[c]!.toFixed(2)}`).join(', ')}`);
  ratios.forEach((r, c) => assert.ok(r >= 0.5, `${names[c]}: generated std is ${r.toFixed(3)} of the real one`));
});

maybe('where generation windows join, the mean jump is no larger than the real 95th-percentile frame-to-frame motion', async () => {
  const { generated, real } = await wholeClips();
  const realMotion: number[] = [];
  for (const s of real) {
    for (let t = 1; t < s.length / 6; t++) {
      let m = 0;
      for (let c = 0; c < 6; c++) m += (s[t * 6 + c]! - s[(t - 1) * 6 + c]!) ** 2;
      realMotion.push(m / 6);
    }
  }
  realMotion.sort((a, b) => a - b);
  const p95 = realMotion[Math.floor(0.95 * (realMotion.length - 1))]!;
  // Every join pooled: the typical join must look like real motion. (The largest of ~13 joins is not the
  // measure: even joins drawn from the real motion itself would exceed its 95th percentile about half the time.)
  let sum = 0;
  let count = 0;
  let worst = 0;
  let above = 0;
  // Windows start every windowHop frames (T less the config's windowOverlap): the joins are there.
  const spacing = windowSpacing(posegan!.config);
  for (const s of generated) {
    const jumps = windowBoundaryJumps(s, spacing);
    sum += jumps.sum;
    count += jumps.count;
    if (jumps.count > 0) worst = Math.max(worst, jumps.sum / jumps.count);
    for (const b of windowJoinFrames(spacing, s.length / 6)) above += windowBoundaryJumps(s.subarray((b - 1) * 6, (b + 1) * 6), { hop: 1, overlap: 0 }).sum > p95 ? 1 : 0;
  }
  assert.ok(count > 0, 'no clip is longer than one window');
  console.log(`  window joins: ${count}, mean squared jump ${(sum / count).toExponential(3)} (worst clip ${worst.toExponential(3)}; ${above} joins above the real p95); real frame-to-frame motion p95 ${p95.toExponential(3)}`);
  assert.ok(sum / count <= p95, `window joins jump by ${sum / count} on average, above the real 95th percentile ${p95}`);
});

// The four face networks of Table 3 (shared and personalised PGFace and fixed-identity baseline), generated once
// on the test split for both face tests.
let faceCache: Promise<FaceGenerations> | null = null;
function shippedFaces(): Promise<FaceGenerations> {
  faceCache ??= generateShippedFaces();
  return faceCache;
}

async function generateShippedFaces(): Promise<FaceGenerations> {
  const load = async (path: string) => loadPgFace(engine, new Uint8Array(await readFile(path)), path).model;
  const names = dataset!.manifest.identities.map((e) => e.name);
  const personal = async (variant: string) => new Map(await Promise.all(names.map(async (n) => [n, await load(personalFacePath(PRETRAINED.personalFace, n, variant))] as const)));
  const [pgface, fixed, personalPg, personalFixed] = [await load(PRETRAINED.pgface), await load(PRETRAINED.fixedIdentityFace), await personal('pgface'), await personal('fixed-identity')];
  const methods = tableThreeMethods({ pgface, fixed }, { pgface: personalPg, fixed: personalFixed }, identityFaceIdMeans(dataset!));
  const generations = await generateFaces(engine, dataset!, methods, evaluationSegments(dataset!, 'test'));
  for (const m of [pgface, fixed, ...personalPg.values(), ...personalFixed.values()]) m.dispose();
  return generations;
}

const ci = (e: { value: number; low: number; high: number }, digits: number) => `${e.value.toFixed(digits)} [${e.low.toFixed(digits)}, ${e.high.toFixed(digits)}]`;

maybe('PGFace personalised to each person has a lower vertex L2 on the test split than the fixed-identity baseline personalised the same way (Eq. 7 and uniform)', async () => {
  const faceModel = defaultFaceModel();
  const { rows, differences } = faceTable(dataset!, await shippedFaces(), await faceMeasure(engine, faceModel), quiet, [['PGFace, personalised', 'Fixed identity, personalised']]);
  console.log(`  Table 3 with ${faceModel.name} (cm^2):`);
  for (const r of rows) {
    console.log(`  ${r.method.padEnd(30)} Eq. 7 shape ${r.shape.value.toFixed(3)}, Eq. 8 motion ${r.motion.value.toFixed(4)}; uniform: shape ${r.uniform.shape.value.toFixed(4)}, motion ${r.uniform.motion.value.toFixed(5)}`);
  }
  const d = differences[0]!;
  console.log(`  personalised PGFace - fixed identity, paired by segment: Eq. 7 shape ${ci(d.shape, 3)}, uniform shape ${ci(d.uniform.shape, 4)}`);
  const by = (name: string) => rows.find((r) => r.method === name)!;
  const [pg, fixedRow] = [by('PGFace, personalised'), by('Fixed identity, personalised')];
  assert.ok(pg.shape.value < fixedRow.shape.value, `Eq. 7: personalised PGFace ${pg.shape.value} vs fixed identity ${fixedRow.shape.value}`);
  assert.ok(pg.uniform.shape.value < fixedRow.uniform.shape.value, `uniform: personalised PGFace ${pg.uniform.shape.value} vs fixed identity ${fixedRow.uniform.shape.value}`);
  assert.ok(d.shape.high < 0 && d.uniform.shape.high < 0, 'the paired 95% intervals of the shape differences lie below 0');
});

maybe('lip motion: every face network\'s mouth opens and closes with the real one on the test split (r above the still mouth\'s 0, opening error below its), and does not close when speech gets loud', async () => {
  const table = lipMotionTable(dataset!, await shippedFaces(), new MouthOpeningDecoder(defaultFaceModel()), quiet, [['PGFace, personalised', 'Fixed identity, personalised']]);
  console.log(`  lip motion (${table.faceModel}, ${table.segments} test segments): r with the real opening, opening error (cm), amplitude, loudness r`);
  for (const r of table.rows) {
    console.log(`  ${r.method.padEnd(30)} r ${ci(r.correlation, 3)}, pooled ${r.pooledCorrelation.toFixed(3)}; error ${r.openingError.value.toFixed(3)}; amplitude ${r.amplitude.toFixed(2)}; loudness r ${ci(r.loudnessCorrelation!, 3)}`);
  }
  console.log(`  personalised PGFace - fixed identity, paired by segment: r ${ci(table.differences[0]!.correlation, 3)}`);
  const by = (name: string) => table.rows.find((r) => r.method === name)!;
  const [real, still] = [by(REAL_MOUTH), by(STILL_MOUTH)];
  assert.is(still.correlation.value, 0);
  for (const method of ['PGFace', 'Fixed identity', 'PGFace, personalised', 'Fixed identity, personalised']) {
    const row = by(method);
    assert.ok(row.correlation.low > 0, `${method}: r with the real opening ${ci(row.correlation, 3)}, its interval must lie above the still mouth's 0`);
    assert.ok(row.openingError.value < still.openingError.value, `${method}: opening error ${row.openingError.value} cm, the still mouth's ${still.openingError.value}`);
    assert.ok(row.amplitude > 0.2, `${method}: the generated opening moves ${row.amplitude.toFixed(2)} times as much as the real one`);
    // The real mouth's own correlation with loudness is weak and unresolved (frame by frame, loud is not
    // always open); a generated mouth must not fall below its interval (the procedural model's did: it closed
    // when speech got loud).
    assert.ok(row.loudnessCorrelation!.value >= real.loudnessCorrelation!.low, `${method}: loudness r ${row.loudnessCorrelation!.value}, below the real mouth's interval ${ci(real.loudnessCorrelation!, 3)}`);
  }
});

test.after(async () => {
  if (folder) await removeFolders(folder);
});

test.run();
