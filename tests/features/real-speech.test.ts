// The front end on real speech: the styletalk clips in the shared data folder ($POSEDYN_DATA, by default
// the one beside the checkout). Skips with a message when the folder is absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeAudio } from '../../talking-head/audio/decode.ts';
import { computeAudioFeatures, computeFrameFeatures } from '../../talking-head/features/audio-features.ts';
import { audioFeaturesReference } from '../../talking-head/features/audio-features-reference.ts';
import { defaultFeatureConfig } from '../../talking-head/features/config.ts';
import { matVariable, matrixRowMajor, parseMat5 } from '../../talking-head/formats/mat5.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const styletalk = resolve(REPO_ROOT, process.env.POSEDYN_DATA ?? '../shared/data', 'styletalk');
const config = defaultFeatureConfig;
const F = config.features;
const VOICING = config.nMels + 1;
const LOG_F0 = config.nMels + 2;

if (!existsSync(styletalk)) {
  console.log(`  skipped: real-speech audio feature tests: ${styletalk} not found (set POSEDYN_DATA to the shared data folder)`);
  test.skip('real speech (styletalk) gives one feature frame per video frame', () => {});
} else {
  const engine = await testEngine();
  const load = (stem: string) => decodeAudio(new Uint8Array(readFileSync(resolve(styletalk, `${stem}.wav`))), `${stem}.wav`);

  test('Obama_clip1.wav gives 600 windows [600, 29, 16], one a row of its .mat; every clip within one frame', async () => {
    const windows = computeAudioFeatures(engine, load('Obama_clip1'), config);
    assert.equal([...windows.shape], [600, F, 16]);
    windows.dispose();
    for (const stem of ['Obama_clip2', 'andrew_clip_1', 'feifeili_clip3', 'KristiNoem']) {
      const mat = parseMat5(new Uint8Array(readFileSync(resolve(styletalk, `${stem}.mat`))), `${stem}.mat`);
      const rows = matrixRowMajor(matVariable(mat, 'coeff', `${stem}.mat`), `${stem}.mat`, 'coeff').rows;
      const features = computeFrameFeatures(engine, load(stem), config);
      assert.ok(Math.abs(features.shape[0]! - rows) <= 1, `${stem}: ${features.shape[0]} audio frames, ${rows} video frames`);
      features.dispose();
    }
  });

  test('on 5 s of Obama_clip1 the GPU matches the float64 reference (dB atol 1e-3; pitch decisions agree in >= 98% of frames)', async () => {
    const samples = load('Obama_clip1').subarray(0, 5 * 16000);
    const expected = audioFeaturesReference(samples, config);
    const got = await computeFrameFeatures(engine, samples, config).read();
    const db = (values: ArrayLike<number>) => Array.from({ length: expected.frames * (config.nMels + 1) }, (_, k) => values[Math.floor(k / (config.nMels + 1)) * F + (k % (config.nMels + 1))]!);
    assertClose(db(got), db(expected.values), { atol: 1e-3, rtol: 0 }, 'Obama_clip1 log-mel and log energy');
    // Near the voicing threshold or between two near-equal correlation peaks, float32 may decide differently.
    let agree = 0;
    for (let i = 0; i < expected.frames; i++) {
      const sameVoicing = Math.abs(got[i * F + VOICING]! - expected.values[i * F + VOICING]!) < 1e-3;
      const sameF0 = Math.abs(got[i * F + LOG_F0]! - expected.values[i * F + LOG_F0]!) < 1e-3;
      if (sameVoicing && sameF0) agree++;
    }
    assert.ok(agree >= 0.98 * expected.frames, `pitch agrees in ${agree} of ${expected.frames} frames`);
  });

  test('Obama speaks in a male pitch range: median voiced F0 85-180 Hz, 30-90% of frames voiced', async () => {
    const features = await computeFrameFeatures(engine, load('Obama_clip1'), config).read();
    const frames = features.length / F;
    const voiced: number[] = [];
    for (let i = 0; i < frames; i++) if (features[i * F + VOICING]! >= config.voicingThreshold) voiced.push(Math.exp(features[i * F + LOG_F0]!));
    voiced.sort((a, b) => a - b);
    const median = voiced[Math.floor(voiced.length / 2)]!;
    console.log(`  Obama_clip1: ${voiced.length} of ${frames} frames voiced, median F0 ${median.toFixed(1)} Hz`);
    assert.ok(voiced.length > 0.3 * frames && voiced.length < 0.9 * frames, `${voiced.length} of ${frames} frames voiced`);
    assert.ok(median > 85 && median < 180, `median F0 ${median} Hz`);
  });
}

test.run();
