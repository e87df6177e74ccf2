import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_CHANNELS, ROTATION_CHANNELS, motionEnergyEstimate, motionProfile, realismRow, windowJoins } from '../../talking-head/evaluation/motion-realism.ts';

/** [T, 6]: channel c = amplitude_c sin(2 pi f t / 30) + offset_c. */
function sinusoids(frames: number, amplitudes: number[], hertz: number, offset = 0): Float32Array {
  const out = new Float32Array(frames * 6);
  for (let t = 0; t < frames; t++) for (let c = 0; c < 6; c++) out[t * 6 + c] = amplitudes[c]! * Math.sin((2 * Math.PI * hertz * t) / 30) + offset;
  return out;
}

test('motion profile of a 1 Hz sinusoid: std A/sqrt 2, motion energy (2 sin(pi f/30))^2 A^2/2, jitter (2 sin(pi f/30))^4 A^2/2', () => {
  const a = [1, 2, 0.5, 0, 0, 0];
  const p = motionProfile([sinusoids(300, a, 1)]);
  const w = 2 * Math.sin(Math.PI / 30);
  for (const c of [0, 1, 2]) {
    assert.ok(Math.abs(p.std[c]! - a[c]! / Math.SQRT2) < 1e-3 * a[c]!, `std ${c}: ${p.std[c]}`);
    assert.ok(Math.abs(p.motion[c]! - (w * w * a[c]! ** 2) / 2) < 2e-2 * p.motion[c]!, `motion ${c}: ${p.motion[c]}`);
    assert.ok(Math.abs(p.jitter[c]! - (w ** 4 * a[c]! ** 2) / 2) < 2e-2 * p.jitter[c]!, `jitter ${c}: ${p.jitter[c]}`);
  }
  assert.is(p.std[3], 0);
});

test('std is within sequences: two still sequences at different poses have std 0', () => {
  const p = motionProfile([sinusoids(50, [0, 0, 0, 0, 0, 0], 1, -3), sinusoids(50, [0, 0, 0, 0, 0, 0], 1, 5)]);
  p.std.forEach((s, c) => assert.ok(s < 1e-12, `channel ${c}: ${s}`));
});

test('realism ratios: a copy of the real poses scores 1; the same motion at half the amplitude 0.25 in energy, 0.5 in std', () => {
  const real = [sinusoids(200, [1, 1, 1, 1, 1, 1], 0.7), sinusoids(150, [0.5, 2, 1, 1, 1, 1], 1.3)];
  const same = realismRow('x', 'copy', real, real, { resamples: 200 });
  assert.ok(Math.abs(same.motionRatio.value - 1) < 1e-9 && Math.abs(same.jitterRatio - 1) < 1e-9);
  same.rotationStdRatio.forEach((r) => assert.ok(Math.abs(r - 1) < 1e-9));
  const half = realismRow('x', 'half', real.map((s) => s.map((v) => v / 2)), real, { resamples: 200 });
  assert.ok(Math.abs(half.motionRatio.value - 0.25) < 1e-6, `motion ${half.motionRatio.value}`);
  half.rotationStdRatio.forEach((r) => assert.ok(Math.abs(r - 0.5) < 1e-6, `std ${r}`));
  assert.ok(half.motionRatio.low <= half.motionRatio.value && half.motionRatio.value <= half.motionRatio.high);
});

test('the rotation motion energy ignores the translation channels; all six counts them', () => {
  const rotationStill = sinusoids(100, [0, 0, 0, 1, 1, 1], 2);
  assert.is(motionEnergyEstimate([rotationStill], ROTATION_CHANNELS, {}).value, 0);
  assert.ok(motionEnergyEstimate([rotationStill], ALL_CHANNELS, {}).value > 0);
});

test('window joins: a jump at the boundary of a still sequence is measured against the real 95th-percentile step', () => {
  const generated = new Float32Array(20 * 6);
  for (let t = 10; t < 20; t++) generated[t * 6] = 3; // pitch jumps by 3 at frame 10, nothing else moves
  const real = [sinusoids(300, [1, 1, 1, 1, 1, 1], 1)];
  const joins = windowJoins([generated], real, { hop: 10, overlap: 0 }, ROTATION_CHANNELS);
  assert.is(joins.joins, 1);
  assert.ok(Math.abs(joins.meanRatio * joins.realP95 - 3) < 1e-6, 'mean_c over the rotation: 9 / 3');
  assert.ok(Math.abs(joins.maxRatio - joins.meanRatio) < 1e-12);
  const none = windowJoins([generated], real, { hop: 7, overlap: 0 }, ROTATION_CHANNELS);
  assert.is(none.meanRatio, 0, 'boundaries at 7 and 14 do not see the step');
});

test.run();
