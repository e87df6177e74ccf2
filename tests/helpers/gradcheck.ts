// Finite-difference gradient checks. The analytic gradient comes from the GPU op's backward; the numeric one
// from central differences of the op's float64 CPU reference, so the check is not drowned in float32 noise
// (the forward kernel is checked against that same reference separately).
//
// The scalar checked is L = sum_i w_i * f(x)_i with fixed random weights w, so every output element matters.
import { backward } from '../../core/autograd.ts';
import { parameter, tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { add, mul } from '../../core/ops/elementwise.ts';
import { sum } from '../../core/ops/reduce.ts';
import type { Shape } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';
import * as assert from 'uvu/assert';
import { assertClose } from './compare.ts';
import { uniform } from './random.ts';

export interface GradCheckInput {
  readonly shape: Shape;
  readonly data: Float32Array;
  /** false for inputs that get no gradient (indices, constants). Default true. */
  readonly differentiable?: boolean;
}

export interface GradCheck {
  readonly name: string;
  readonly inputs: readonly GradCheckInput[];
  /** The op on the GPU: one output, or several (each weighted). */
  readonly gpu: (inputs: Tensor[]) => Tensor | readonly Tensor[];
  /** The same op in float64 on the CPU, returning the output values row-major (the outputs one after another). */
  readonly reference: (inputs: Float64Array[]) => ArrayLike<number>;
  /** Coordinates checked per input (spread evenly); default 24. */
  readonly samples?: number;
  readonly step?: number;
  readonly atol?: number;
  readonly rtol?: number;
}

export async function gradCheck(engine: Engine, check: GradCheck): Promise<void> {
  const step = check.step ?? 1e-4;
  const tensors = check.inputs.map((input, i) =>
    input.differentiable === false
      ? tensor(engine, input.data, input.shape, `input${i}`)
      : parameter(engine, input.data, input.shape, `input${i}`),
  );
  const outputsOf = (result: Tensor | readonly Tensor[]): readonly Tensor[] => (Array.isArray(result) ? result : [result as Tensor]);
  try {
    const shapes = engine.tidy(() => outputsOf(check.gpu(tensors)).map((t) => t.shape));
    const total = shapes.reduce((n, shape) => n + shape.reduce((p, d) => p * d, 1), 0);
    const weights = uniform(total, 977, -1, 1);
    let at = 0;
    const weightTensors = shapes.map((shape) => {
      const size = shape.reduce((p, d) => p * d, 1);
      at += size;
      return tensor(engine, weights.subarray(at - size, at), shape, 'weights');
    });
    engine.tidy(() => {
      const terms = outputsOf(check.gpu(tensors)).flatMap((out, j) => (out.size > 0 ? [sum(mul(out, weightTensors[j]!))] : []));
      backward(terms.reduce((a, b) => add(a, b)));
    });
    for (const w of weightTensors) w.dispose();

    const base = check.inputs.map((input) => Float64Array.from(input.data));
    const weighted = (values: Float64Array[]) => {
      const out = check.reference(values);
      let total = 0;
      for (let i = 0; i < out.length; i++) total += out[i]! * weights[i]!;
      return total;
    };
    for (let k = 0; k < tensors.length; k++) {
      if (check.inputs[k]!.differentiable === false) continue;
      const grad = tensors[k]!.grad;
      if (!grad) assert.unreachable(`${check.name}: no gradient reached input ${k}`);
      const analytic = await grad!.read();
      const n = analytic.length;
      const count = Math.min(n, check.samples ?? 24);
      const picked: number[] = [];
      const numeric: number[] = [];
      for (let s = 0; s < count; s++) {
        const j = Math.floor((s * n) / count + (n > count ? (7 * s) % Math.max(1, Math.floor(n / count)) : 0)) % n;
        const plus = base.map((b) => Float64Array.from(b));
        const minus = base.map((b) => Float64Array.from(b));
        plus[k]![j]! += step;
        minus[k]![j]! -= step;
        picked.push(analytic[j]!);
        numeric.push((weighted(plus) - weighted(minus)) / (2 * step));
      }
      assertClose(picked, numeric, { atol: check.atol ?? 2e-3, rtol: check.rtol ?? 2e-3 }, `${check.name}: d/d input ${k} (analytic GPU vs finite differences of the float64 reference)`);
    }
  } finally {
    for (const t of tensors) {
      t.grad?.dispose();
      t.dispose();
    }
  }
}
