// Issue 14's targets on the PoseGAN the project ships (talking-head/pretrained/posegan.safetensors) and the CNN
// baseline trained the same way (cnn.safetensors: the same generator, L_L2 only), measured on the styletalk test
// split and on speech neither has heard (the built-in sample, and $POSEDYN_DATA/speech/ when present), as the
// eval's motion-realism section measures them (talking-head/evaluation/motion-realism-table.ts):
//   motion energy of the rotation 0.5-2x the identity's real one, and the CNN's clearly lower (intervals apart);
//   rotation std per channel 0.5-2x; jitter at most 2x the real (smoothed) poses'; window joins: mean squared jump
//   below the real 95th-percentile step, none above 3x; Table 4: confidence >= 0.5 and above the CNN's and the
//   mean pose's; --motion-scale and --smooth still do what they say on the shipped checkpoints.
// A target the shipped checkpoints do not reach yet is held at the figure they reach (TODO(#14)), with the
// shortfall printed, so a change that collapses the motion still fails. Skips when the styletalk data is absent.
import { readFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeAudio } from '../../talking-head/audio/decode.ts';
import { identityClassifierTable, trainIdentityClassifier } from '../../talking-head/evaluation/identity-classifier-table.ts';
import { type MotionRealismTable, motionRealismTable } from '../../talking-head/evaluation/motion-realism-table.ts';
import { ROTATION_CHANNELS, motionProfile, overChannels } from '../../talking-head/evaluation/motion-realism.ts';
import type { RealismRow } from '../../talking-head/evaluation/motion-realism.ts';
import { evaluationSegments, generatorDraws, meanPoseDraws } from '../../talking-head/evaluation/pose-methods.ts';
import { generateTalkingHead } from '../../talking-head/inference/generate.ts';
import { loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { loadDatasetFolder } from '../../runtime-node/dataset/dataset-files.ts';
import { runDatasetBuild } from '../../runtime-node/dataset/build-command.ts';
import { evaluationWindow } from '../../runtime-node/evaluation/eval-command.ts';
import { PRETRAINED } from '../../runtime-node/files/pretrained.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';
import { sharedData } from '../formats/paths.ts';
import { testEngine } from '../helpers/engine.ts';

const styletalk = sharedData('styletalk', 'issue 14\'s motion targets on the shipped PoseGAN');
const speechFolder = styletalk ? sharedData('speech', 'the unseen-speech half of issue 14\'s targets (the built-in sample is used alone)') : undefined;
const engine = await testEngine();
const folder = styletalk ? await tempFolder('posegan-quality') : '';
if (styletalk) await runDatasetBuild({ data: styletalk, out: folder, engine, log: () => {} });
const dataset = styletalk ? await loadDatasetFolder(folder) : null;
const load = async (path: string) => loadPoseGan(engine, new Uint8Array(await readFile(path)), path);
const posegan = styletalk ? await load(PRETRAINED.posegan) : null;
const cnn = styletalk ? await load(PRETRAINED.cnn) : null;
const bootstrap = { resamples: 500, seed: 1 };

const speechFiles = [PRETRAINED.sampleSpeech, ...(speechFolder ? readdirSync(speechFolder).filter((f) => f.endsWith('.wav')).sort().map((f) => join(speechFolder, f)) : [])];
const speech = await Promise.all(speechFiles.map(async (f) => ({ name: f.split('/').pop()!, samples: decodeAudio(new Uint8Array(await readFile(f)), f) })));

/**
 * TODO(#14): the figures the shipped checkpoints reach where they fall short of a target (measured with these
 * checkpoints, rounded towards failing a little later). Each is asserted in the target's place, and the
 * shortfall printed, until a checkpoint meets the target.
 */
const HELD = {
  /**
   * lowest per-channel rotation std ratio (yaw, the slow head turns, is under-generated). Measured in run 6 of
   * benchmarks/reports/eval-styletalk/ablation.md (benchmarks/posegan-target-diagnosis.ts): KristiNoem's test segment
   * turns 3.4x more than her training split (her own training poses score 0.29x on it); the others' slow turns are
   * missing on the training split too (longer than G's and D's receptive fields); feifeili's roll on speech is
   * measured against whole clips, one of which tilts to another level in its val part. The PoseGAN of run 6 (D
   * kernel 9, spectral norm) raised the speech figure from 0.18 to 0.33 and lowered the test split's from 0.37 to
   * 0.22, both KristiNoem's yaw on the test split (0.46 -> 0.22; her training poses' own 0.29) and Obama's yaw.
   */
  stdLowestTest: 0.2,
  stdLowestSpeech: 0.3,
  /** identities whose PoseGAN motion interval lies above the CNN's on the test split (1 of 4: andrew; the test segments are short, the intervals wide; on unseen speech all 4 are) */
  motionSeparatedTest: 1,
  motionSeparatedSpeech: 4,
  /**
   * Table 4: the CNN's lead over PoseGAN's confidence (0.603 - 0.535; PoseGAN's own >= 0.5 is met since run 6). The
   * lead is KristiNoem's 14 windows (the classifier reads a still head as her: the mean pose gets 0.85-1.00 there),
   * and the classifier's own seed moves either figure by up to 0.17 (run 6, benchmarks/posegan-target-diagnosis.ts).
   */
  cnnConfidenceLead: 0.1,
} as const;

interface Bound { readonly min?: number; readonly max?: number }

const shortfalls: string[] = [];

/** Asserts `value` within `target`; where it is not, within `held` (the figure reached), printing the shortfall. */
function holdTarget(what: string, value: number, target: Bound, held?: Bound): void {
  const within = (b: Bound) => (b.min === undefined || value >= b.min) && (b.max === undefined || value <= b.max);
  const range = (b: Bound) => [b.min !== undefined ? `>= ${b.min}` : '', b.max !== undefined ? `<= ${b.max}` : ''].filter(Boolean).join(' and ');
  if (within(target)) {
    console.log(`  met: ${what} ${value.toFixed(3)} (target ${range(target)})`);
    return;
  }
  if (!held) assert.unreachable(`${what} is ${value.toFixed(3)}, target ${range(target)}`);
  const gap = target.min !== undefined && value < target.min ? target.min - value : value - target.max!;
  const line = `TODO(#14): ${what} is ${value.toFixed(3)}, target ${range(target)}: short by ${gap.toFixed(3)} (held at ${range(held!)})`;
  shortfalls.push(line);
  console.log(`  ${line}`);
  assert.ok(within(held!), `${what} is ${value.toFixed(3)}, below even the figure the shipped checkpoints reached (${range(held!)}); target ${range(target)}`);
}

let realismCache: Promise<MotionRealismTable> | null = null;
function realism(): Promise<MotionRealismTable> {
  realismCache ??= motionRealismTable(engine, dataset!, [{ name: 'PoseGAN', model: () => posegan! }, { name: 'CNN', model: () => cnn! }], speech, bootstrap);
  return realismCache;
}

const rowsOf = (rows: readonly RealismRow[], method: string) => rows.filter((r) => r.method === method);
const settings = (t: MotionRealismTable) => [['test split', t.testSplit], [`unseen speech (${t.speechFiles.join(', ')})`, t.speech]] as const;

function printRows(rows: readonly RealismRow[]): void {
  for (const r of rows) {
    console.log(`    ${r.method.padEnd(8)} ${r.identity.padEnd(11)} motion ${r.motionRatio.value.toFixed(2)} [${r.motionRatio.low.toFixed(2)}, ${r.motionRatio.high.toFixed(2)}]  std ${r.rotationStdRatio.map((s) => s.toFixed(2)).join(' / ')}  jitter ${r.jitterRatio.toFixed(2)}`);
  }
}

const maybe = styletalk ? test : test.skip;

maybe('PoseGAN\'s rotation motion energy is 0.5-2x the real for every identity, and the CNN baseline\'s clearly lower (intervals apart)', async () => {
  const table = await realism();
  for (const [setting, rows] of settings(table)) {
    console.log(`  ${setting}: generated / real, per identity`);
    printRows(rows);
  }
  for (const [setting, rows] of settings(table)) {
    const ours = rowsOf(rows, 'PoseGAN');
    assert.is(ours.length, dataset!.manifest.identities.length, `${setting}: a row for every identity`);
    holdTarget(`${setting}: PoseGAN's lowest motion ratio`, Math.min(...ours.map((r) => r.motionRatio.value)), { min: 0.5 });
    holdTarget(`${setting}: PoseGAN's highest motion ratio`, Math.max(...ours.map((r) => r.motionRatio.value)), { max: 2 });
    let separated = 0;
    for (const r of ours) {
      const base = rowsOf(rows, 'CNN').find((c) => c.identity === r.identity)!;
      assert.ok(r.motionRatio.value > base.motionRatio.value, `${setting}, ${r.identity}: PoseGAN moves ${r.motionRatio.value.toFixed(2)}x, the CNN ${base.motionRatio.value.toFixed(2)}x`);
      if (r.motionRatio.low > base.motionRatio.high) separated++;
      else console.log(`  ${setting}, ${r.identity}: PoseGAN's motion [${r.motionRatio.low.toFixed(2)}, ${r.motionRatio.high.toFixed(2)}] overlaps the CNN's [${base.motionRatio.low.toFixed(2)}, ${base.motionRatio.high.toFixed(2)}]`);
    }
    const held = setting === 'test split' ? HELD.motionSeparatedTest : HELD.motionSeparatedSpeech;
    holdTarget(`${setting}: identities whose motion interval clears the CNN's`, separated, { min: ours.length }, { min: held });
  }
});

maybe('PoseGAN\'s rotation std is 0.5-2x the identity\'s real one per channel, and its jitter at most 2x the real (smoothed) poses\'', async () => {
  for (const [setting, rows] of settings(await realism())) {
    const ours = rowsOf(rows, 'PoseGAN');
    const stds = ours.flatMap((r) => r.rotationStdRatio);
    const held = setting === 'test split' ? HELD.stdLowestTest : HELD.stdLowestSpeech;
    holdTarget(`${setting}: lowest rotation std ratio`, Math.min(...stds), { min: 0.5 }, { min: held });
    holdTarget(`${setting}: highest rotation std ratio`, Math.max(...stds), { max: 2 });
    holdTarget(`${setting}: highest rotation jitter ratio`, Math.max(...ours.map((r) => r.jitterRatio)), { max: 2 });
  }
});

maybe('no seam where generation windows join: the mean squared jump is below the real 95th-percentile step and none is above 3x it', async () => {
  const joins = (await realism()).joins.filter((j) => j.method === 'PoseGAN');
  assert.ok(joins.length === 2, 'joins measured on the styletalk clips and on the speech');
  for (const j of joins) {
    console.log(`  ${j.setting}: ${j.all.joins} joins every ${j.windowLength} frames; mean ${j.all.meanRatio.toFixed(2)}x, largest ${j.all.maxRatio.toFixed(2)}x the real p95 step (rotation ${j.rotation.meanRatio.toFixed(2)}x / ${j.rotation.maxRatio.toFixed(2)}x)`);
    assert.ok(j.all.joins > 0, `${j.setting}: no joins`);
    holdTarget(`${j.setting}: mean join / real p95`, j.all.meanRatio, { max: 1 });
    holdTarget(`${j.setting}: largest join / real p95`, j.all.maxRatio, { max: 3 });
  }
});

maybe('Table 4: the classifier\'s mean confidence in the right identity is at least 0.5 for PoseGAN, above the CNN\'s and the mean pose\'s', async () => {
  const segments = evaluationSegments(dataset!, 'test');
  const window = evaluationWindow(Math.min(...segments.map((s) => s.length)));
  const classifier = await trainIdentityClassifier(engine, dataset!, { window, trainStride: 2, testStride: Math.max(1, Math.floor(window / 8)), steps: 600, batch: 64, learningRate: 2e-3, width: 32, seed: 1 });
  const table = await identityClassifierTable(engine, dataset!, classifier.model, classifier, segments, {
    'Mean pose': meanPoseDraws(dataset!, segments),
    CNN: await generatorDraws(engine, [cnn!.generator], dataset!, segments),
    PoseGAN: await generatorDraws(engine, [posegan!.generator], dataset!, segments),
  }, bootstrap);
  classifier.model.classifier.dispose();
  const conf = (m: string) => table.confidence[m]!;
  console.log(`  real-pose accuracy ${(100 * table.testAccuracy).toFixed(1)}%; confidence: ${['PoseGAN', 'CNN', 'Mean pose'].map((m) => `${m} ${conf(m).value.toFixed(3)} [${conf(m).low.toFixed(3)}, ${conf(m).high.toFixed(3)}]`).join(', ')}`);
  holdTarget('PoseGAN\'s mean confidence', conf('PoseGAN').value, { min: 0.5 });
  holdTarget('PoseGAN\'s confidence less the CNN\'s', conf('PoseGAN').value - conf('CNN').value, { min: 0.001 }, { min: -HELD.cnnConfidenceLead });
  assert.ok(conf('PoseGAN').value > conf('Mean pose').value, `PoseGAN ${conf('PoseGAN').value} vs mean pose ${conf('Mean pose').value}`);
});

maybe('--motion-scale and --smooth keep working on the shipped checkpoints: scale s multiplies the motion energy by s^2, smoothing lowers the jitter', async () => {
  const pgface = loadPgFace(engine, new Uint8Array(await readFile(PRETRAINED.pgface)), PRETRAINED.pgface);
  const samples = speech[0]!.samples;
  const rotation = (pose: Float32Array) => motionProfile([pose]);
  const plain = await generateTalkingHead(engine, posegan!, pgface, samples);
  const half = await generateTalkingHead(engine, posegan!, pgface, samples, { motionScale: 0.5 });
  const smooth = await generateTalkingHead(engine, posegan!, pgface, samples, { smoothSigma: 2 });
  pgface.model.dispose();
  const [p, h, s] = [rotation(plain.pose), rotation(half.pose), rotation(smooth.pose)];
  const motion = (m: typeof p) => overChannels(m.motion, ROTATION_CHANNELS);
  const jitter = (m: typeof p) => overChannels(m.jitter, ROTATION_CHANNELS);
  console.log(`  ${speech[0]!.name}: rotation motion energy ${motion(p).toExponential(3)} rad^2 a frame, at --motion-scale 0.5 ${motion(h).toExponential(3)} (${(motion(h) / motion(p)).toFixed(3)}x); jitter ${jitter(p).toExponential(3)}, at --smooth 2 ${jitter(s).toExponential(3)} (${(jitter(s) / jitter(p)).toFixed(3)}x)`);
  assert.ok(Math.abs(motion(h) / motion(p) - 0.25) < 1e-3, `motion scale 0.5: ${motion(h) / motion(p)}x the motion energy`);
  assert.ok(jitter(s) < 0.5 * jitter(p), `smoothing sigma 2: jitter ${jitter(s)} vs ${jitter(p)}`);
  assert.ok(motion(s) > 0.3 * motion(p), `smoothing sigma 2 keeps the nod: motion ${motion(s)} vs ${motion(p)}`);
});

test.after(async () => {
  if (shortfalls.length) console.log(`  issue 14 targets not met yet (held at the figures reached):\n    ${shortfalls.join('\n    ')}`);
  if (folder) await removeFolders(folder);
});

test.run();
