// 1-D convolutions with gradients, in PyTorch's layout and semantics:
//   conv1d           x [B, Cin, L], weight [Cout, Cin, K], bias [Cout] -> [B, Cout, Lout]
//   convTranspose1d  x [B, Cin, L], weight [Cin, Cout, K], bias [Cout] -> [B, Cout, Lout']
//   upsampleNearest1d x [B, C, L] -> [B, C, L * factor]
// A transposed convolution is the gradient of a convolution with respect to its input, so the two share the
// four kernels of core/kernels/conv1d.wgsl with the roles of the tensors swapped (see convTranspose1d).
import { type Conv1dGeometry, conv1dGradBiasLaunch, conv1dOutputLength } from '../kernels/conv1d.ts';
import { upsampleNearestBackwardLaunch, upsampleNearestLaunch } from '../kernels/upsample.ts';
import { conv1dForwardFamily, conv1dGradInputFamily, conv1dGradWeightFamily } from '../kernels/conv1d-families.ts';
import { unaryBackwardLaunch } from '../kernels/elementwise.ts';
import { recordGrad } from '../record-grad.ts';
import { type Shape, ShapeError, assertRank, formatShape } from '../shape.ts';
import { Tensor } from '../tensor.ts';

export interface ConvGeometryOptions {
  /** Default 1. */
  readonly stride?: number;
  /** Zeros on both sides. Default 0. */
  readonly padding?: number;
  /** Default 1. */
  readonly dilation?: number;
}

export interface Conv1dOptions extends ConvGeometryOptions {
  /**
   * Applies leakyRelu(y, leakySlope) (slope >= 0) to the output inside the convolution's own kernel, where the
   * adapter's kernel variant can (core/kernels/conv1d-families.ts): the pre-activation is never written.
   */
  readonly leakySlope?: number;
}

export interface ConvTranspose1dOptions extends ConvGeometryOptions {
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

const describeGeometry = (g: Conv1dGeometry) =>
  `[${g.batch},${g.inChannels},${g.inLength}]*[${g.outChannels},${g.inChannels},${g.kernelSize}] s${g.stride} p${g.padding} d${g.dilation}`;

/**
 * Sum over (batch, time) of dy times the shifted x, for every weight: dw [outChannels, inChannels, K] of the
 * geometry g, and the bias gradient db = sum of dy over (batch, time) when asked for (in the same pass where the
 * adapter's variant can).
 */
function weightGradients(g: Conv1dGeometry, dy: Tensor, x: Tensor, weightShape: Shape | null, biasName: string | null, name: string): [Tensor | null, Tensor | null] {
  const engine = x.engine;
  const dw = weightShape ? Tensor.empty(engine, weightShape, name) : null;
  const db = biasName ? Tensor.empty(engine, [g.outChannels], biasName) : null;
  if (!dw && !db) return [null, null];
  // Without a weight gradient to compute, the bias gradient still comes from the same family (into a temporary dw).
  const target = dw ?? Tensor.empty(engine, [g.outChannels, g.inChannels, g.kernelSize], `${name}.unused`);
  engine.run(conv1dGradWeightFamily, { g, dy: dy.buffer, x: x.buffer, dw: target.buffer, db: db?.buffer ?? null }, () => describeGeometry(g));
  if (!dw) target.dispose();
  return [dw, db];
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
  const leakySlope = options.leakySlope ?? null;
  if (leakySlope !== null && !(leakySlope >= 0)) throw new RangeError(`conv1d: leakySlope must be >= 0, got ${leakySlope}`);
  const g: Conv1dGeometry = { batch, inChannels, inLength, outChannels, outLength, kernelSize, stride, padding, dilation };
  const engine = x.engine;
  const y = Tensor.empty(engine, [batch, outChannels, outLength], leakySlope === null ? op : `${op}+leakyRelu`);
  if (y.size > 0) {
    engine.run(conv1dForwardFamily, { g, x: x.buffer, w: weight.buffer, bias: bias?.buffer ?? null, y: y.buffer, leakySlope }, () => describeGeometry(g));
  }

  const inputs = bias ? [x, weight, bias] : [x, weight];
  return recordGrad(y, op, inputs, (dyOut) => {
    // Through the activation first: y > 0 exactly where the pre-activation is (slope >= 0).
    let dy = dyOut;
    if (leakySlope !== null) {
      dy = Tensor.empty(engine, y.shape, 'conv1d.grad_pre_activation');
      if (y.size > 0) engine.dispatch(unaryBackwardLaunch('leakyRelu', y.buffer, y.buffer, dyOut.buffer, dy.buffer, y.size, leakySlope));
    }
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      dx = Tensor.empty(engine, x.shape, 'conv1d.grad_x');
      if (dx.size > 0) engine.run(conv1dGradInputFamily, { g, dy: dy.buffer, w: weight.buffer, bias: null, dx: dx.buffer }, () => describeGeometry(g));
    }
    const [dw, db] = weightGradients(g, dy, x, weight.requiresGrad ? weight.shape : null, bias?.requiresGrad ? 'conv1d.grad_bias' : null, 'conv1d.grad_weight');
    if (dy !== dyOut) dy.dispose();
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
  if (y.size > 0) engine.run(conv1dGradInputFamily, { g, dy: x.buffer, w: weight.buffer, bias: bias?.buffer ?? null, dx: y.buffer }, () => describeGeometry(g));

  const inputs = bias ? [x, weight, bias] : [x, weight];
  return recordGrad(y, op, inputs, (dy) => {
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      dx = Tensor.empty(engine, x.shape, `${op}.grad_x`);
      if (dx.size > 0) {
        engine.run(conv1dForwardFamily, { g, x: dy.buffer, w: weight.buffer, bias: null, y: dx.buffer, leakySlope: null }, () => describeGeometry(g));
      }
    }
    // The conv1d's weight gradient with x in the place of dy and dy in the place of x; the bias sums dy itself.
    const [dw] = weightGradients(g, x, dy, weight.requiresGrad ? weight.shape : null, null, `${op}.grad_weight`);
    let db: Tensor | null = null;
    if (bias?.requiresGrad) {
      db = Tensor.empty(engine, [outChannels], `${op}.grad_bias`);
      engine.dispatch(conv1dGradBiasLaunch(batch, outChannels, outLength, dy.buffer, db.buffer));
    }
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
