// float32ToHalf, the encoder beside core/formats/bytes.ts's halfToFloat32: exact on every half, nearest (ties to
// even) between them, infinities past the largest half, zeros below half the smallest subnormal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { float32ToHalf, halfToFloat32 } from '../../core/formats/bytes.ts';
import { uniform } from '../helpers/random.ts';

test('every half that is a number encodes to itself', () => {
  const halves = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const values = halfToFloat32(halves);
  const again = float32ToHalf(values);
  for (let i = 0; i < 65536; i++) {
    if (Number.isNaN(values[i])) assert.ok(Number.isNaN(halfToFloat32(again.subarray(i, i + 1))[0]), `NaN ${i.toString(16)}`);
    else assert.is(again[i], i, `half 0x${i.toString(16)} (${values[i]})`);
  }
});

test('numbers between halves round to the nearest, ties to even; out of range to infinity or zero', () => {
  for (const x of [...uniform(20000, 3, -70000, 70000), ...uniform(20000, 4, -1e-3, 1e-3)]) {
    const h = halfToFloat32(float32ToHalf([x]))[0]!;
    if (Math.abs(x) > 65520) {
      assert.is(h, Math.sign(x) * Infinity, `${x}`);
      continue;
    }
    // The neighbour half on the far side of x must not be closer.
    const bits = float32ToHalf([h])[0]!;
    const outward = halfToFloat32(Uint16Array.of(bits + 1))[0]!;
    const inward = bits & 0x7fff ? halfToFloat32(Uint16Array.of(bits - 1))[0]! : h;
    assert.ok(Math.abs(x - h) <= Math.abs(x - outward) && Math.abs(x - h) <= Math.abs(x - inward) + 1e-12, `${x} -> ${h}`);
  }
  assert.equal(Array.from(float32ToHalf([1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -25, 2 ** -24, 1e-9, 65504, 65520, -Infinity])), [0x3c00, 0x3c02, 0, 1, 0, 0x7bff, 0x7c00, 0xfc00]);
});

test.run();
