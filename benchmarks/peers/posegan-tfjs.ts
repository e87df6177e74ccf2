// PoseGAN in TensorFlow.js, layer for layer the same as talking-head/posegan/{generator,discriminator}.ts and the
// step of talking-head/training/posegan-trainer.ts, so the end-to-end rows compare engines and not networks.
//
// What is the same: every layer, width, kernel size, stride and padding; GroupNorm (biased variance, eps 1e-5,
// per-channel gamma/beta); leaky ReLU 0.2; the U-Net's concat skips and nearest 2x up-sampling; the
// residual initial pose, the output filter (Eq. 1) and the anchored first frame; the discriminator's inputs (1x1
// audio conv, the chosen pose channels and their frame differences) and patch logits; the losses, Eq. (3)-(6),
// normalised as the config says, with the config's adversarial loss form; one D step (at the config's D learning
// rate), then one G step against the updated D, from one generator forward; Adam (beta 0.9 / 0.999, eps 1e-8)
// for each network. The choices the port does not implement (noise, spectral norm, feature matching, the
// motion critic) are refused (`assertPortable`).
// What differs, by necessity: TF.js convolves channels-last ([B, L, C], filters [K, Cin, Cout], through its
// conv2d on [B, 1, L, C]), so the audio [B, T, F, W] is transposed once to [B*T, W, F] inside the forward pass,
// and the flattening of the audio encoder ([N, 4, c2] here, [N, c2, 4] in posedyn) is matched by permuting
// the projection's weight rows when weights are copied. TF.js's Adam puts eps outside the bias correction
// (lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), then m / (sqrt(v) + eps)): a 1e-8-sized difference.
//
// Weights come from posedyn's modules (`fromPosedynWeights`, for the faithfulness test) or from a seeded
// PyTorch-style uniform init (`randomPoseGanWeights`, for timing).
import type { PoseGanConfig } from '../../talking-head/posegan/config.ts';

type Tf = typeof import('@tensorflow/tfjs');
type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor3D = import('@tensorflow/tfjs').Tensor3D;
type Tensor4D = import('@tensorflow/tfjs').Tensor4D;
type Variable = import('@tensorflow/tfjs').Variable;

/** The discriminator's audio channels (talking-head/posegan/discriminator.ts AUDIO_CHANNELS). */
const DISCRIMINATOR_AUDIO_CHANNELS = 32;
const GROUP_NORM_EPS = 1e-5;

/** A parameter as posedyn stores it: its dotted name, posedyn's shape and layout, row-major values. */
export interface PosedynParameter {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** How a posedyn parameter maps to TF.js's layout. */
type ParameterKind = 'conv' | 'linear' | 'flatten-linear' | 'vector';

export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly kind: ParameterKind;
  /** Fan-in for the uniform init, PyTorch's default (GroupNorm parameters are 1 and 0 instead). */
  readonly fanIn: number;
  readonly init?: 'ones' | 'zeros';
}

// ------------------------------------------------------------------------------------------------ layout

/** The config choices (talking-head/posegan/config.ts) this port implements; anything else is refused. */
export function assertPortable(c: PoseGanConfig): void {
  const unsupported = [
    c.noiseChannels > 0 && 'noiseChannels', c.spectralNorm && 'spectralNorm', c.featureMatching > 0 && 'featureMatching', c.motionCritic > 0 && 'motionCritic',
  ].filter(Boolean);
  if (unsupported.length > 0) throw new Error(`posegan-tfjs: the TF.js port does not implement ${unsupported.join(', ')}`);
}

/** Pose channels the discriminator sees (talking-head/posegan/discriminator.ts discriminatorPoseChannels). */
const seenPoseChannels = (c: PoseGanConfig) => (c.discriminatorPose === 'rotation' ? 3 : c.poseChannels);

/** The generator's parameters, in posedyn's names and shapes and in its registration order. */
export function generatorParameterSpecs(c: PoseGanConfig): ParameterSpec[] {
  assertPortable(c);
  const specs: ParameterSpec[] = [];
  const conv = (name: string, cin: number, cout: number, k: number) => {
    specs.push({ name: `${name}.weight`, shape: [cout, cin, k], kind: 'conv', fanIn: cin * k });
    specs.push({ name: `${name}.bias`, shape: [cout], kind: 'vector', fanIn: cin * k });
  };
  const norm = (name: string, channels: number) => {
    specs.push({ name: `${name}.gamma`, shape: [channels], kind: 'vector', fanIn: 1, init: 'ones' });
    specs.push({ name: `${name}.beta`, shape: [channels], kind: 'vector', fanIn: 1, init: 'zeros' });
  };
  specs.push(...audioEncoderSpecs(c.featureCount, c.encoder.channels, c.encoder.embedding, c.windowFrames));
  const u = c.unetChannels;
  conv('input', c.encoder.embedding + c.poseChannels, u[0]!, 5);
  for (let i = 1; i < u.length; i++) {
    conv(`down${i}.conv`, u[i - 1]!, u[i]!, 5);
    norm(`down${i}.norm`, u[i]!);
  }
  for (let i = u.length - 1; i >= 1; i--) {
    conv(`up${i}.conv`, u[i]! + u[i - 1]!, u[i - 1]!, 5);
    norm(`up${i}.norm`, u[i - 1]!);
  }
  conv('output', u[0]! + c.poseChannels, c.poseChannels, 5);
  return specs;
}

export function discriminatorParameterSpecs(c: PoseGanConfig): ParameterSpec[] {
  const specs: ParameterSpec[] = [];
  const conv = (name: string, cin: number, cout: number, k: number) => {
    specs.push({ name: `${name}.weight`, shape: [cout, cin, k], kind: 'conv', fanIn: cin * k });
    specs.push({ name: `${name}.bias`, shape: [cout], kind: 'vector', fanIn: cin * k });
  };
  assertPortable(c);
  if (c.discriminatorAudio) conv('audio', c.featureCount, DISCRIMINATOR_AUDIO_CHANNELS, 1);
  let channels = (c.discriminatorAudio ? DISCRIMINATOR_AUDIO_CHANNELS : 0) + seenPoseChannels(c) * (c.discriminatorMotion > 0 ? 2 : 1);
  c.discriminatorChannels.forEach((out, i) => {
    conv(`conv${i + 1}`, channels, out, c.discriminatorKernel);
    if (i > 0) {
      specs.push({ name: `norm${i + 1}.gamma`, shape: [out], kind: 'vector', fanIn: 1, init: 'ones' });
      specs.push({ name: `norm${i + 1}.beta`, shape: [out], kind: 'vector', fanIn: 1, init: 'zeros' });
    }
    channels = out;
  });
  conv('output', channels, 1, 3);
  return specs;
}

/** The audio window encoder's parameters (talking-head/nn/audio-window-encoder.ts), named `encoder.*` as both networks register it. */
export function audioEncoderSpecs(featureCount: number, channels: readonly number[], embedding: number, windowFrames: number): ParameterSpec[] {
  const [c1, c2] = channels as [number, number];
  const specs: ParameterSpec[] = [];
  const conv = (name: string, cin: number, cout: number) => {
    specs.push({ name: `encoder.${name}.weight`, shape: [cout, cin, 3], kind: 'conv', fanIn: cin * 3 });
    specs.push({ name: `encoder.${name}.bias`, shape: [cout], kind: 'vector', fanIn: cin * 3 });
  };
  conv('conv1', featureCount, c1);
  conv('conv2', c1, c2);
  conv('conv3', c2, c2);
  const reduced = encoderReducedLength(windowFrames);
  specs.push({ name: 'encoder.project.weight', shape: [embedding, c2 * reduced], kind: 'flatten-linear', fanIn: c2 * reduced });
  specs.push({ name: 'encoder.project.bias', shape: [embedding], kind: 'vector', fanIn: c2 * reduced });
  return specs;
}

/** The audio encoder's window length after its two stride-2 convolutions (k3, pad 1): 16 -> 8 -> 4. */
export function encoderReducedLength(windowFrames: number): number {
  return Math.floor((Math.floor((windowFrames - 1) / 2) + 1 - 1) / 2) + 1;
}

export const parameterCount = (specs: readonly ParameterSpec[]) => specs.reduce((n, s) => n + s.shape.reduce((p, d) => p * d, 1), 0);

/** posedyn layout -> TF.js layout: conv [Cout, Cin, K] -> [K, Cin, Cout]; linear [out, in] -> [in, out]. */
function toTfLayout(tf: Tf, spec: ParameterSpec, values: Float32Array, reducedLength: number): Tensor {
  const [d0, d1, d2] = spec.shape as [number, number, number];
  switch (spec.kind) {
    case 'vector':
      return tf.tensor1d(values);
    case 'conv':
      return tf.tidy(() => tf.transpose(tf.tensor3d(values, [d0, d1, d2]), [2, 1, 0]));
    case 'linear':
      return tf.tidy(() => tf.transpose(tf.tensor2d(values, [d0, d1])));
    case 'flatten-linear': {
      // posedyn flattens the encoder's [N, c2, L] as c * L + l; TF.js's [N, L, c2] flattens as l * c2 + c.
      const c2 = d1 / reducedLength;
      return tf.tidy(() => tf.reshape(tf.transpose(tf.tensor3d(values, [d0, c2, reducedLength]), [2, 1, 0]), [reducedLength * c2, d0]));
    }
    default:
      return spec.kind satisfies never;
  }
}

/** A 32-bit LCG, so both engines' timing runs can be seeded without sharing an RNG. */
function uniformValues(n: number, bound: number, seed: number): Float32Array {
  const values = new Float32Array(n);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 31 - 1) * bound;
  }
  return values;
}

export type Weights = ReadonlyMap<string, Variable>;

/** TF.js variables of `specs` with the values valuesOf gives in posedyn's layout; `reduced`: the encoder's reduced length. */
export function makeWeights(tf: Tf, specs: readonly ParameterSpec[], reduced: number, valuesOf: (spec: ParameterSpec, index: number) => Float32Array, prefix: string): Weights {
  return new Map(specs.map((spec, i) => {
    const size = spec.shape.reduce((p, d) => p * d, 1);
    const values = valuesOf(spec, i);
    if (values.length !== size) throw new Error(`posegan-tfjs: parameter ${prefix}${spec.name}: expected ${size} values for shape [${spec.shape.join(', ')}], got ${values.length}`);
    const initial = toTfLayout(tf, spec, values, reduced);
    const variable = tf.variable(initial, true, `${prefix}${spec.name}`);
    initial.dispose();
    return [spec.name, variable];
  }));
}

export function initValues(spec: ParameterSpec, seed: number): Float32Array {
  const size = spec.shape.reduce((p, d) => p * d, 1);
  if (spec.init === 'ones') return new Float32Array(size).fill(1);
  if (spec.init === 'zeros') return new Float32Array(size);
  return uniformValues(size, 1 / Math.sqrt(spec.fanIn), seed);
}

export interface TfPoseGan {
  readonly config: PoseGanConfig;
  readonly generator: Weights;
  readonly discriminator: Weights;
}

export function randomPoseGan(tf: Tf, config: PoseGanConfig, seed: number): TfPoseGan {
  return {
    config,
    generator: makeWeights(tf, generatorParameterSpecs(config), encoderReducedLength(config.windowFrames), (s, i) => initValues(s, seed + i), 'generator.'),
    discriminator: makeWeights(tf, discriminatorParameterSpecs(config), encoderReducedLength(config.windowFrames), (s, i) => initValues(s, seed + 1000 + i), 'discriminator.'),
  };
}

/** The TF.js networks with posedyn's parameter values (names as posedyn's namedParameters(), without prefix). */
export function poseGanFromPosedyn(tf: Tf, config: PoseGanConfig, generator: readonly PosedynParameter[], discriminator: readonly PosedynParameter[]): TfPoseGan {
  const reduced = encoderReducedLength(config.windowFrames);
  const lookup = (params: readonly PosedynParameter[], what: string) => {
    const byName = new Map(params.map((p) => [p.name, p]));
    return (spec: ParameterSpec) => {
      const p = byName.get(spec.name);
      if (!p) throw new Error(`posegan-tfjs: posedyn's ${what} has no parameter ${spec.name} (has ${[...byName.keys()].join(', ')})`);
      if (p.shape.join(',') !== spec.shape.join(',')) throw new Error(`posegan-tfjs: ${what}.${spec.name}: posedyn shape [${p.shape.join(', ')}], port expects [${spec.shape.join(', ')}]`);
      return p.values;
    };
  };
  return {
    config,
    generator: makeWeights(tf, generatorParameterSpecs(config), reduced, lookup(generator, 'generator'), 'generator.'),
    discriminator: makeWeights(tf, discriminatorParameterSpecs(config), reduced, lookup(discriminator, 'discriminator'), 'discriminator.'),
  };
}

export function disposePoseGan(model: TfPoseGan): void {
  for (const v of [...model.generator.values(), ...model.discriminator.values()]) v.dispose();
}

// ------------------------------------------------------------------------------------------------ layers

export function weight(weights: Weights, name: string): Variable {
  const w = weights.get(name);
  if (!w) throw new Error(`posegan-tfjs: no parameter ${name}`);
  return w;
}

/** x [B, L, Cin] -> [B, Lout, Cout], posedyn's conv1d (symmetric zero padding), through conv2d on [B, 1, L, C]. */
export function conv1d(tf: Tf, weights: Weights, name: string, x: Tensor3D, stride: number, padding: number): Tensor3D {
  const filter = weight(weights, `${name}.weight`);
  const bias = weight(weights, `${name}.bias`);
  // TF.js 4.22's WASM backend has no Conv2DBackpropFilter: there the weight gradient is written with matMul.
  if (!tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) return conv1dMatmulWeightGrad(tf, x, filter, bias, stride, padding);
  const [k, cin, cout] = filter.shape as [number, number, number];
  const [b, l] = x.shape;
  const y = tf.fused.conv2d({
    x: tf.reshape(x, [b, 1, l, cin]) as Tensor4D,
    filter: tf.reshape(filter, [1, k, cin, cout]) as Tensor4D,
    strides: [1, stride],
    pad: [[0, 0], [0, 0], [padding, padding], [0, 0]],
    dataFormat: 'NHWC',
    bias,
  });
  return tf.reshape(y, [b, y.shape[2], cout]);
}

/**
 * conv1d with its own gradient, for backends without Conv2DBackpropFilter: the input's gradient by their
 * Conv2DBackpropInput kernel, the weight's as one matMul a tap, dW[k] = sum over (b, t) of x_pad[b, t s + k] dy[b, t]
 * (what a TF.js user training there would have to write; benchmarks/peers/README.md).
 */
function conv1dMatmulWeightGrad(tf: Tf, x: Tensor3D, filter: Tensor, bias: Tensor, stride: number, padding: number): Tensor3D {
  const [k, cin, cout] = filter.shape as [number, number, number];
  const [b, l] = x.shape;
  const strides: [number, number] = [1, stride];
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [0, 0], [padding, padding], [0, 0]];
  const f = tf.customGrad((...args: unknown[]) => {
    const [xIn, filterIn, biasIn] = args as [Tensor3D, Tensor, Tensor];
    const save = args[3] as (tensors: Tensor[]) => void;
    const x4 = tf.reshape(xIn, [b, 1, l, cin]) as Tensor4D;
    const f4 = tf.reshape(filterIn, [1, k, cin, cout]) as Tensor4D;
    const y4 = tf.add(tf.conv2d(x4, f4, strides, pad, 'NHWC'), biasIn) as Tensor4D;
    save([x4, f4]);
    const lout = y4.shape[2];
    return {
      value: tf.reshape(y4, [b, lout, cout]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, fs] = saved as [Tensor4D, Tensor4D];
        const dy4 = tf.reshape(dy, [b, 1, lout, cout]) as Tensor4D;
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy: dy4, filter: fs }, { strides, pad, dataFormat: 'NHWC', inputShape: [b, 1, l, cin] }) as Tensor;
        const padded = tf.pad(tf.reshape(xs, [b, l, cin]), [[0, 0], [padding, padding], [0, 0]]);
        const dyRows = tf.reshape(dy, [b * lout, cout]);
        const taps = Array.from({ length: k }, (_, tap) => {
          const xTap = tf.stridedSlice(padded, [0, tap, 0], [b, tap + stride * (lout - 1) + 1, cin], [1, stride, 1]);
          return tf.matMul(tf.reshape(xTap, [b * lout, cin]), dyRows, true, false);
        });
        return [tf.reshape(dx, [b, l, cin]), tf.stack(taps), tf.sum(dy, [0, 1])];
      },
    };
  }) as (xIn: Tensor, filterIn: Tensor, biasIn: Tensor) => Tensor;
  return f(x, filter, bias) as Tensor3D;
}

/** GroupNorm over [B, L, C]: statistics per sample and group of C / G channels over all positions. */
function groupNorm(tf: Tf, weights: Weights, name: string, x: Tensor3D, groups: number): Tensor3D {
  const [b, l, c] = x.shape;
  const grouped = tf.reshape(x, [b, l, groups, c / groups]);
  const { mean, variance } = tf.moments(grouped, [1, 3], true);
  const normalised = tf.reshape(tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, GROUP_NORM_EPS))), [b, l, c]);
  return tf.add(tf.mul(normalised, weight(weights, `${name}.gamma`)), weight(weights, `${name}.beta`));
}

/** x [B, L, C] -> [B, 2L, C], each position repeated. */
function upsampleNearest2(tf: Tf, x: Tensor3D): Tensor3D {
  const [b, l, c] = x.shape;
  return tf.reshape(tf.tile(tf.reshape(x, [b, l, 1, c]), [1, 1, 2, 1]), [b, 2 * l, c]);
}

/** windows [N, W, F] -> [N, embedding] (talking-head/nn/audio-window-encoder.ts), its parameters `encoder.*` of `weights`. */
export function audioEncoder(tf: Tf, weights: Weights, slope: number, windows: Tensor3D): Tensor {
  let h = tf.leakyRelu(conv1d(tf, weights, 'encoder.conv1', windows, 1, 1), slope);
  h = tf.leakyRelu(conv1d(tf, weights, 'encoder.conv2', h, 2, 1), slope);
  h = tf.leakyRelu(conv1d(tf, weights, 'encoder.conv3', h, 2, 1), slope);
  const flat = tf.reshape(h, [windows.shape[0], -1]);
  const projected = tf.add(tf.matMul(flat, weight(weights, 'encoder.project.weight')), weight(weights, 'encoder.project.bias'));
  return tf.leakyRelu(projected, slope);
}

/** audio [B, T, F, W] (posedyn's layout), initial [B, 6] -> poses [B, T, 6]. */
export function generatorForward(tf: Tf, model: TfPoseGan, audio: Tensor4D, initial: Tensor): Tensor3D {
  const [batch, frames, features, window] = audio.shape;
  const sequence = generatorEncode(tf, model, tf.reshape(audio, [batch * frames, features, window]) as Tensor3D);
  return generatorForwardEncoded(tf, model, tf.reshape(sequence, [batch, frames, model.config.encoder.embedding]) as Tensor3D, initial);
}

/** The audio encoder on every frame's window: windows [N, F, W] (posedyn's layout) -> [N, embedding] (PoseGenerator.encodeAudio). */
export function generatorEncode(tf: Tf, model: TfPoseGan, windows: Tensor3D): Tensor {
  return audioEncoder(tf, model.generator, model.config.leakySlope, tf.transpose(windows, [0, 2, 1]) as Tensor3D);
}

/** The generator after its audio encoder: sequence [B, T, embedding], initial [B, 6] -> poses [B, T, 6] (PoseGenerator.forwardEncoded). */
export function generatorForwardEncoded(tf: Tf, model: TfPoseGan, sequence: Tensor3D, initial: Tensor): Tensor3D {
  const c = model.config;
  const w = model.generator;
  const [batch, frames] = sequence.shape;
  const initialChannels = tf.tile(tf.reshape(initial, [batch, 1, c.poseChannels]), [1, frames, 1]) as Tensor3D;
  const block = (name: string, x: Tensor3D, stride: number) =>
    tf.leakyRelu(groupNorm(tf, w, `${name}.norm`, conv1d(tf, w, `${name}.conv`, x, stride, 2), c.groups), c.leakySlope);

  const skips: Tensor3D[] = [tf.leakyRelu(conv1d(tf, w, 'input', tf.concat([sequence, initialChannels], 2), 1, 2), c.leakySlope)];
  const levels = c.unetChannels.length;
  for (let i = 1; i < levels; i++) skips.push(block(`down${i}`, skips.at(-1)!, 2));
  let h = skips.pop()!;
  for (let i = levels - 1; i >= 1; i--) h = block(`up${i}`, tf.concat([upsampleNearest2(tf, h), skips.pop()!], 2), 1);
  let out = conv1d(tf, w, 'output', tf.concat([h, initialChannels], 2), 1, 2);
  if (c.residualInitialPose) out = tf.add(out, initialChannels);
  if (c.outputSmoothing > 0) out = gaussianFilter(tf, out, c.outputSmoothing);
  if (c.anchorInitialPose) out = tf.add(tf.sub(out, tf.slice(out, [0, 0, 0], [batch, 1, c.poseChannels])), initialChannels);
  return out;
}

/**
 * Eq. (1) along the frames of x [B, L, C] as talking-head/kernels/gaussian-filter.wgsl does it: 2m + 1 taps
 * (m = ceil(3 sigma)) normalised to sum 1, the first and last frame repeated beyond the edges.
 */
function gaussianFilter(tf: Tf, x: Tensor3D, sigma: number): Tensor3D {
  const m = Math.ceil(3 * sigma);
  const taps = Array.from({ length: 2 * m + 1 }, (_, k) => Math.exp(-((k - m) ** 2) / (2 * sigma * sigma)));
  const total = taps.reduce((a, b) => a + b, 0);
  const [b, l, c] = x.shape;
  const first = tf.tile(tf.slice(x, [0, 0, 0], [b, 1, c]), [1, m, 1]);
  const last = tf.tile(tf.slice(x, [0, l - 1, 0], [b, 1, c]), [1, m, 1]);
  const padded = tf.concat([first, x, last], 1);
  let out: Tensor = tf.zerosLike(x);
  taps.forEach((w, k) => {
    out = tf.add(out, tf.mul(tf.slice(padded, [0, k, 0], [b, l, c]), w / total));
  });
  return out as Tensor3D;
}

/** audioFrames [B, T, F], poses [B, T, 6] -> logits [B, T / 2^n, 1] (talking-head/posegan/discriminator.ts). */
export function discriminatorForward(tf: Tf, model: TfPoseGan, audioFrames: Tensor3D, poses: Tensor3D): Tensor3D {
  const c = model.config;
  const w = model.discriminator;
  const [batch, frames] = poses.shape;
  const seen = seenPoseChannels(c);
  const pose = seen < c.poseChannels ? tf.slice(poses, [0, 0, 0], [batch, frames, seen]) : poses;
  const inputs: Tensor[] = [pose];
  if (c.discriminatorMotion > 0) {
    const steps = tf.sub(tf.slice(pose, [0, 1, 0], [batch, frames - 1, seen]), tf.slice(pose, [0, 0, 0], [batch, frames - 1, seen]));
    inputs.push(tf.mul(tf.concat([tf.zeros([batch, 1, seen]), steps], 1), c.discriminatorMotion));
  }
  if (c.discriminatorAudio) inputs.unshift(tf.leakyRelu(conv1d(tf, w, 'audio', audioFrames, 1, 0), c.leakySlope));
  let h = (inputs.length === 1 ? inputs[0]! : tf.concat(inputs, 2)) as Tensor3D;
  c.discriminatorChannels.forEach((_, i) => {
    h = conv1d(tf, w, `conv${i + 1}`, h, 2, (c.discriminatorKernel - 1) / 2);
    if (i > 0) h = groupNorm(tf, w, `norm${i + 1}`, h, c.groups);
    h = tf.leakyRelu(h, c.leakySlope);
  });
  return conv1d(tf, w, 'output', h, 1, 1);
}

// ------------------------------------------------------------------------------------------------ losses

/** Mean over elements of BCE(sigmoid(z), y) for a constant label y, in the overflow-free form of kernels/loss.wgsl. */
function bceWithLogits(tf: Tf, logits: Tensor, label: number): Tensor {
  const terms = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, label)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return tf.mean(terms);
}

/** D's loss on real and fake logits, in the config's form (talking-head/training/adversarial-loss.ts). */
function discriminatorLoss(tf: Tf, c: PoseGanConfig, real: Tensor, fake: Tensor): Tensor {
  switch (c.adversarialLoss) {
    case 'non-saturating':
      return tf.add(bceWithLogits(tf, real, 1), bceWithLogits(tf, fake, 0));
    case 'least-squares':
      return tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake)));
    case 'hinge':
      return tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(fake, 1))));
    default:
      return c.adversarialLoss satisfies never;
  }
}

/** G's adversarial loss on the logits of its fakes. */
function generatorAdversarialLoss(tf: Tf, c: PoseGanConfig, fake: Tensor): Tensor {
  switch (c.adversarialLoss) {
    case 'non-saturating':
      return bceWithLogits(tf, fake, 1);
    case 'least-squares':
      return tf.mean(tf.square(tf.sub(fake, 1)));
    case 'hinge':
      return tf.neg(tf.mean(fake));
    default:
      return c.adversarialLoss satisfies never;
  }
}

/**
 * Eq. (3)-(5): per sample L_pose = ||p - yhat_0||^2 + sum_t ||y_t - yhat_t||^2 and
 * L_motion = sum_{t>=1} ||e_t - e_{t-1}||^2 with e = yhat - y; returns alpha mean(L_pose) + beta mean(L_motion),
 * both divided by the frames when the config says 'frame-mean'.
 */
export function reconstructionLoss(tf: Tf, c: PoseGanConfig, generated: Tensor3D, real: Tensor3D, initial: Tensor): Tensor {
  const [batch, frames, channels] = generated.shape;
  const e = tf.sub(generated, real);
  const first = tf.reshape(tf.slice(generated, [0, 0, 0], [batch, 1, channels]), [batch, channels]);
  const pose = tf.add(tf.sum(tf.square(tf.sub(initial, first))), tf.sum(tf.square(e)));
  const de = tf.sub(tf.slice(e, [0, 1, 0], [batch, frames - 1, channels]), tf.slice(e, [0, 0, 0], [batch, frames - 1, channels]));
  const motion = tf.sum(tf.square(de));
  const scale = c.reconstructionNormalisation === 'frame-mean' ? frames : 1;
  return tf.div(tf.add(tf.mul(pose, c.alpha), tf.mul(motion, c.beta)), batch * scale);
}

/** The gradient map of tf.variableGrads as the list Optimizer.applyGradients takes. */
const named = (grads: import('@tensorflow/tfjs').NamedTensorMap) => Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));

/** G's input with its gradient cut: detach(fake) of posedyn's trainer. */
function detacher(tf: Tf): (x: Tensor) => Tensor {
  return tf.customGrad((...inputs) => ({ value: tf.clone(inputs[0] as Tensor), gradFunc: (dy: Tensor) => tf.zerosLike(dy) })) as (x: Tensor) => Tensor;
}

export interface PoseGanTfBatch {
  readonly audio: Tensor4D;
  readonly audioFrames: Tensor3D;
  readonly pose: Tensor3D;
  readonly initial: Tensor;
}

export interface TfPoseGanTrainer {
  /** One D step then one G step; returns (discriminator loss, generator loss), unread, owned by the caller. */
  step(batch: PoseGanTfBatch): [Tensor, Tensor];
  dispose(): void;
}

/**
 * posedyn's PoseGanTrainer.step: fake = G(x, p) once; D step on D(x, y) vs D(x, detach(fake)); G step on
 * lambda L_GAN'(D'(x, fake)) + L_L2 with the updated D'. The D step runs inside the G step's gradient scope
 * (TF.js supports nested gradient tapes), so G's forward pass is not recomputed.
 */
export function poseGanTrainer(tf: Tf, model: TfPoseGan, learningRate: number): TfPoseGanTrainer {
  const c = model.config;
  const generatorOptimizer = tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
  const discriminatorOptimizer = tf.train.adam(learningRate * c.discriminatorLearningRate, 0.9, 0.999, 1e-8);
  const generatorVariables = [...model.generator.values()];
  const discriminatorVariables = [...model.discriminator.values()];
  const detach = detacher(tf);
  return {
    step(batch) {
      let dLoss: Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const fake = generatorForward(tf, model, batch.audio, batch.initial);
        const l2 = reconstructionLoss(tf, c, fake, batch.pose, batch.initial);
        if (c.variant === 'cnn') return l2 as import('@tensorflow/tfjs').Scalar;
        const fakeData = detach(fake) as Tensor3D;
        const d = tf.variableGrads(() => discriminatorLoss(
          tf, c, discriminatorForward(tf, model, batch.audioFrames, batch.pose), discriminatorForward(tf, model, batch.audioFrames, fakeData),
        ) as import('@tensorflow/tfjs').Scalar, discriminatorVariables);
        discriminatorOptimizer.applyGradients(named(d.grads));
        tf.dispose(d.grads);
        dLoss = tf.keep(d.value);
        const adversarial = generatorAdversarialLoss(tf, c, discriminatorForward(tf, model, batch.audioFrames, fake));
        return tf.add(tf.mul(adversarial, c.lambda), l2) as import('@tensorflow/tfjs').Scalar;
      }, generatorVariables);
      generatorOptimizer.applyGradients(named(grads));
      tf.dispose(grads);
      return [dLoss ?? tf.scalar(0), value];
    },
    dispose() {
      generatorOptimizer.dispose();
      discriminatorOptimizer.dispose();
    },
  };
}
