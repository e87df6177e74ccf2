// Matrix products with gradients: batched matmul with optional transposes, and linear (a PyTorch-layout dense
// layer, bias fused into the kernel).
//
// Gradients of C = opA(A) opB(B), with op = identity or transpose:
//   d opA(A) = dC opB(B)ᵀ      so dA = dC opB(B)ᵀ, or with transposeA dA = opB(B) dCᵀ
//   d opB(B) = opA(A)ᵀ dC      so dB = opA(A)ᵀ dC, or with transposeB dB = dCᵀ opA(A)
// An operand shared across the batch gets the sum over the batch. When the contraction of that gradient
// runs over the rows of both stored factors, the batch folds into it (a [batch, R, C] tensor is a
// [batch * R, C] matrix) and one launch computes the sum; otherwise a batched product is summed over axis 0.
import type { MatmulDims } from '../kernels/matmul.ts';
import { matmulFamily } from '../kernels/matmul-families.ts';
import { recordGrad } from '../record-grad.ts';
import { type Shape, ShapeError, formatShape, sameShape, sizeOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { sum } from './reduce.ts';

export interface MatmulOptions {
  /** a is stored [..., K, M] and used transposed. */
  readonly transposeA?: boolean;
  /** b is stored [..., N, K] and used transposed. */
  readonly transposeB?: boolean;
}

/** The launch sizes and output shape of opA(a) opB(b), or a ShapeError naming the op and both shapes. */
export function matmulPlan(op: string, aShape: Shape, bShape: Shape, transposeA: boolean, transposeB: boolean): { dims: MatmulDims; shape: number[] } {
  const describe = () =>
    `a ${formatShape(aShape)}${transposeA ? ' (transposed)' : ''} and b ${formatShape(bShape)}${transposeB ? ' (transposed)' : ''}`;
  if (aShape.length < 2 || bShape.length < 2) {
    throw new ShapeError(`${op}: ${describe()}: both operands need rank >= 2 ([..., rows, columns])`);
  }
  const [aRows, aCols] = aShape.slice(-2) as [number, number];
  const [bRows, bCols] = bShape.slice(-2) as [number, number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const kb = transposeB ? bCols : bRows;
  const n = transposeB ? bRows : bCols;
  if (k !== kb) {
    throw new ShapeError(`${op}: ${describe()}: inner dimensions differ (K = ${k} from a, ${kb} from b)`);
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  if (aBatch.length > 0 && bBatch.length > 0 && !sameShape(aBatch, bBatch)) {
    throw new ShapeError(
      `${op}: ${describe()}: batch dimensions ${formatShape(aBatch)} and ${formatShape(bBatch)} differ (they must be equal, or one operand must have none)`,
    );
  }
  const batchShape = aBatch.length > 0 ? aBatch : bBatch;
  return {
    dims: {
      batch: sizeOf(batchShape), m, n, k, transposeA, transposeB,
      aBatchStride: aBatch.length > 0 ? m * k : 0,
      bBatchStride: bBatch.length > 0 ? k * n : 0,
    },
    shape: [...batchShape, m, n],
  };
}

/** opA(a) opB(b) (+ bias), recording no gradient. */
function product(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, bias: Tensor | null, name: string): Tensor {
  if (a.engine !== b.engine) throw new Error(`${name}: operands ${a.name} and ${b.name} live on different engines`);
  const { dims, shape } = matmulPlan(name, a.shape, b.shape, transposeA, transposeB);
  const out = Tensor.empty(a.engine, shape, name);
  if (out.size > 0) {
    a.engine.run(matmulFamily, { a: a.buffer, b: b.buffer, bias: bias?.buffer ?? null, out: out.buffer, dims }, () => `${name} ${formatShape(a.shape)}*${formatShape(b.shape)}`);
  }
  return out;
}

/** A [..., R, C] tensor as the [(...) * R, C] matrix it is in memory (a view). */
const asRows = (t: Tensor): Tensor => t.view([sizeOf(t.shape.slice(0, -1)), t.shape.at(-1)!]);

/** t viewed with another shape; t itself is disposed (the view keeps the buffer). */
function reshapedAs(t: Tensor, shape: Shape): Tensor {
  const view = t.view(shape);
  t.dispose();
  return view;
}

/**
 * The gradient of one operand, `target`, as the product opX(x) opY(y) of the others. When the product is batched
 * but target is one matrix shared across the batch, the gradient is summed over the batch.
 */
function operandGrad(target: Tensor, x: Tensor, y: Tensor, transposeX: boolean, transposeY: boolean, name: string): Tensor {
  const batched = Math.max(x.rank, y.rank) > 2;
  if (target.rank > 2 || !batched) return product(x, y, transposeX, transposeY, null, name);
  // Here x and y both carry the batch (one of them is the output gradient, the other the batched operand).
  if (transposeX && !transposeY) return product(asRows(x), asRows(y), true, false, null, name);
  const perMatrix = product(x, y, transposeX, transposeY, null, name);
  return sum(reshapedAs(perMatrix, [sizeOf(perMatrix.shape.slice(0, -2)), ...target.shape]), 0);
}

/**
 * Batched matrix product: a [..., M, K] (stored [..., K, M] with transposeA), b [..., K, N] (stored [..., N, K]
 * with transposeB), giving [..., M, N]. The batch dimensions are equal, or one operand has none and is shared.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const out = product(a, b, transposeA, transposeB, null, 'matmul');
  return recordGrad(out, 'matmul', [a, b], (g) => [
    a.requiresGrad
      ? transposeA
        ? operandGrad(a, b, g, transposeB, true, 'matmul.gradA')
        : operandGrad(a, g, b, false, !transposeB, 'matmul.gradA')
      : null,
    b.requiresGrad
      ? transposeB
        ? operandGrad(b, g, a, true, transposeA, 'matmul.gradB')
        : operandGrad(b, a, g, !transposeA, false, 'matmul.gradB')
      : null,
  ]);
}

/**
 * A dense layer in PyTorch's layout: x [..., in], weight [out, in], bias [out] -> y [..., out] = x weightᵀ + bias.
 * One kernel launch forward, the bias added in the kernel.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.rank !== 2 || x.rank < 1 || x.shape.at(-1) !== weight.shape[1]) {
    throw new ShapeError(`linear: input ${formatShape(x.shape)} and weight ${formatShape(weight.shape)} do not fit: expected input [..., in] and weight [out, in]`);
  }
  const outFeatures = weight.shape[0]!;
  if (bias && !sameShape(bias.shape, [outFeatures])) {
    throw new ShapeError(`linear: bias has shape ${formatShape(bias.shape)}, expected [${outFeatures}] for weight ${formatShape(weight.shape)}`);
  }
  const rows = asRows(x);
  const y = reshapedAs(product(rows, weight, false, true, bias ?? null, 'linear'), [...x.shape.slice(0, -1), outFeatures]);
  rows.dispose();
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return recordGrad(y, 'linear', inputs, (g) => {
    const dy = asRows(g);
    return [
      x.requiresGrad ? reshapedAs(product(dy, weight, false, false, null, 'linear.gradX'), x.shape) : null,
      weight.requiresGrad ? product(dy, asRows(x), true, false, null, 'linear.gradW') : null,
      bias?.requiresGrad ? sum(dy, 0) : null,
    ];
  });
}
