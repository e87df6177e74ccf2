// 1-D convolutions with gradients, in PyTorch's layout and semantics:
//   conv1d           x [B, Cin, L], weight [Cout, Cin, K], bias [Cout] -> [B, Cout, Lout]
//   convTranspose1d  x [B, Cin, L], weight [Cin, Cout, K], bias [Cout] -> [B, Cout, Lout']
//   upsampleNearest1d x [B, C, L] -> [B, C, L * factor]
// A transposed convolution is the gradient of a convolution with respect to its input, so the two share the
// four kernels of core/kernels/conv1d.wgsl with the roles of the tensors swapped (see convTranspose1d).
import {
  type Conv1dGeometry, conv1dForwardLaunch, conv1dGradBiasLaunch, conv1dGradInputLaunch, conv1dGradWeightLaunch,
  conv1dGradWeightSplits, conv1dOutputLength, upsampleNearestBackwardLaunch, upsampleNearestLaunch,
} from '../kernels/conv1d.ts';
import { sumAxisLaunch } from '../kernels/reduce.ts';
import { recordGrad } from '../record-grad.ts';
import { type Shape, ShapeError, assertRank, formatShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';

export interface Conv1dOptions {
  /** Default 1. */
  readonly stride?: number;
  /** Zeros on both sides. Default 0. */
  readonly padding?: number;
  /** Default 1. */
  readonly dilation?: number;
}

export interface ConvTranspose1dOptions extends Conv1dOptions {
  /** Extra positions at the end of the output (PyTorch's output_padding). Less than stride or dilation; default 0. */
  readonly outputPadding?: number;
}

function checkInteger(op: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

function checkOperands(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, xChannelsAxis: 0 | 1, biasLength: number): void {
  assertRank(op, 'x', x.shape, 3, '[batch, channels, length]');
  assertRank(op, 'weight', weight.shape, 3, op === 'conv1d' ? '[out channels, in channels, kernel size]' : '[in channels, out channels, kernel size]');
  const expected = weight.shape[xChannelsAxis]!;
  if (x.shape[1] !== expected) {
    throw new ShapeError(
      `${op}: weight ${formatShape(weight.shape)} expects ${expected} input channels but x ${formatShape(x.shape)} has ${x.shape[1]}`,
    );
  }
  if (weight.shape.some((d) => d === 0)) throw new ShapeError(`${op}: weight ${formatShape(weight.shape)} has an empty dimension`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== biasLength)) {
    throw new ShapeError(`${op}: bias ${formatShape(bias.shape)} should be [${biasLength}] for weight ${formatShape(weight.shape)}`);
  }
  for (const t of [weight, bias]) {
    if (t && t.engine !== x.engine) throw new Error(`${op}: ${t.name} and x ${x.name} live on different engines`);
  }
}

/**
 * Sum over (batch, time) of dy times the shifted x, for every weight: dw [outChannels, inChannels, K] of the
 * geometry g. Long sums over few weights are split over more threads and the partial sums added after.
 */
function gradWeight(g: Conv1dGeometry, dy: Tensor, x: Tensor, shape: Shape, name: string): Tensor {
  const engine = x.engine;
  const dw = Tensor.empty(engine, shape, name);
  const splits = conv1dGradWeightSplits(g);
  if (splits === 1) {
    engine.dispatch(conv1dGradWeightLaunch(g, dy.buffer, x.buffer, dw.buffer, 1));
    return dw;
  }
  const partial = Tensor.empty(engine, [splits, ...shape], `${name}.partial`);
  engine.dispatch(conv1dGradWeightLaunch(g, dy.buffer, x.buffer, partial.buffer, splits));
  engine.dispatch(sumAxisLaunch(partial.buffer, dw.buffer, 1, splits, dw.size, 1));
  partial.dispose();
  return dw;
}

function gradBias(dy: Tensor, name: string): Tensor {
  const [batch, channels, length] = dy.shape as [number, number, number];
  const db = Tensor.empty(dy.engine, [channels], name);
  dy.engine.dispatch(conv1dGradBiasLaunch(batch, channels, length, dy.buffer, db.buffer));
  return db;
}

/**
 * y[b,o,t] = bias[o] + sum_{c,k} weight[o,c,k] x[b,c, t*stride - padding + k*dilation], zeros outside x.
 * x [B, Cin, L], weight [Cout, Cin, K], bias [Cout] or null -> [B, Cout, Lout],
 * Lout = floor((L + 2 padding - dilation (K-1) - 1) / stride) + 1.
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv1dOptions = {}): Tensor {
  const op = 'conv1d';
  const stride = checkInteger(op, 'stride', options.stride ?? 1, 1);
  const padding = checkInteger(op, 'padding', options.padding ?? 0, 0);
  const dilation = checkInteger(op, 'dilation', options.dilation ?? 1, 1);
  checkOperands(op, x, weight, bias, 1, weight.shape[0] ?? 0);
  const [batch, inChannels, inLength] = x.shape as [number, number, number];
  const [outChannels, , kernelSize] = weight.shape as [number, number, number];
  const outLength = conv1dOutputLength(inLength, kernelSize, stride, padding, dilation);
  if (outLength < 1) {
    throw new ShapeError(
      `conv1d: x ${formatShape(x.shape)} is too short for weight ${formatShape(weight.shape)} with stride ${stride}, padding ${padding}, dilation ${dilation} (output length ${outLength})`,
    );
  }
  const g: Conv1dGeometry = { batch, inChannels, inLength, outChannels, outLength, kernelSize, stride, padding, dilation };
  const engine = x.engine;
  const y = Tensor.empty(engine, [batch, outChannels, outLength], op);
  if (y.size > 0) engine.dispatch(conv1dForwardLaunch(g, x.buffer, weight.buffer, bias?.buffer ?? null, y.buffer));

  const inputs = bias ? [x, weight, bias] : [x, weight];
  return recordGrad(y, op, inputs, (dy) => {
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      dx = Tensor.empty(engine, x.shape, 'conv1d.grad_x');
      if (dx.size > 0) engine.dispatch(conv1dGradInputLaunch(g, dy.buffer, weight.buffer, null, dx.buffer));
    }
    const dw = weight.requiresGrad ? gradWeight(g, dy, x, weight.shape, 'conv1d.grad_weight') : null;
    const db = bias?.requiresGrad ? gradBias(dy, 'conv1d.grad_bias') : null;
    return [dx, dw, db];
  });
}

/**
 * The gradient of conv1d with respect to its input, as a layer (PyTorch's ConvTranspose1d):
 * y[b,o, t*stride - padding + k*dilation] += x[b,c,t] weight[c,o,k], plus bias[o].
 * x [B, Cin, L], weight [Cin, Cout, K], bias [Cout] or null -> [B, Cout, Lout],
 * Lout = (L-1) stride - 2 padding + dilation (K-1) + outputPadding + 1.
 *
 * In the geometry of the conv1d whose input gradient this is (weight [Cin, Cout, K] read as conv1d's
 * [out, in, K]): its forward is conv1d's grad_input, its input gradient is conv1d's forward of dy, and its
 * weight gradient is conv1d's grad_weight with x in the place of dy and dy in the place of x.
 */
export function convTranspose1d(x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvTranspose1dOptions = {}): Tensor {
  const op = 'convTranspose1d';
  const stride = checkInteger(op, 'stride', options.stride ?? 1, 1);
  const padding = checkInteger(op, 'padding', options.padding ?? 0, 0);
  const dilation = checkInteger(op, 'dilation', options.dilation ?? 1, 1);
  const outputPadding = checkInteger(op, 'outputPadding', options.outputPadding ?? 0, 0);
  if (outputPadding >= stride && outputPadding >= dilation) {
    throw new RangeError(`${op}: outputPadding ${outputPadding} must be smaller than stride ${stride} or dilation ${dilation}`);
  }
  checkOperands(op, x, weight, bias, 0, weight.shape[1] ?? 0);
  const [batch, inChannels, inLength] = x.shape as [number, number, number];
  const [, outChannels, kernelSize] = weight.shape as [number, number, number];
  const outLength = (inLength - 1) * stride - 2 * padding + dilation * (kernelSize - 1) + outputPadding + 1;
  if (outLength < 1) {
    throw new ShapeError(
      `${op}: x ${formatShape(x.shape)} with weight ${formatShape(weight.shape)}, stride ${stride}, padding ${padding}, dilation ${dilation} gives output length ${outLength}`,
    );
  }
  // The conv1d that maps this op's output [B, Cout, Lout] back to its input [B, Cin, L].
  const g: Conv1dGeometry = {
    batch, inChannels: outChannels, inLength: outLength, outChannels: inChannels, outLength: inLength, kernelSize, stride, padding, dilation,
  };
  const engine = x.engine;
  const y = Tensor.empty(engine, [batch, outChannels, outLength], op);
  if (y.size > 0) engine.dispatch(conv1dGradInputLaunch(g, x.buffer, weight.buffer, bias?.buffer ?? null, y.buffer));

  const inputs = bias ? [x, weight, bias] : [x, weight];
  return recordGrad(y, op, inputs, (dy) => {
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      dx = Tensor.empty(engine, x.shape, `${op}.grad_x`);
      if (dx.size > 0) engine.dispatch(conv1dForwardLaunch(g, dy.buffer, weight.buffer, null, dx.buffer));
    }
    const dw = weight.requiresGrad ? gradWeight(g, x, dy, weight.shape, `${op}.grad_weight`) : null;
    const db = bias?.requiresGrad ? gradBias(dy, `${op}.grad_bias`) : null;
    return [dx, dw, db];
  });
}

/** y[b,c,j] = x[b,c, floor(j / factor)]: x [B, C, L] -> [B, C, L * factor]. Its gradient sums each run of factor. */
export function upsampleNearest1d(x: Tensor, factor: number): Tensor {
  const op = 'upsampleNearest1d';
  checkInteger(op, 'factor', factor, 1);
  assertRank(op, 'x', x.shape, 3, '[batch, channels, length]');
  const [batch, channels, length] = x.shape as [number, number, number];
  const rows = batch * channels;
  const engine = x.engine;
  const y = Tensor.empty(engine, [batch, channels, length * factor], op);
  if (y.size > 0) engine.dispatch(upsampleNearestLaunch(rows, length, factor, x.buffer, y.buffer));
  return recordGrad(y, op, [x], (dy) => {
    const dx = Tensor.empty(engine, x.shape, `${op}.grad`);
    if (dx.size > 0) engine.dispatch(upsampleNearestBackwardLaunch(rows, length, factor, dy.buffer, dx.buffer));
    return [dx];
  });
}
