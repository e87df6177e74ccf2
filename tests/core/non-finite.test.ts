import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { NonFiniteError, countNonFinite, readFinite, readWithNonFiniteCounts } from '../../core/ops/non-finite.ts';
import { countNonFiniteReference } from '../../core/reference/non-finite.ts';
import { testEngine } from '../helpers/engine.ts';
import { rng, uniform } from '../helpers/random.ts';

const engine = await testEngine();

// Odd sizes around the kernel's blocking: one value, below / at / above a workgroup's 256 lanes and its 2048
// values, a grid wider than one dimension would allow at 8 values a thread only past 1e9 (not run), and 1e6 + 3.
const SIZES = [1, 3, 255, 256, 257, 2047, 2048, 2049, 16_385, 1_000_003];
const SPECIALS = [NaN, Infinity, -Infinity];

/** n finite values with `bad` non-finite ones at seeded positions, including the first and the last. */
function withNonFinite(n: number, bad: number, seed: number): Float32Array {
  const data = uniform(n, seed, -1e30, 1e30);
  const next = rng(seed + 1);
  const positions = [0, n - 1, ...Array.from({ length: Math.max(0, bad - 2) }, () => Math.floor(next() * n))];
  positions.slice(0, bad).forEach((p, k) => (data[p] = SPECIALS[k % 3]!));
  return data;
}

test('count_non_finite matches the reference across odd sizes and patterns (NaN, +Inf, -Inf at the ends and inside)', async () => {
  for (const n of SIZES) {
    for (const bad of [0, 1, 2, 37]) {
      const data = withNonFinite(n, Math.min(bad, n), n + bad);
      const x = tensor(engine, data, [n]);
      const [count] = await countNonFinite(engine, [x]);
      assert.is(count, countNonFiniteReference(data), `n ${n}, ${bad} non-finite placed`);
      x.dispose();
    }
  }
});

test('finite extremes are finite: the largest float, the smallest subnormal, -0, and every value of an all-NaN tensor counts', async () => {
  const extremes = Float32Array.of(3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -0, 0, 1e-38);
  const x = tensor(engine, extremes, [extremes.length]);
  const allNaN = tensor(engine, new Float32Array(5000).fill(NaN), [5000]);
  assert.equal(await countNonFinite(engine, [x, allNaN]), [0, 5000]);
  x.dispose();
  allNaN.dispose();
});

test('values and the counts of several groups come back in one download, the values bit for bit', async () => {
  const a = tensor(engine, Float32Array.of(1.5, NaN, -2), [3]);
  const b = tensor(engine, uniform(300, 4), [3, 100]);
  const c = tensor(engine, withNonFinite(2049, 5, 9), [2049]);
  const submits = engine.counters.submits;
  const { values, nonFinite } = await readWithNonFiniteCounts(engine, [a, b], [[a, b], [c], [b]]);
  assert.is(engine.counters.submits - submits, 1, 'one submit for copies, counts and the readback');
  assert.equal(Array.from(values[0]!), [1.5, NaN, -2]);
  assert.equal(Array.from(values[1]!), Array.from(uniform(300, 4)));
  assert.equal(nonFinite, [1, 5, 0]);
  for (const t of [a, b, c]) t.dispose();
});

test('counts start from zero on every readback (the counters are cleared inside the command stream)', async () => {
  const x = tensor(engine, Float32Array.of(NaN, Infinity, 1), [3]);
  for (let k = 0; k < 3; k++) assert.equal(await countNonFinite(engine, [x]), [2], `readback ${k + 1}`);
  x.dispose();
});

test('readFinite returns finite values and refuses others naming what and where', async () => {
  const fine = tensor(engine, Float32Array.of(1, -2, 3), [3]);
  assert.equal(Array.from(await readFinite(fine, 'x')), [1, -2, 3]);
  const bad = tensor(engine, Float32Array.of(1, 2, Infinity, NaN), [4]);
  await readFinite(bad, 'the poses of clip a').then(() => assert.unreachable(), (e: Error) => {
    assert.instance(e, NonFiniteError);
    assert.is(e.message, 'the poses of clip a: 2 NaN or infinite values of 4 (the first at index 2)');
  });
  fine.dispose();
  bad.dispose();
});

test.run();
