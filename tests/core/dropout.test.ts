// dropout, randomUniform and randomNormal against references of their counter-based generator (every element, given
// the seed; dropout's gradient applies the forward mask): declared in core/ops/declarations/random.ts, checked by
// tests/core/op-registry.test.ts. Here: repetition under a seed, the statistics of the draws, views and errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parameter, tensor } from '../../core/creation.ts';
import { dropout, randomNormal, randomUniform } from '../../core/ops/dropout.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();
const N = 1 << 20;
/** Inputs in [1, 2): never zero, so a zero in the output marks a dropped element. */
const INPUT = uniform(N, 1, 1, 2);
/** Statistical checks allow this many standard deviations of a mean of N draws (a false failure is ~1e-6 likely). */
const SIGMAS = 5;

async function dropped(seed: number, p: number, data: Float32Array = INPUT): Promise<Float32Array> {
  engine.seed(seed);
  return engine.tidy(() => dropout(tensor(engine, data, [data.length]), p, true)).read();
}

test('dropout with the same engine seed repeats bit for bit; another seed or the next draw gives another mask', async () => {
  const a = await dropped(42, 0.3);
  const b = await dropped(42, 0.3);
  assert.equal(new Uint32Array(a.buffer), new Uint32Array(b.buffer));
  const c = await dropped(43, 0.3);
  const differing = a.reduce((count, v, i) => count + (v !== c[i] ? 1 : 0), 0);
  assert.ok(differing > N * 0.3, `seeds 42 and 43 differ in only ${differing} of ${N} elements`);

  engine.seed(42);
  const x = tensor(engine, INPUT, [N]);
  const first = await dropout(x, 0.3, true).read();
  const second = await dropout(x, 0.3, true).read();
  assert.ok(first.some((v, i) => v !== second[i]), 'two dropout calls after one seed used the same mask');
});

for (const p of [0.1, 0.5, 0.9]) {
  test(`dropout p=${p} keeps a fraction 1-p within ${SIGMAS} sigma of ${N} draws and scales kept values by 1/(1-p)`, async () => {
    const y = await dropped(7, p);
    let kept = 0;
    let keptPairs = 0;
    for (let i = 0; i < N; i++) {
      if (y[i] === 0) continue;
      kept++;
      if (i + 1 < N && y[i + 1] !== 0) keptPairs++;
      const expected = Math.fround(INPUT[i]! * Math.fround(1 / (1 - p)));
      if (y[i] !== expected) assert.unreachable(`element ${i}: kept value ${y[i]}, expected ${INPUT[i]} / (1 - ${p}) = ${expected}`);
    }
    const sigma = Math.sqrt((p * (1 - p)) / N);
    assert.ok(Math.abs(kept / N - (1 - p)) < SIGMAS * sigma, `kept fraction ${kept / N}, expected ${1 - p} +- ${SIGMAS * sigma}`);
    // Neighbours are independent: both kept with probability (1-p)^2.
    const pairSigma = Math.sqrt(((1 - p) ** 2 * (1 - (1 - p) ** 2)) / N);
    assert.ok(Math.abs(keptPairs / N - (1 - p) ** 2) < 2 * SIGMAS * pairSigma, `neighbours both kept ${keptPairs / N}, expected ${(1 - p) ** 2}`);
  });
}

test('dropout with p = 0, or not training, returns a view: disposing it leaves the input alive', () => {
  for (const [p, training] of [[0, true], [0.5, false]] as const) {
    const x = parameter(engine, INPUT.subarray(0, 257), [257], 'x');
    const y = dropout(x, p, training);
    assert.is(y.buffer, x.buffer, 'the identity should share the input buffer');
    y.dispose();
    assert.ok(!x.isDisposed, 'disposing the identity output must not dispose the input');
    x.dispose();
  }
});

test('dropout rejects p outside [0, 1), naming the op', () => {
  const x = tensor(engine, [1, 2], [2]);
  for (const p of [-0.1, 1, Number.NaN]) assert.throws(() => dropout(x, p, true), /dropout/);
});

test(`randomUniform and randomNormal repeat under a seed and have the right mean and spread over ${N} draws`, async () => {
  engine.seed(3);
  const u = await randomUniform(engine, [N], -2, 4).read();
  engine.seed(3);
  const again = await randomUniform(engine, [N], -2, 4).read();
  assert.equal(new Uint32Array(u.buffer), new Uint32Array(again.buffer));
  assert.ok(u.every((v) => v >= -2 && v < 4), 'a uniform value fell outside [-2, 4)');
  const uMean = u.reduce((a, b) => a + b, 0) / N;
  assert.ok(Math.abs(uMean - 1) < SIGMAS * Math.sqrt(3 / N), `uniform [-2, 4) mean ${uMean}, expected 1`);

  const z = await randomNormal(engine, [N], 0.5, 2).read();
  assert.ok(z.every(Number.isFinite), 'a normal value is not finite');
  const zMean = z.reduce((a, b) => a + b, 0) / N;
  const zVar = z.reduce((a, b) => a + (b - zMean) ** 2, 0) / N;
  assert.ok(Math.abs(zMean - 0.5) < SIGMAS * Math.sqrt(4 / N), `normal mean ${zMean}, expected 0.5`);
  // The variance of a sample variance of a normal is 2 sigma^4 / N.
  assert.ok(Math.abs(zVar - 4) < SIGMAS * Math.sqrt(2 * 16 / N), `normal variance ${zVar}, expected 4`);
  const within1 = z.reduce((a, b) => a + (Math.abs(b - 0.5) < 2 ? 1 : 0), 0) / N;
  assert.ok(Math.abs(within1 - 0.6827) < SIGMAS * Math.sqrt((0.68 * 0.32) / N), `fraction within one sigma ${within1}, expected 0.6827`);
});

test.run();
