// Comparisons that say where and by how much two arrays differ.
import * as assert from 'uvu/assert';

export interface Tolerance {
  /** absolute tolerance */
  readonly atol: number;
  /** relative tolerance, times |expected| */
  readonly rtol: number;
}

/** Float32 kernels against a float64 reference: a few ulps of accumulated rounding. */
export const F32_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-4 };

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const allowed = tolerance.atol + tolerance.rtol * Math.abs(e);
    const excess = Number.isNaN(a) !== Number.isNaN(e) ? Infinity : Math.abs(a - e) - allowed;
    if (excess > worstExcess || (Number.isNaN(excess) && worst < 0)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    assert.unreachable(
      `${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (|diff| ${Math.abs(actual[worst]! - expected[worst]!).toExponential(3)} > atol ${tolerance.atol} + rtol ${tolerance.rtol} * |expected|)`,
    );
  }
}
