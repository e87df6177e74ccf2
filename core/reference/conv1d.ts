// Float64 CPU references for conv1d, its gradients, convTranspose1d and nearest up-sampling. Written the
// plainest way (the input gradient and the transposed convolution as scatters, where the kernels gather) so
// that they check the kernels rather than repeat them.

export interface ConvReferenceOptions {
  readonly stride?: number;
  readonly padding?: number;
  readonly dilation?: number;
}

/** Sizes of a conv1d: x [batch, inChannels, inLength], w [outChannels, inChannels, kernelSize]. */
export interface ConvReferenceShape {
  readonly batch: number;
  readonly inChannels: number;
  readonly inLength: number;
  readonly outChannels: number;
  readonly kernelSize: number;
}

interface Resolved {
  readonly B: number; readonly C: number; readonly L: number; readonly O: number; readonly K: number;
  readonly s: number; readonly p: number; readonly d: number; readonly Lout: number;
}

function resolve(shape: ConvReferenceShape, options: ConvReferenceOptions): Resolved {
  const s = options.stride ?? 1;
  const p = options.padding ?? 0;
  const d = options.dilation ?? 1;
  const { batch: B, inChannels: C, inLength: L, outChannels: O, kernelSize: K } = shape;
  return { B, C, L, O, K, s, p, d, Lout: Math.floor((L + 2 * p - d * (K - 1) - 1) / s) + 1 };
}

/** Calls visit(xIndex, wIndex, yIndex) for every product x * w that conv1d adds into y. */
function forEachTerm(r: Resolved, visit: (xi: number, wi: number, yi: number) => void): void {
  for (let b = 0; b < r.B; b++) {
    for (let o = 0; o < r.O; o++) {
      for (let t = 0; t < r.Lout; t++) {
        for (let c = 0; c < r.C; c++) {
          for (let k = 0; k < r.K; k++) {
            const i = t * r.s - r.p + k * r.d;
            if (i >= 0 && i < r.L) visit((b * r.C + c) * r.L + i, (o * r.C + c) * r.K + k, (b * r.O + o) * r.Lout + t);
          }
        }
      }
    }
  }
}

export function conv1dOutputLengthReference(shape: ConvReferenceShape, options: ConvReferenceOptions = {}): number {
  return resolve(shape, options).Lout;
}

/** y [B, O, Lout] = conv1d(x [B, C, L], w [O, C, K]) + bias [O]. */
export function conv1dReference(
  x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null, shape: ConvReferenceShape, options: ConvReferenceOptions = {},
): Float64Array {
  const r = resolve(shape, options);
  const y = new Float64Array(r.B * r.O * r.Lout);
  if (bias) for (let i = 0; i < y.length; i++) y[i] = bias[Math.floor(i / r.Lout) % r.O]!;
  forEachTerm(r, (xi, wi, yi) => (y[yi]! += x[xi]! * w[wi]!));
  return y;
}

/** dx [B, C, L] of conv1d, given dy [B, O, Lout]. */
export function conv1dGradInputReference(dy: ArrayLike<number>, w: ArrayLike<number>, shape: ConvReferenceShape, options: ConvReferenceOptions = {}): Float64Array {
  const r = resolve(shape, options);
  const dx = new Float64Array(r.B * r.C * r.L);
  forEachTerm(r, (xi, wi, yi) => (dx[xi]! += dy[yi]! * w[wi]!));
  return dx;
}

/** dw [O, C, K] of conv1d, given dy [B, O, Lout] and x [B, C, L]. */
export function conv1dGradWeightReference(dy: ArrayLike<number>, x: ArrayLike<number>, shape: ConvReferenceShape, options: ConvReferenceOptions = {}): Float64Array {
  const r = resolve(shape, options);
  const dw = new Float64Array(r.O * r.C * r.K);
  forEachTerm(r, (xi, wi, yi) => (dw[wi]! += dy[yi]! * x[xi]!));
  return dw;
}

/** db [channels] = sum over batch and time of dy [batch, channels, length]. */
export function conv1dGradBiasReference(dy: ArrayLike<number>, batch: number, channels: number, length: number): Float64Array {
  const db = new Float64Array(channels);
  for (let i = 0; i < batch * channels * length; i++) db[Math.floor(i / length) % channels]! += dy[i]!;
  return db;
}

export interface ConvTransposeReferenceOptions extends ConvReferenceOptions {
  readonly outputPadding?: number;
}

/** Output length of convTranspose1d: (L-1)s - 2p + d(K-1) + outputPadding + 1. */
export function convTranspose1dOutputLengthReference(inLength: number, kernelSize: number, options: ConvTransposeReferenceOptions = {}): number {
  const { stride: s = 1, padding: p = 0, dilation: d = 1, outputPadding = 0 } = options;
  return (inLength - 1) * s - 2 * p + d * (kernelSize - 1) + outputPadding + 1;
}

/**
 * y [B, O, Lout] = convTranspose1d(x [B, C, L], w [C, O, K]) + bias [O], as PyTorch defines it: each input
 * x[b,c,t] scatters x * w[c,o,k] to y[b,o, t s - p + k d], where that lies in [0, Lout).
 */
export function convTranspose1dReference(
  x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null,
  shape: { readonly batch: number; readonly inChannels: number; readonly inLength: number; readonly outChannels: number; readonly kernelSize: number },
  options: ConvTransposeReferenceOptions = {},
): Float64Array {
  const { stride: s = 1, padding: p = 0, dilation: d = 1 } = options;
  const { batch: B, inChannels: C, inLength: L, outChannels: O, kernelSize: K } = shape;
  const Lout = convTranspose1dOutputLengthReference(L, K, options);
  const y = new Float64Array(B * O * Lout);
  if (bias) for (let i = 0; i < y.length; i++) y[i] = bias[Math.floor(i / Lout) % O]!;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      for (let t = 0; t < L; t++) {
        const v = x[(b * C + c) * L + t]!;
        for (let o = 0; o < O; o++) {
          for (let k = 0; k < K; k++) {
            const j = t * s - p + k * d;
            if (j >= 0 && j < Lout) y[(b * O + o) * Lout + j]! += v * w[(c * O + o) * K + k]!;
          }
        }
      }
    }
  }
  return y;
}

type TransposeShape = Parameters<typeof convTranspose1dReference>[3];

/** Calls visit(xIndex, wIndex, yIndex) for every product x * w that convTranspose1d scatters into y. */
function forEachTransposeTerm(shape: TransposeShape, options: ConvTransposeReferenceOptions, visit: (xi: number, wi: number, yi: number) => void): void {
  const { stride: s = 1, padding: p = 0, dilation: d = 1 } = options;
  const { batch: B, inChannels: C, inLength: L, outChannels: O, kernelSize: K } = shape;
  const Lout = convTranspose1dOutputLengthReference(L, K, options);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      for (let t = 0; t < L; t++) {
        for (let o = 0; o < O; o++) {
          for (let k = 0; k < K; k++) {
            const j = t * s - p + k * d;
            if (j >= 0 && j < Lout) visit((b * C + c) * L + t, (c * O + o) * K + k, (b * O + o) * Lout + j);
          }
        }
      }
    }
  }
}

/** dx [B, C, L] of convTranspose1d: each x[b,c,t] gathers dy back from every place it was scattered to. */
export function convTranspose1dGradInputReference(dy: ArrayLike<number>, w: ArrayLike<number>, shape: TransposeShape, options: ConvTransposeReferenceOptions = {}): Float64Array {
  const dx = new Float64Array(shape.batch * shape.inChannels * shape.inLength);
  forEachTransposeTerm(shape, options, (xi, wi, yi) => (dx[xi]! += dy[yi]! * w[wi]!));
  return dx;
}

/** dw [C, O, K] of convTranspose1d, given dy [B, O, Lout] and x [B, C, L]. */
export function convTranspose1dGradWeightReference(dy: ArrayLike<number>, x: ArrayLike<number>, shape: TransposeShape, options: ConvTransposeReferenceOptions = {}): Float64Array {
  const dw = new Float64Array(shape.inChannels * shape.outChannels * shape.kernelSize);
  forEachTransposeTerm(shape, options, (xi, wi, yi) => (dw[wi]! += dy[yi]! * x[xi]!));
  return dw;
}

/** y [rows, L * factor] with y[r, j] = x[r, floor(j / factor)]. */
export function upsampleNearest1dReference(x: ArrayLike<number>, rows: number, length: number, factor: number): Float64Array {
  const y = new Float64Array(rows * length * factor);
  for (let i = 0; i < y.length; i++) y[i] = x[Math.floor(i / factor)]!;
  return y;
}

/** dx [rows, L] with dx[r, i] = sum over q < factor of dy[r, i * factor + q]. */
export function upsampleNearest1dBackwardReference(dy: ArrayLike<number>, rows: number, length: number, factor: number): Float64Array {
  const dx = new Float64Array(rows * length);
  for (let i = 0; i < dy.length; i++) dx[Math.floor(i / factor)]! += dy[i]!;
  return dx;
}
