// Numeric guards: how many values of some tensors are NaN or infinite, counted on the GPU
// (core/kernels/non-finite.wgsl) and read back in the same download as values the caller reads anyway (a
// training step's losses, a generation's outputs). A guard adds a few dispatches, never a sync of its own.
// Not differentiable: a count has no gradient, and nothing trains through it.
import type { Engine } from '../engine.ts';
import { clearCountsLaunch, countNonFiniteLaunch } from '../kernels/non-finite.ts';
import type { Tensor } from '../tensor.ts';

/** A value that should be a finite number is NaN or infinite; `message` names what and where. */
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
}

export interface GuardedReadback {
  /** the values of each tensor of `read`, in order */
  readonly values: Float32Array[];
  /** for each group of `watch`: how many values of its tensors, all together, are NaN or infinite */
  readonly nonFinite: number[];
}

/**
 * Reads the tensors of `read` and counts the non-finite values of each group of `watch`, in one download:
 * the values are copied and the counts accumulated into one buffer inside the recorded command stream.
 */
export async function readWithNonFiniteCounts(engine: Engine, read: readonly Tensor[], watch: readonly (readonly Tensor[])[]): Promise<GuardedReadback> {
  const valueWords = read.reduce((a, t) => a + t.size, 0);
  const words = valueWords + watch.length;
  if (words === 0) return { values: [], nonFinite: [] };
  const buffer = engine.storage.acquire(4 * words, 'guarded readback');
  try {
    let offset = 0;
    for (const t of read) {
      if (t.size > 0) engine.copyBuffer(t.buffer, 0, buffer, 4 * offset, 4 * t.size);
      offset += t.size;
    }
    if (watch.length > 0) engine.dispatch(clearCountsLaunch(buffer, valueWords, watch.length));
    watch.forEach((group, g) => {
      for (const t of group) if (t.size > 0) engine.dispatch(countNonFiniteLaunch(t.buffer, buffer, t.size, valueWords + g));
    });
    const bytes = await engine.download(buffer, 4 * words);
    const values: Float32Array[] = [];
    offset = 0;
    for (const t of read) {
      values.push(new Float32Array(bytes, 4 * offset, t.size));
      offset += t.size;
    }
    return { values, nonFinite: Array.from(new Uint32Array(bytes, 4 * valueWords, watch.length)) };
  } finally {
    engine.storage.release(buffer);
  }
}

/** Reads a tensor with its non-finite count; throws a NonFiniteError starting with `what` when it has any. */
export async function readFinite(t: Tensor, what: string): Promise<Float32Array> {
  const { values, nonFinite } = await readWithNonFiniteCounts(t.engine, [t], [[t]]);
  if (nonFinite[0]! > 0) throw new NonFiniteError(`${what}: ${nonFinite[0]} NaN or infinite values of ${t.size} (the first at index ${findNonFinite(values[0]!).first})`);
  return Float32Array.from(values[0]!);
}

/** The number of non-finite values of each tensor, counted on the GPU and read back together. */
export async function countNonFinite(engine: Engine, tensors: readonly Tensor[]): Promise<number[]> {
  return (await readWithNonFiniteCounts(engine, [], tensors.map((t) => [t]))).nonFinite;
}

/**
 * The non-finite values of an array already on the CPU: how many, where the first is (-1 when none) and what it
 * is, for messages that point at it.
 */
export function findNonFinite(values: ArrayLike<number>): { count: number; first: number; value: number } {
  let count = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]!)) continue;
    if (count++ === 0) first = i;
  }
  return { count, first, value: first >= 0 ? values[first]! : 0 };
}
