// The kernel selector (core/kernel-selection.ts): a shape class met for the first time runs the device's
// preferred variant, is timed over every supported variant at the next readback, and runs the measured winner
// (the fastest, or the preferred one on a near-tie) from then on; forced variants win over both; measured choices
// export and import on the same adapter only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { Engine } from '../../core/engine.ts';
import { NEAR_TIE } from '../../core/kernel-selection.ts';
import { conv1dForwardFamily } from '../../core/kernels/conv1d-families.ts';
import { conv1d } from '../../core/ops/conv1d.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const shared = await testEngine();
// A second engine on the same device, measuring (the shared one never does, so tests repeat exactly).
const engine = new Engine(shared.device, shared.info, { kernelSelection: 'tune' });

const x = tensor(engine, uniform(4 * 16 * 64, 1), [4, 16, 64]);
const w = tensor(engine, uniform(24 * 16 * 5, 2), [24, 16, 5]);
const run = () => engine.tidy(() => conv1d(x, w, null, { padding: 2 })).read();

test('a new shape class runs the preferred variant, then is measured at the readback and runs the fastest', async () => {
  const supported = conv1dForwardFamily.variants.filter((v) => v.supports({ g: { batch: 4, inChannels: 16, inLength: 64, outChannels: 24, outLength: 64, kernelSize: 5, stride: 1, padding: 2, dilation: 1 } } as never, engine.info));
  const first = await run();
  // Before the readback's tuning the class ran the device's preferred variant; the choice shows it until measured.
  const preferred = conv1dForwardFamily.preference!(engine.info).find((name) => supported.some((v) => v.name === name)) ?? supported[0]!.name;
  const choice = engine.kernels.choices().find((c) => c.family === 'conv1d.forward');
  assert.ok(choice, 'no conv1d.forward choice recorded');
  if (supported.length === 1) {
    assert.is(choice!.how, 'preferred', 'a single supported variant needs no measurement');
    return;
  }
  assert.is(choice!.how, 'measured');
  assert.equal(choice!.timings!.map((t) => t.variant).sort(), supported.map((v) => v.name).sort(), 'every supported variant was timed');
  assert.ok(choice!.timings!.every((t, i, all) => t.ms > 0 && (i === 0 || all[i - 1]!.ms <= t.ms)), 'timings are positive, fastest first');
  // The fastest, unless the preferred variant (what ran first) is within NEAR_TIE of it.
  const fastest = choice!.timings![0]!;
  const kept = choice!.timings!.find((t) => t.variant === preferred);
  const expected = kept && fastest.ms > (1 - NEAR_TIE) * kept.ms ? preferred : fastest.variant;
  assert.is(choice!.variant, expected, 'the fastest is chosen, or the preferred one on a near-tie');
  assert.ok(choice!.timings!.every((t) => t.runsMs!.length >= 3 && t.runsMs!.every((ms) => ms > 0)), 'each variant was run several times');
  const uses = engine.kernels.uses('conv1d.forward', choice!.variant);
  const again = await run();
  assert.ok(engine.kernels.uses('conv1d.forward', choice!.variant) > uses, 'the measured winner runs next time');
  // Whichever variant ran, the same result within float32 rounding.
  for (let i = 0; i < first.length; i++) assert.ok(Math.abs(first[i]! - again[i]!) <= 1e-5 * (1 + Math.abs(first[i]!)), `value ${i}: ${first[i]} vs ${again[i]}`);
});

test('a forced variant runs even where another was measured; forcing an unknown one names the family and its variants', async () => {
  engine.kernels.force('conv1d.forward', 'register');
  const before = engine.kernels.uses('conv1d.forward', 'register');
  await run();
  assert.ok(engine.kernels.uses('conv1d.forward', 'register') > before);
  engine.kernels.force('conv1d.forward', 'no-such-variant');
  assert.throws(() => engine.tidy(() => conv1d(x, w, null, { padding: 2 })), /conv1d\.forward has no variant 'no-such-variant'.*register/);
  engine.kernels.force('conv1d.forward', null);
});

test('measured choices export as JSON and import on the same adapter, and are refused from another', () => {
  const saved = JSON.parse(JSON.stringify(engine.kernels.exportChoices())) as ReturnType<typeof engine.kernels.exportChoices>;
  const fresh = new Engine(shared.device, shared.info, { kernelSelection: 'preferred' });
  fresh.kernels.importChoices(saved);
  assert.equal(fresh.kernels.choices(), saved.choices);
  assert.throws(() => fresh.kernels.importChoices({ ...saved, adapter: 'some other GPU' }), /measured on 'some other GPU'/);
});

test.run();
