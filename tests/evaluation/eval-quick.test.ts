// `posedyn eval --quick` end to end on the tiny synthetic dataset: every table, the JSON report and the
// figures are written (runtime-node/evaluation/eval-command.ts). The numbers of a quick run mean nothing;
// only their presence and shape are checked.
import { readFile, readdir } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runEval } from '../../runtime-node/evaluation/eval-command.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';
import { testEngine } from '../helpers/engine.ts';
import { join, tinyDataset } from '../models/tiny-setup.ts';

const engine = await testEngine();
const { folder: dataset, clips } = await tinyDataset(engine);
const out = await tempFolder('eval');

/** 12 s of a gliding tone with a syllable-rate envelope at 16 kHz: speech the models have never heard. */
function syntheticSpeech(): Float32Array {
  const samples = new Float32Array(16000 * 12);
  for (let i = 0; i < samples.length; i++) {
    const t = i / 16000;
    samples[i] = 0.3 * Math.sin(2 * Math.PI * (140 + 30 * Math.sin(2 * Math.PI * 0.5 * t)) * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t));
  }
  return samples;
}

test('eval --quick writes report.md with every table, report.json and PNG figures', async () => {
  await runEval({
    dataset, out, quick: true, data: clips, checkpoints: {}, faceModel: 'default', reuseTrained: false,
    speech: [{ name: 'synthetic.wav', samples: syntheticSpeech() }],
    command: 'posedyn eval --quick (test)', engine, log: () => {},
  });
  const markdown = await readFile(join(out, 'report.md'), 'utf8');
  for (const heading of [
    '## Table 2: head-pose distance to ground truth', '## Table 4: head-pose identity classifier', '## Table 1: audio-pose correlation check',
    '## Table 3: face shape and motion', '## Lip motion', '## Motion realism', '**Unseen speech** (synthetic.wav)', '**Window joins**', '### No motion loss', '### No initial pose',
    '## Personalisation (leave one identity out)', '## Figures',
  ]) assert.ok(markdown.includes(heading), `report.md lacks '${heading}'`);
  assert.ok(markdown.includes('**Quick run**'), 'a quick run says so');
  for (const method of ['Mean pose', 'Random', 'Nearest neighbour', 'CNN', 'PoseGAN', 'PoseGAN, personalised']) assert.ok(markdown.includes(`| ${method} |`), `Table 2 row ${method}`);

  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
  assert.is(report.quick, true);
  assert.equal(report.poseDistance.rows.map((r: { method: string }) => r.method), ['Mean pose', 'Random', 'Nearest neighbour', 'CNN', 'PoseGAN', 'PoseGAN, personalised']);
  for (const row of report.poseDistance.rows) assert.ok(Number.isFinite(row.pose.value) && row.pose.low <= row.pose.value && row.pose.value <= row.pose.high, `${row.method} pose estimate`);
  assert.ok(report.classifier.testAccuracy >= 0 && report.classifier.testAccuracy <= 1);
  assert.equal(Object.keys(report.classifier.confidence).sort(), ['CNN', 'Mean pose', 'Nearest neighbour', 'PoseGAN', 'PoseGAN, personalised', 'Random', 'Real']);
  const realism = report.motionRealism;
  assert.equal(realism.speechFiles, ['synthetic.wav']);
  for (const rows of [realism.testSplit, realism.speech]) {
    assert.equal([...new Set(rows.map((r: { method: string }) => r.method))], ['PoseGAN', 'PoseGAN, personalised', 'CNN']);
    for (const r of rows) assert.ok(Number.isFinite(r.motionRatio.value) && r.rotationStdRatio.length === 3 && Number.isFinite(r.jitterRatio), `${r.method} ${r.identity} realism`);
  }
  assert.equal(realism.joins.map((j: { method: string; setting: string }) => `${j.method}: ${j.setting}`), [
    'PoseGAN: styletalk clips', 'PoseGAN: unseen speech', 'PoseGAN, personalised: styletalk clips', 'PoseGAN, personalised: unseen speech', 'CNN: styletalk clips', 'CNN: unseen speech',
  ]);
  assert.ok(report.correlation.acceptance.Real.value >= 0 && 'Random' in report.correlation.acceptance);
  assert.equal(report.face.rows.map((r: { method: string }) => r.method), ['Fixed identity', 'PGFace', 'Fixed identity, personalised', 'PGFace, personalised']);
  for (const row of report.face.rows) {
    for (const e of [row.shape, row.motion, row.uniform.shape, row.uniform.motion]) assert.ok(Number.isFinite(e.value) && e.low <= e.value && e.value <= e.high, `${row.method} face estimate`);
    assert.ok(row.shape.value > row.uniform.shape.value, `${row.method}: the lower-face weight 10 makes Eq. 7 exceed the uniform distance`);
  }
  assert.equal(report.face.differences.map((d: { method: string; baseline: string }) => [d.method, d.baseline]), [['PGFace, personalised', 'Fixed identity, personalised'], ['PGFace', 'Fixed identity']]);
  for (const d of report.face.differences) assert.ok(d.shape.low <= d.shape.value && d.shape.value <= d.shape.high, 'paired difference estimate');
  assert.is(report.lipMotion.faceModel, 'fitted-face(styletalk)');
  assert.equal(report.lipMotion.rows.map((r: { method: string }) => r.method), ['Real', 'Fixed identity', 'PGFace', 'Fixed identity, personalised', 'PGFace, personalised', 'Still mouth']);
  for (const row of report.lipMotion.rows) {
    for (const e of [row.correlation, row.openingError, row.loudnessCorrelation]) assert.ok(Number.isFinite(e.value) && e.low <= e.value && e.value <= e.high, `${row.method} lip-motion estimate`);
    assert.ok(row.correlation.value >= -1 && row.correlation.value <= 1 && row.amplitude >= 0);
  }
  const [real, still] = [report.lipMotion.rows[0], report.lipMotion.rows.at(-1)];
  assert.ok(real.correlation.value > 0.999 && real.openingError.value === 0 && Math.abs(real.amplitude - 1) < 1e-9, 'the real mouth against itself');
  assert.ok(still.correlation.value === 0 && still.amplitude < 1e-6, `a still mouth correlates with nothing and does not move: r ${still.correlation.value}, amplitude ${still.amplitude}`);
  assert.ok(markdown.includes('| Still mouth |'), 'the lip-motion table has the still mouth');
  const personal = report.models.filter((m: { name: string }) => m.name.includes('personalised to'));
  assert.equal(personal.map((m: { name: string }) => m.name).sort(), [
    'fixed-identity, personalised to alice', 'fixed-identity, personalised to bob', 'pgface, personalised to alice', 'pgface, personalised to bob',
    'posegan, personalised to alice', 'posegan, personalised to bob',
  ]);
  assert.ok(report.ablations.windowJoin.boundaries > 0, 'tiny clips are longer than one window');
  assert.ok(Number.isFinite(report.ablations.noMotion.row.jitter.value));
  assert.is(report.personalisation.holdout, 'alice');
  assert.equal(report.personalisation.pretrainIdentities, ['bob']);
  assert.ok(Number.isFinite(report.personalisation.finetuned.confidence.value));

  const figures = await readdir(join(out, 'figures'));
  assert.equal(report.figures.length, figures.length);
  for (const channel of ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz']) assert.ok(figures.includes(`test-clip-${channel}.png`), `figure of ${channel}`);
  for (const channel of ['pitch', 'yaw', 'roll']) assert.ok(figures.includes(`unseen-speech-${channel}.png`), `unseen-speech figure of ${channel}`);
  for (const file of figures) {
    const png = await readFile(join(out, 'figures', file));
    assert.equal([...png.subarray(1, 4)], [...Buffer.from('PNG')], `${file} is a PNG`);
    assert.ok(markdown.includes(`(figures/${file})`), `report.md shows ${file}`);
  }
});

test.after(async () => removeFolders(dataset, clips, out));

test.run();
