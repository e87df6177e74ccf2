// The audio encoder from per-frame features (AudioWindowEncoder.forwardFrames: its first layer once a frame, cut
// into windows by sequenceWindows) against the encoder on the context windows themselves, and PoseGAN's
// generation with and without it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { contextWindows } from '../../talking-head/features/audio-features.ts';
import { generateFaceSequence } from '../../talking-head/inference/generate.ts';
import { generatePoseSequence } from '../../talking-head/inference/pose-windows.ts';
import { AudioWindowEncoder } from '../../talking-head/nn/audio-window-encoder.ts';
import { defaultPgFaceConfig } from '../../talking-head/pgface/config.ts';
import { PgFace } from '../../talking-head/pgface/pgface.ts';
import { defaultPoseGanConfig } from '../../talking-head/posegan/config.ts';
import { PoseGenerator } from '../../talking-head/posegan/generator.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();
const TOLERANCE = { atol: 2e-5, rtol: 2e-4 };

function encoder(windowFrames: number, channels: [number, number], seed: number): AudioWindowEncoder {
  return new AudioWindowEncoder(engine, 'encoder', { featureCount: 29, windowFrames, channels, embedding: 16, leakySlope: 0.2 }, new InitRandom(seed));
}

async function both(e: AudioWindowEncoder, frames: number, centre: number, seed: number): Promise<[Float32Array, Float32Array]> {
  const perFrame = tensor(engine, uniform(frames * 29, seed, -2, 2), [frames, 29]);
  const [fromWindows, fromFrames] = engine.noGrad(() => engine.tidy(() => {
    const windows = contextWindows(perFrame, e.config.windowFrames, centre);
    return [engine.keep(e.forward(windows)), engine.keep(e.forwardFrames(perFrame, centre))];
  }));
  const out: [Float32Array, Float32Array] = [await fromWindows!.read(), await fromFrames!.read()];
  fromWindows!.dispose();
  fromFrames!.dispose();
  perFrame.dispose();
  return out;
}

test('forwardFrames gives forward of the context windows: inference\'s window and centre, sequences shorter than a window, odd sizes', async () => {
  const shipped = encoder(16, [16, 16], 1);
  for (const frames of [300, 17, 16, 9, 1]) {
    const [expected, actual] = await both(shipped, frames, 8, frames);
    assert.is(actual.length, frames * 16);
    assertClose(actual, expected, TOLERANCE, `${frames} frames, W 16, centre 8`);
  }
  // PGFace's wider encoder; a window of 5 with its centre at 2 and at 4 (the last column), a window of 2
  assertClose(...(await both(encoder(16, [32, 64], 2), 123, 8, 7)).reverse() as [Float32Array, Float32Array], TOLERANCE, 'channels 32-64');
  assertClose(...(await both(encoder(5, [16, 16], 3), 41, 2, 8)).reverse() as [Float32Array, Float32Array], TOLERANCE, 'W 5, centre 2');
  assertClose(...(await both(encoder(5, [16, 16], 3), 41, 4, 9)).reverse() as [Float32Array, Float32Array], TOLERANCE, 'W 5, centre 4');
  assertClose(...(await both(encoder(2, [8, 8], 4), 20, 1, 10)).reverse() as [Float32Array, Float32Array], TOLERANCE, 'W 2, centre 1');
});

test('a centre too close to the window\'s start for the symmetric padding: forwardFrames cuts the windows instead, same values', async () => {
  // W - 1 = 4 > 2 centre = 2: the last window's last column lies past the padding
  const [expected, actual] = await both(encoder(5, [16, 16], 5), 33, 1, 11);
  assertClose(actual, expected, TOLERANCE, 'W 5, centre 1');
});

test('PoseGAN generation from per-frame features gives the poses of generation from the windows (60 s, end window; a short clip)', async () => {
  const generator = new PoseGenerator(engine, defaultPoseGanConfig(29), new InitRandom(3)).train(false);
  for (const frames of [1800, 50]) {
    const perFrame = tensor(engine, uniform(frames * 29, frames, -2, 2), [frames, 29]);
    const windows = contextWindows(perFrame, 16, 8);
    const initial = tensor(engine, [0.1, -0.2, 0.05, 0, 0.3, -0.1], [1, 6]);
    const run = (withFeatures: boolean) => engine.noGrad(() => engine.tidy(() => generatePoseSequence(generator, windows, initial, withFeatures ? { features: { perFrame, centre: 8 } } : {})));
    const [plain, fast] = [run(false), run(true)];
    const [expected, actual] = [await plain.read(), await fast.read()];
    assert.is(actual.length, frames * 6);
    assertClose(actual, expected, { atol: 1e-4, rtol: 1e-3 }, `${frames} frames`);
    for (const t of [plain, fast, perFrame, windows, initial]) t.dispose();
  }
  generator.dispose();
});

test('PGFace in chunks from per-frame features gives its coefficients from the windows (chunks meeting inside the clip, a last short chunk)', async () => {
  const face = new PgFace(engine, defaultPgFaceConfig(29), new InitRandom(4)).train(false);
  const frames = 301;
  const perFrame = tensor(engine, uniform(frames * 29, 12, -2, 2), [frames, 29]);
  const windows = contextWindows(perFrame, 16, 8);
  const poses = tensor(engine, uniform(frames * 6, 13), [frames, 6]);
  for (const chunk of [1024, 100, 7]) {
    const [plain, fast] = [false, true].map((withFeatures) => engine.noGrad(() => engine.tidy(() => generateFaceSequence(face, windows, poses, chunk, withFeatures ? { perFrame, centre: 8 } : undefined))));
    const [expected, actual] = [await plain!.read(), await fast!.read()];
    assert.is(actual.length, frames * 144);
    assertClose(actual, expected, { atol: 1e-4, rtol: 1e-3 }, `chunks of ${chunk}`);
    plain!.dispose();
    fast!.dispose();
  }
  face.dispose();
});

test('generatePoseWindows refuses features that are not the windows\' frames', () => {
  const generator = new PoseGenerator(engine, defaultPoseGanConfig(29), new InitRandom(3)).train(false);
  const perFrame = tensor(engine, uniform(40 * 29, 1), [40, 29]);
  const windows = contextWindows(perFrame, 16, 8);
  const wrong = tensor(engine, uniform(39 * 29, 1), [39, 29]);
  assert.throws(() => generatePoseSequence(generator, windows, tensor(engine, new Float32Array(6), [1, 6]), { features: { perFrame: wrong, centre: 8 } }), /features\.perFrame has shape \[39, 29\]; expected the 40 frames/);
  generator.dispose();
});

test.run();
