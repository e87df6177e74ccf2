import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contextWindowsReference } from '../../talking-head/features/audio-features-reference.ts';
import { deepSpeechFeatureConfig } from '../../talking-head/features/config.ts';
import { precomputedAudioFeatures } from '../../talking-head/features/precomputed.ts';
import { parseNpy, writeNpy } from '../../talking-head/formats/npy.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

test('DeepSpeech windows N x 16 x 29 from .npy become [N, 29, 16] with out[i][f][c] = in[i][c][f]', async () => {
  const N = 7;
  const data = uniform(N * 16 * 29, 3);
  const npy = parseNpy(writeNpy(data, [N, 16, 29]), 'clip_deepspeech.npy');
  const windows = precomputedAudioFeatures(engine, npy, 'clip_deepspeech.npy', deepSpeechFeatureConfig);
  assert.equal([...windows.shape], [N, 29, 16]);
  const got = await windows.read();
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < 16; c++) {
      for (let f = 0; f < 29; f++) assert.is(got[(i * 29 + f) * 16 + c], data[(i * 16 + c) * 29 + f], `window ${i} column ${c} feature ${f}`);
    }
  }
  windows.dispose();
});

test('per-frame features N x 29 (float64) are windowed like the GPU front end, frame i in column 8', async () => {
  const N = 20;
  const data = Float64Array.from(uniform(N * 29, 4));
  const windows = precomputedAudioFeatures(engine, { shape: [N, 29], data }, 'features.npy');
  assert.equal([...windows.shape], [N, 29, 16]);
  assertClose(await windows.read(), contextWindowsReference(Float32Array.from(data), N, 29, 16, 8), { atol: 0, rtol: 0 }, 'per-frame windows');
  windows.dispose();
});

test('wrong shapes are rejected naming the source, the shape and the shapes expected', () => {
  const cases: [number[], RegExp][] = [
    [[10, 29, 16], /\[10,29,16\].*posedyn's internal layout/],
    [[10, 16, 26], /\[10,16,26\], expected \[N, 16, 29\] \(deepspeech-0\.1\.0 windows: frames x context x features\) or \[N, 29\]/],
    [[10, 30], /\[10,30\], expected \[N, 16, 29\]/],
    [[16, 29, 1, 1], /\[16,29,1,1\]/],
  ];
  for (const [shape, message] of cases) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    assert.throws(
      () => precomputedAudioFeatures(engine, { shape, data }, 'obama_ds.npy'),
      (e: Error) => e.message.startsWith('obama_ds.npy: audio features have shape') && message.test(e.message),
      `shape [${shape}]`,
    );
  }
  assert.throws(() => precomputedAudioFeatures(engine, { shape: [2, 29], data: new Int32Array(58), dtype: 'int32' }, 'ints.npy'), /ints\.npy: .*dtype int32/);
  assert.throws(() => precomputedAudioFeatures(engine, { shape: [2, 29], data: new Float32Array(58).fill(NaN) }, 'nan.npy'), /nan\.npy: .*NaN/);
});

test.run();
