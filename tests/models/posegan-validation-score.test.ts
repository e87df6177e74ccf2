// "Best on validation" for PoseGAN (talking-head/training/posegan-validation.ts): the realism penalty pooled over
// all val segments (run 6's design) or taken per identity (run 8 of issue 14), with or without the std term.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type RealismRatios, type RealismWeights, realismPenalty, realismRatios, validationScore } from '../../talking-head/training/posegan-validation.ts';

const pooledRule: RealismWeights = { validationRealism: 1, validationRealismPooling: 'pooled', validationStdRealism: 0 };
const right: RealismRatios = { motion: 1, jitter: 1, std: [1, 1, 1] };

/** [T, 6]: the rotation channels amplitude_c sin(2 pi f t / 30), the translations still. */
function nodding(frames: number, amplitudes: number[], hertz: number): Float32Array {
  const out = new Float32Array(frames * 6);
  for (let t = 0; t < frames; t++) for (let c = 0; c < 3; c++) out[t * 6 + c] = amplitudes[c]! * Math.sin((2 * Math.PI * hertz * t) / 30);
  return out;
}

test('the pooled rule is run 6\'s: L_L2 + (ln r_motion)^2 + max(0, ln r_jitter)^2, the std not counted', () => {
  const pooled = { motion: 2, jitter: 3, std: [0.1, 0.2, 0.3] };
  const expected = 4.5 + Math.log(2) ** 2 + Math.log(3) ** 2;
  assert.ok(Math.abs(validationScore(4.5, pooled, [right], pooledRule) - expected) < 1e-12);
  // less jitter than the real poses is not penalised; weight 0 is L_L2 alone
  assert.ok(Math.abs(realismPenalty({ motion: 1, jitter: 0.5, std: [1, 1, 1] }, 0)) < 1e-12);
  assert.is(validationScore(4.5, pooled, [pooled], { ...pooledRule, validationRealism: 0 }), 4.5);
});

test('per identity: one identity trembling counts in full under identity-max, by its share under identity-mean, not at all pooled', () => {
  const trembling = { motion: 1, jitter: Math.E ** 1.2, std: [1, 1, 1] };
  const identities = [right, right, right, trembling];
  const pooled = right; // the pool is dominated by the three others' frames
  assert.is(validationScore(4, pooled, identities, pooledRule), 4);
  assert.ok(Math.abs(validationScore(4, pooled, identities, { ...pooledRule, validationRealismPooling: 'identity-max' }) - (4 + 1.44)) < 1e-12);
  assert.ok(Math.abs(validationScore(4, pooled, identities, { ...pooledRule, validationRealismPooling: 'identity-mean' }) - (4 + 1.44 / 4)) < 1e-12);
});

test('the std term: mean over pitch, yaw, roll of (ln r_std)^2 times its weight, symmetric in r and 1/r', () => {
  const low = { motion: 1, jitter: 1, std: [0.5, 1, 2] };
  assert.ok(Math.abs(realismPenalty(low, 3) - (3 * 2 * Math.log(2) ** 2) / 3) < 1e-12);
  assert.is(realismPenalty(low, 0), 0);
  const weights: RealismWeights = { validationRealism: 2, validationRealismPooling: 'identity-mean', validationStdRealism: 1 };
  assert.ok(Math.abs(validationScore(1, right, [low, right], weights) - (1 + (2 * ((2 * Math.log(2) ** 2) / 3)) / 2)) < 1e-12);
});

test('no identity recorded: the per-identity rules fall back to the pooled ratios', () => {
  const pooled = { motion: Math.E, jitter: 1, std: [1, 1, 1] };
  assert.ok(Math.abs(validationScore(0, pooled, [], { ...pooledRule, validationRealismPooling: 'identity-max' }) - 1) < 1e-12);
});

test('realism ratios of generated against real rotation: the same motion at half the amplitude is 0.25 in energy and jitter, 0.5 in std', () => {
  const real = [nodding(120, [1, 2, 0.5], 0.7), nodding(90, [0.5, 1, 1], 1.3)];
  const half = real.map((p) => p.map((v) => v / 2));
  const same = realismRatios(real, real);
  assert.ok(Math.abs(same.motion - 1) < 1e-12 && Math.abs(same.jitter - 1) < 1e-12);
  const r = realismRatios(half, real);
  assert.ok(Math.abs(r.motion - 0.25) < 1e-6, `motion ${r.motion}`);
  assert.ok(Math.abs(r.jitter - 0.25) < 1e-6, `jitter ${r.jitter}`);
  r.std.forEach((s, c) => assert.ok(Math.abs(s - 0.5) < 1e-6, `std ${c}: ${s}`));
  assert.is(r.std.length, 3);
});

test.run();
