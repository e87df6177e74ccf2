// The Gaussian temporal filter (Eq. 1) against its reference, its scatter-form gradient and finite differences
// (T = 1, T < m, m = 0, the largest window, poses [T, 6] along time, more than 65535 workgroups): declared in
// talking-head/ops/declarations/gaussian-filter.ts, checked by tests/ops/op-registry.test.ts. Here: what the
// filter does to signals, and the refused windows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { gaussianTemporalFilter } from '../../talking-head/ops/gaussian-filter.ts';
import { assertClose, F32_TOLERANCE } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { rng, uniform } from '../helpers/random.ts';

const engine = await testEngine();

test('a constant signal is unchanged, edges included', async () => {
  const T = 100;
  const x = tensor(engine, new Float32Array(2 * T).fill(3.25), [1, 2, T]);
  assertClose(await gaussianTemporalFilter(x, { sigma: 4 }).read(), new Float32Array(2 * T).fill(3.25), { atol: 1e-5, rtol: 1e-6 }, 'constant 3.25');
  x.dispose();
});

test('an impulse becomes the normalised kernel centred on the impulse (not shifted by a frame)', async () => {
  const T = 41;
  const at = 20;
  const sigma = 2.5;
  const m = Math.ceil(3 * sigma);
  const data = new Float32Array(T);
  data[at] = 1;
  const x = tensor(engine, data, [1, 1, T]);
  const y = await gaussianTemporalFilter(x, { sigma }).read();
  const F = (d: number) => Math.exp(-(d * d) / (2 * sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma);
  let norm = 0;
  for (let k = -m; k <= m; k++) norm += F(k);
  const expected = Array.from({ length: T }, (_, i) => (Math.abs(i - at) <= m ? F(i - at) / norm : 0));
  assertClose(y, expected, F32_TOLERANCE, 'impulse response');
  assert.is(y.indexOf(Math.max(...y)), at, 'the peak stays on the impulse frame');
  assert.ok(Math.abs(y.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'the response sums to 1');
  x.dispose();
});

test('white-noise jitter: mean squared first difference falls by more than 80x at sigma 2', async () => {
  // White noise of variance s^2 has first-difference energy 2 s^2; filtered by h it has s^2 sum_k (h_k - h_k-1)^2
  // ~ s^2 / (4 sqrt(pi) d^3) (the integral of the Gaussian's squared derivative). The ratio is about
  // 8 sqrt(pi) d^3 = 113 at d = 2; 80 leaves room for the finite sample.
  const T = 4096;
  const next = rng(42);
  const data = Float32Array.from({ length: T }, () => next() - 0.5);
  const x = tensor(engine, data, [1, 1, T]);
  const y = await gaussianTemporalFilter(x, { sigma: 2 }).read();
  const motion = (s: ArrayLike<number>) => {
    let e = 0;
    for (let i = 1; i < s.length; i++) e += (s[i]! - s[i - 1]!) ** 2;
    return e / (s.length - 1);
  };
  const ratio = motion(data) / motion(y);
  assert.ok(ratio > 80, `jitter energy fell by ${ratio.toFixed(1)}x, expected > 80x (about 113)`);
  x.dispose();
});

test('a half-window above 31 or a non-positive sigma is refused with the numbers', () => {
  const x = tensor(engine, uniform(10, 1), [1, 1, 10]);
  assert.throws(() => gaussianTemporalFilter(x, { sigma: 11 }), /half-window 33.*\[0, 31\]/);
  assert.throws(() => gaussianTemporalFilter(x, { sigma: 0 }), /sigma 0/);
  x.dispose();
});

test.run();
