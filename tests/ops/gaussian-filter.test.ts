import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backward } from '../../core/autograd.ts';
import { parameter, tensor } from '../../core/creation.ts';
import { gaussianTemporalFilter, smoothPoseSequence } from '../../talking-head/ops/gaussian-filter.ts';
import { gaussianFilterReference } from '../../talking-head/reference/gaussian-filter.ts';
import { MAX_WORKGROUPS_PER_DIMENSION } from '../../core/kernels/launch.ts';
import { assertClose, F32_TOLERANCE } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { rng, uniform } from '../helpers/random.ts';

const engine = await testEngine();

// [B, C, T], sigma, m (undefined: the default ceil(3 sigma)).
const CASES: [number, number, number, number, number | undefined][] = [
  [1, 1, 1, 2, undefined], // T = 1: every tap clamps onto the one sample
  [2, 3, 4, 2, undefined], // T = 4 < m = 6
  [1, 6, 255, 1.5, undefined],
  [3, 1, 257, 3, undefined],
  [2, 6, 256, 0.7, 0], // m = 0: identity
  [1, 2, 40, 10, 31], // the largest window
];

test('forward matches the float64 reference for T = 1, T < m, T = 255, 257 and C = 1, 6', async () => {
  for (const [B, C, T, sigma, m] of CASES) {
    const data = uniform(B * C * T, B * 1000 + C * 100 + T);
    const x = tensor(engine, data, [B, C, T]);
    const y = gaussianTemporalFilter(x, { sigma, halfWindow: m });
    assert.equal([...y.shape], [B, C, T]);
    assertClose(await y.read(), gaussianFilterReference(data, B * C, T, 1, sigma, m), F32_TOLERANCE, `filter [${B},${C},${T}] sigma ${sigma} m ${m}`);
    x.dispose();
    y.dispose();
  }
});

test('poses [T, 6] are filtered along time (axis 0), channels kept apart', async () => {
  for (const T of [1, 5, 257]) {
    const data = uniform(T * 6, T);
    const poses = tensor(engine, data, [T, 6]);
    const smooth = smoothPoseSequence(poses, 2);
    assertClose(await smooth.read(), gaussianFilterReference(data, 1, T, 6, 2), F32_TOLERANCE, `poses [${T},6]`);
    poses.dispose();
    smooth.dispose();
  }
  const middle = tensor(engine, uniform(2 * 33 * 5, 9), [2, 33, 5]);
  assertClose(await gaussianTemporalFilter(middle, { sigma: 1.2, axis: 1 }).read(), gaussianFilterReference(await middle.read(), 2, 33, 5, 1.2), F32_TOLERANCE, 'axis 1 of [2,33,5]');
  middle.dispose();
});

test('backward (the transposed filter, edge taps piling onto the first and last samples) matches finite differences', async () => {
  for (const [B, C, T, sigma, m] of [[1, 2, 9, 1.5, undefined], [2, 1, 3, 2, 5], [1, 1, 1, 1, 3], [1, 3, 30, 0.8, 2]] as const) {
    const shape = [B, C, T];
    await gradCheck(engine, {
      name: `gaussian filter [${shape}] sigma ${sigma} m ${m}`,
      inputs: [{ shape, data: uniform(B * C * T, T + 17) }],
      gpu: ([x]) => gaussianTemporalFilter(x!, { sigma, halfWindow: m }),
      reference: ([x]) => gaussianFilterReference(x!, B * C, T, 1, sigma, m),
      samples: 30,
    });
  }
  await gradCheck(engine, {
    name: 'pose filter [7, 6] along axis 0',
    inputs: [{ shape: [7, 6], data: uniform(42, 5) }],
    gpu: ([x]) => smoothPoseSequence(x!, 1.5),
    reference: ([x]) => gaussianFilterReference(x!, 1, 7, 6, 1.5),
    samples: 42,
  });
});

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

test('a grid of more than 65535 workgroups (64 threads each) filters every element, forward and backward', async () => {
  const rows = 4;
  const T = Math.ceil((MAX_WORKGROUPS_PER_DIMENSION * 64 + 1000) / rows);
  const sigma = 1;
  const data = uniform(rows * T, 3);
  const dyData = uniform(rows * T, 4);
  const x = parameter(engine, data, [1, rows, T], 'x');
  const dy = tensor(engine, dyData, [1, rows, T]);
  engine.tidy(() => backward(gaussianTemporalFilter(x, { sigma }), dy));
  const y = gaussianTemporalFilter(x, { sigma });
  assertClose(await y.read(), gaussianFilterReference(data, rows, T, 1, sigma), F32_TOLERANCE, `forward [1,${rows},${T}]`);
  // The transposed filter written as the scatter it is: each output's taps send w_j dy(i) to clamp(i + j).
  const w = gaussianFilterReference([0, 0, 0, 1, 0, 0, 0], 1, 7, 1, sigma);
  const dx = new Float64Array(rows * T);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < T; i++) {
      for (let j = -3; j <= 3; j++) dx[r * T + Math.min(Math.max(i + j, 0), T - 1)]! += w[3 + j]! * dyData[r * T + i]!;
    }
  }
  assertClose(await x.grad!.read(), dx, F32_TOLERANCE, `backward [1,${rows},${T}]`);
  for (const t of [x.grad!, x, y, dy]) t.dispose();
});

test('a half-window above 31 or a non-positive sigma is refused with the numbers', () => {
  const x = tensor(engine, uniform(10, 1), [1, 1, 10]);
  assert.throws(() => gaussianTemporalFilter(x, { sigma: 11 }), /half-window 33.*\[0, 31\]/);
  assert.throws(() => gaussianTemporalFilter(x, { sigma: 0 }), /sigma 0/);
  x.dispose();
});

test.run();
