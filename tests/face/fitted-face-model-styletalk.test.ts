// The shipped fitted face model on the styletalk test split, measured afresh: the test frames of every clip of
// $POSEDYN_DATA/styletalk-video/ (the shared data folder) are tracked here (`posedyn track`'s pipeline: ffmpeg, MediaPipe in headless
// Chromium; the 15 frames before each test segment are tracked and dropped), and the same frames'
// Deep3DFaceRecon coefficients from $POSEDYN_DATA/styletalk/ are decoded with the fitted and with the
// procedural model. The bar: the decoded inner-lip gap (vertices 13-14) correlates with the tracked one
// at r >= 0.75 for every identity (its test frames pooled), and the decoded faces' mean landmark distance is
// reported beside the procedural model's (and must be lower). The model was fitted on the training split
// only (its provenance says so; fitted-face-model.test.ts checks it). A plot of decoded against tracked gap for
// one test clip goes to tests/output/face/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fittedFaceModel } from '../../talking-head/face/fitted-face-model.ts';
import { landmarkAgreement, mouthOpenings } from '../../talking-head/face/fitted/landmark-agreement.ts';
import { alignedSplit } from '../../talking-head/face/fitted/tracked-coefficient-clips.ts';
import { MouthOpeningDecoder } from '../../talking-head/face/mouth-opening.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { readCoefficientClips, trackCoefficientClips } from '../../runtime-node/face/coefficient-clips.ts';
import { lineChartPng } from '../../runtime-node/plots/line-chart.ts';
import { CHROMIUM } from '../../runtime-node/tracking/chromium-tracker.ts';
import { REPO_ROOT, sharedData } from '../formats/paths.ts';

const MIN_R = 0.75;
const OUTPUT = join(REPO_ROOT, 'tests/output/face');
const PLOTTED = 'Obama_clip2';

const coefficients = sharedData('styletalk', 'the fitted face model on the styletalk test split');
const videos = sharedData('styletalk-video', 'the fitted face model on the styletalk test split');
const hasFfmpeg = spawnSync('ffprobe', ['-version'], { stdio: 'ignore' }).status === 0;

if (!coefficients || !videos || !hasFfmpeg || !existsSync(CHROMIUM)) {
  test.skip(`fitted face model on styletalk: needs ../shared/data/styletalk and styletalk-video, ffmpeg and ${CHROMIUM} (./setup.sh installs both)`, () => undefined);
} else {
  const started = performance.now();
  const clips = await trackCoefficientClips(await readCoefficientClips(coefficients), { videos, split: 'test' });
  const tracked = clips.reduce((n, c) => n + c.landmarks.length / 1404, 0);
  console.log(`  tracked ${tracked} frames (the test segments of ${clips.length} clips, with warm-up) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const segments = clips.map((c) => alignedSplit(c, 'test'));
  const fitted = landmarkAgreement(fittedFaceModel(), segments);
  const procedural = landmarkAgreement(proceduralFaceModel(), segments);
  console.log(`  test split, ${fitted.frames} frames: mean landmark distance decoded vs tracked ${fitted.meanDistance.toFixed(4)} cm (fitted) vs ${procedural.meanDistance.toFixed(4)} cm (procedural)`);
  fitted.identities.forEach((f, i) => {
    const p = procedural.identities[i]!;
    console.log(`    ${f.identity.padEnd(11)} ${String(f.frames).padStart(4)} frames: inner-lip gap r ${f.mouthR.toFixed(3)} (procedural ${p.mouthR.toFixed(3)}), landmark distance ${f.meanDistance.toFixed(4)} cm (procedural ${p.meanDistance.toFixed(4)})`);
  });

  test(`the decoded inner-lip gap follows the tracked mouth opening at r >= ${MIN_R} for every identity (test split)`, () => {
    assert.equal(fitted.identities.map((i) => i.identity), ['KristiNoem', 'Obama', 'andrew', 'feifeili']);
    const failures = fitted.identities.filter((i) => !(i.mouthR >= MIN_R)).map((i) => `${i.identity}: r ${i.mouthR.toFixed(3)}`);
    assert.equal(failures, []);
  });

  test('the fitted model decodes the coefficients closer to the tracked faces than the procedural model, for every identity', () => {
    assert.ok(fitted.meanDistance < procedural.meanDistance, `${fitted.meanDistance} vs ${procedural.meanDistance}`);
    fitted.identities.forEach((f, i) => assert.ok(f.meanDistance < procedural.identities[i]!.meanDistance, `${f.identity}: ${f.meanDistance} vs ${procedural.identities[i]!.meanDistance}`));
  });

  test(`plot: decoded and tracked inner-lip gap over ${PLOTTED}'s test frames`, async () => {
    const segment = segments.find((s) => s.clip === PLOTTED)!;
    const series = [
      { name: 'tracked (MediaPipe landmarks 13-14)', model: null },
      { name: 'fitted model, the .mat coefficients decoded', model: fittedFaceModel() },
      { name: 'procedural model, the same coefficients', model: proceduralFaceModel() },
    ].map(({ name, model }) => {
      const openings = model ? mouthOpenings(new MouthOpeningDecoder(model), segment).decoded : mouthOpenings(new MouthOpeningDecoder(fittedFaceModel()), segment).tracked;
      return { name, points: Array.from(openings, (y, x) => ({ x, y })) };
    });
    mkdirSync(OUTPUT, { recursive: true });
    const file = join(OUTPUT, `lip-gap-${PLOTTED}.png`);
    writeFileSync(file, await lineChartPng(series, { title: `${PLOTTED}, test frames: inner-lip gap`, xLabel: 'test frame (30 fps)', yLabel: 'cm', width: 900, height: 320 }));
    assert.ok(existsSync(file));
  });
}

test.run();
