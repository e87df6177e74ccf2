import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OPTION_RANGES, integerOption, jsonObjectOption, numberOption } from '../../runtime-node/cli/options.ts';

test('integer options name the flag, the range and the value they refuse', () => {
  assert.throws(() => integerOption('0', '--epochs'), (e: Error) => e.message === "--epochs expects an integer in 1..1000000, got '0'");
  assert.throws(() => integerOption('0', '--batch'), /^--batch expects an integer in 1\.\.65536, got '0'$/);
  assert.throws(() => integerOption('0', '--seeds'), /^--seeds expects an integer in 1\.\.100, got '0'$/);
  assert.throws(() => integerOption('2.5', '--steps'), /^--steps expects an integer in 1\.\.1000000, got '2\.5'$/);
  assert.throws(() => integerOption('', '--max-steps-per-epoch'), /got ''$/);
  assert.throws(() => integerOption('ten', '--classifier-steps'), /got 'ten'$/);
  assert.throws(() => integerOption('-1', '--seed'), /^--seed expects an integer in 0\.\.4294967295/);
  assert.throws(() => integerOption('32', '--half-window'), /^--half-window expects an integer in 0\.\.31/);
  assert.is(integerOption('1', '--epochs'), 1);
  assert.is(integerOption('0', '--seed'), 0);
  assert.is(integerOption(' 64 ', '--batch'), 64);
});

test('number options exclude what cannot work: a learning rate of 0 or above 1, a sigma of 0, NaN and infinity', () => {
  assert.throws(() => numberOption('1e6', '--lr'), /^--lr expects a number > 0 and <= 1, got '1e6'$/);
  assert.throws(() => numberOption('0', '--lr'), /^--lr expects a number > 0 and <= 1, got '0'$/);
  assert.throws(() => numberOption('0', '--sigma'), /^--sigma expects a number > 0 and <= 10/);
  assert.throws(() => numberOption('NaN', '--motion-scale'), /^--motion-scale expects a number in 0\.\.10, got 'NaN'$/);
  assert.throws(() => numberOption('Infinity', '--seconds'), /^--seconds expects a number > 0 and <= 3600/);
  assert.is(numberOption('1e-4', '--lr'), 1e-4);
  assert.is(numberOption('0', '--smooth'), 0);
});

test('every range is a well-formed interval', () => {
  for (const [flag, range] of Object.entries(OPTION_RANGES)) {
    assert.ok(Number.isFinite(range.min) && range.max > range.min, flag);
  }
});

test('a JSON option must be an object', () => {
  assert.equal(jsonObjectOption('{"hidden":16}', '--config'), { hidden: 16 });
  for (const bad of ['[1]', '3', 'null', '{oops']) assert.throws(() => jsonObjectOption(bad, '--config'), /^--config expects a JSON object, got/);
});

test.run();
