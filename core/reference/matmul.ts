// Float64 CPU references for matmul and linear (tests compare the kernels with these).
import { type Shape, sizeOf } from '../shape.ts';

/**
 * opA(a) opB(b) for a [..., M, K] (stored [..., K, M] when transposeA) and b [..., K, N] (stored [..., N, K]
 * when transposeB); the batch dimensions are equal, or one side has none and is shared. Shapes are assumed
 * valid (the op checks them).
 */
export function matmulReference(
  a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape,
  transposeA = false, transposeB = false,
): { data: Float64Array; shape: number[] } {
  const [aRows, aCols] = aShape.slice(-2) as [number, number];
  const [bRows, bCols] = bShape.slice(-2) as [number, number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batchShape = aBatch.length > 0 ? aBatch : bBatch;
  const batch = sizeOf(batchShape);
  const aStride = aBatch.length > 0 ? m * k : 0;
  const bStride = bBatch.length > 0 ? k * n : 0;
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let total = 0;
        for (let p = 0; p < k; p++) {
          const av = a[t * aStride + (transposeA ? p * m + i : i * k + p)]!;
          const bv = b[t * bStride + (transposeB ? j * k + p : p * n + j)]!;
          total += av * bv;
        }
        out[(t * m + i) * n + j] = total;
      }
    }
  }
  return { data: out, shape: [...batchShape, m, n] };
}

/** x [..., in] weightᵀ + bias, with weight [out, in] and bias [out] (or none). */
export function linearReference(
  x: ArrayLike<number>, xShape: Shape, weight: ArrayLike<number>, weightShape: Shape, bias?: ArrayLike<number>,
): { data: Float64Array; shape: number[] } {
  const [outFeatures, inFeatures] = weightShape as [number, number];
  const rows = sizeOf(xShape.slice(0, -1));
  const { data } = matmulReference(x, [rows, inFeatures], weight, weightShape, false, true);
  if (bias) {
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < outFeatures; o++) data[r * outFeatures + o]! += bias[o]!;
    }
  }
  return { data, shape: [...xShape.slice(0, -1), outFeatures] };
}

/**
 * Gradients of C = opA(a) opB(b) (matmulReference's arguments) from dC, term by term: each product
 * opA[t,i,p] opB[t,p,j] sends dC[t,i,j] opB[t,p,j] to a's element and dC[t,i,j] opA[t,i,p] to b's, so an
 * operand shared across the batch sums its gradient over the batch.
 */
export function matmulBackwardReference(
  a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, dC: ArrayLike<number>,
  transposeA = false, transposeB = false,
): [Float64Array, Float64Array] {
  const [aRows, aCols] = aShape.slice(-2) as [number, number];
  const [bRows, bCols] = bShape.slice(-2) as [number, number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = sizeOf(aBatch.length > 0 ? aBatch : bBatch);
  const aStride = aBatch.length > 0 ? m * k : 0;
  const bStride = bBatch.length > 0 ? k * n : 0;
  const da = new Float64Array(sizeOf(aShape));
  const db = new Float64Array(sizeOf(bShape));
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const g = dC[(t * m + i) * n + j]!;
        for (let p = 0; p < k; p++) {
          const ai = t * aStride + (transposeA ? p * m + i : i * k + p);
          const bi = t * bStride + (transposeB ? j * k + p : p * n + j);
          da[ai]! += g * b[bi]!;
          db[bi]! += g * a[ai]!;
        }
      }
    }
  }
  return [da, db];
}
