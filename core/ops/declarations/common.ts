// Small pieces the op declarations share: tolerances that recur, shape arithmetic for references, names.
import type { CaseInput, ReferenceOutput, Tolerance } from '../declaration.ts';
import { type Shape, sizeOf } from '../../shape.ts';

/** Ops that only move values (layout, copies, masks of 0 and 1 scaled by a power of two): bit-exact. */
export const EXACT: Tolerance = { atol: 0, rtol: 0 };
/** Float32 kernels against a float64 reference: a few ulps of accumulated rounding. */
export const F32: Tolerance = { atol: 1e-5, rtol: 1e-4 };

export const output = (data: ArrayLike<number>, shape: Shape): ReferenceOutput => ({ data, shape });

export const formatShape = (shape: Shape): string => `[${shape.join(',')}]`;

/** An input of `shape` with values uniform in [low, high) (default [-1, 1)). */
export const input = (name: string, shape: Shape, low = -1, high = 1, more: Partial<CaseInput> = {}): CaseInput => ({ name, shape, low, high, ...more });

/** Data an op takes no gradient for. */
export const data = (name: string, shape: Shape, low = -1, high = 1): CaseInput => ({ name, shape, low, high, differentiable: false });

export { sizeOf };
