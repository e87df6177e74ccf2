// The computations timed in peer engines (TensorFlow.js, PyTorch), as plain JSON-able data: each names the
// posedyn benchmark row it compares with, so the table can show posedyn's time over the peer's. Peers run in
// subprocesses and receive these objects on their command line.
//
// Layouts differ per engine, the arithmetic does not: TF.js convolves [B, L, C] with [K, Cin, Cout] filters
// (its only conv1d layout) while posedyn and PyTorch use [B, C, L] and [Cout, Cin, K]; the FLOP count and the
// output length are the same.

export interface MatmulCase {
  readonly kind: 'matmul';
  /** The posedyn row this compares with. */
  readonly name: string;
  /** C [M, N] = A [M, K] times B [K, N], or B stored [N, K] when transposeB (a linear layer, with bias then). */
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transposeB: boolean;
  readonly bias: boolean;
}

export type ConvDirection = 'forward' | 'grad_input' | 'grad_weight';

export interface Conv1dCase {
  readonly kind: 'conv1d';
  readonly name: string;
  readonly direction: ConvDirection;
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly length: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
}

export type PeerCase = MatmulCase | Conv1dCase;

/** PyTorch's (and posedyn's) conv1d output length. */
export function convOutputLength(c: Conv1dCase): number {
  return Math.floor((c.length + 2 * c.padding - (c.kernelSize - 1) - 1) / c.stride) + 1;
}

/** "[64,64,256]*[64,64,5] s1 p2", the shapes column of the table. */
export function describePeerCase(c: PeerCase): string {
  switch (c.kind) {
    case 'matmul':
      return `[${c.m},${c.k}]*[${c.transposeB ? `${c.n},${c.k}]ᵀ` : `${c.k},${c.n}]`}${c.bias ? '+bias' : ''}`;
    case 'conv1d':
      return `${c.direction} [${c.batch},${c.inChannels},${c.length}]*[${c.outChannels},${c.inChannels},${c.kernelSize}] s${c.stride} p${c.padding}`;
    default:
      return c satisfies never;
  }
}

/** What a peer subprocess prints on its last stdout line, as JSON. */
export interface PeerOutput {
  readonly peer: string;
  /** Backend details worth printing: version, thread count, SIMD. */
  readonly notes: readonly string[];
  readonly results: readonly { readonly name: string; readonly medianMs?: number; readonly skipped?: string }[];
}
