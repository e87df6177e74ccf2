// PGFace in TensorFlow.js, layer for layer talking-head/pgface/pgface.ts and the step of
// talking-head/training/pgface-trainer.ts, so the pgface.train-step row compares engines and not networks.
//
// What is the same: the audio window encoder (benchmarks/peers/posegan-tfjs.ts: three k3 convolutions, the
// flattening projection, leaky ReLU 0.2), the concatenated pose, the hidden and output linear layers; the
// losses, Eq. (7)-(8), as the quadratic form of talking-head/ops/masked-vertex-loss.ts on coefficient
// residuals (rows 2p and 2p + 1 neighbouring frames), weighted mu1 and mu2; Adam (beta 0.9 / 0.999, eps 1e-8).
// What differs, by necessity: TF.js convolves channels-last, so the windows [N, F, W] are transposed to
// [N, W, F] in the forward pass; where the backend has no Conv2DBackpropFilter (TF.js 4.22 WASM) the convolutions'
// weight gradient is a matMul a tap (posegan-tfjs.ts conv1d); TF.js's Adam puts eps outside the bias correction (a
// 1e-8-sized difference, as in the PoseGAN port). Only the 'pgface' variant (identity generated) is ported.
import type { PgFaceConfig } from '../../talking-head/pgface/config.ts';
import {
  type ParameterSpec, type PosedynParameter, type Weights, audioEncoder, audioEncoderSpecs, encoderReducedLength, initValues,
  makeWeights, weight,
} from './posegan-tfjs.ts';

type Tf = typeof import('@tensorflow/tfjs');
type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor3D = import('@tensorflow/tfjs').Tensor3D;
type Scalar = import('@tensorflow/tfjs').Scalar;

/** PGFace's parameters, in posedyn's names and shapes and in its registration order. */
export function pgFaceParameterSpecs(c: PgFaceConfig): ParameterSpec[] {
  if (c.variant !== 'pgface') throw new Error(`pgface-tfjs: the TF.js port implements the 'pgface' variant only, not '${c.variant}'`);
  const linear = (name: string, inputs: number, outputs: number): ParameterSpec[] => [
    { name: `${name}.weight`, shape: [outputs, inputs], kind: 'linear', fanIn: inputs },
    { name: `${name}.bias`, shape: [outputs], kind: 'vector', fanIn: inputs },
  ];
  return [
    ...audioEncoderSpecs(c.featureCount, c.encoder.channels, c.encoder.embedding, c.windowFrames),
    ...linear('hidden', c.encoder.embedding + c.poseChannels, c.hidden),
    ...linear('output', c.hidden, c.coefficients),
  ];
}

export interface TfPgFace {
  readonly config: PgFaceConfig;
  readonly weights: Weights;
}

export function randomPgFace(tf: Tf, config: PgFaceConfig, seed: number): TfPgFace {
  return { config, weights: makeWeights(tf, pgFaceParameterSpecs(config), encoderReducedLength(config.windowFrames), (s, i) => initValues(s, seed + i), 'pgface.') };
}

/** The TF.js network with posedyn's parameter values (names as posedyn's namedParameters()). */
export function pgFaceFromPosedyn(tf: Tf, config: PgFaceConfig, parameters: readonly PosedynParameter[]): TfPgFace {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const valuesOf = (spec: ParameterSpec) => {
    const p = byName.get(spec.name);
    if (!p) throw new Error(`pgface-tfjs: posedyn's PGFace has no parameter ${spec.name} (has ${[...byName.keys()].join(', ')})`);
    if (p.shape.join(',') !== spec.shape.join(',')) throw new Error(`pgface-tfjs: ${spec.name}: posedyn shape [${p.shape.join(', ')}], port expects [${spec.shape.join(', ')}]`);
    return p.values;
  };
  return { config, weights: makeWeights(tf, pgFaceParameterSpecs(config), encoderReducedLength(config.windowFrames), valuesOf, 'pgface.') };
}

export function disposePgFace(model: TfPgFace): void {
  for (const v of model.weights.values()) v.dispose();
}

/** windows [N, F, W] (posedyn's layout), poses [N, 6] -> coefficients [N, 144] (PgFace.forward). */
export function pgFaceForward(tf: Tf, model: TfPgFace, windows: Tensor3D, poses: Tensor): Tensor {
  const c = model.config;
  const w = model.weights;
  const audio = audioEncoder(tf, w, c.leakySlope, tf.transpose(windows, [0, 2, 1]) as Tensor3D);
  const hidden = tf.leakyRelu(tf.add(tf.matMul(tf.concat([audio, poses], 1), weight(w, 'hidden.weight')), weight(w, 'hidden.bias')), c.leakySlope);
  return tf.add(tf.matMul(hidden, weight(w, 'output.weight')), weight(w, 'output.bias'));
}

/**
 * (L_shape, L_s-motion) of talking-head/ops/masked-vertex-loss.ts: r = predicted - target [2P, K], L_shape =
 * sum_n r_n Q r_n / 2P, L_s-motion = sum_p d_p Q d_p / P with d_p = r_{2p+1} - r_{2p}; Q [K, K] symmetric.
 */
export function maskedVertexLossesTf(tf: Tf, predicted: Tensor, target: Tensor, quadratic: Tensor): [Scalar, Scalar] {
  const [rows, k] = predicted.shape as [number, number];
  const pairs = rows / 2;
  const r = tf.sub(predicted, target);
  const shape = tf.div(tf.sum(tf.mul(r, tf.matMul(r, quadratic, false, true))), rows) as Scalar;
  const byPair = tf.reshape(r, [pairs, 2, k]);
  const d = tf.reshape(tf.sub(tf.slice(byPair, [0, 1, 0], [pairs, 1, k]), tf.slice(byPair, [0, 0, 0], [pairs, 1, k])), [pairs, k]);
  const motion = tf.div(tf.sum(tf.mul(d, tf.matMul(d, quadratic, false, true))), pairs) as Scalar;
  return [shape, motion];
}

export interface PgFaceTfBatch {
  readonly audio: Tensor3D;
  readonly pose: Tensor;
  readonly face: Tensor;
}

export interface TfPgFaceTrainer {
  /** One step; returns mu1 L_shape + mu2 L_s-motion, unread, owned by the caller. */
  step(batch: PgFaceTfBatch): Tensor;
  /** The same loss without a step. */
  loss(batch: PgFaceTfBatch): Scalar;
  dispose(): void;
}

/** posedyn's PgFaceTrainer.step: predict, the vertex losses, one Adam step over every parameter. */
export function pgFaceTrainer(tf: Tf, model: TfPgFace, quadratic: Tensor, learningRate: number): TfPgFaceTrainer {
  const c = model.config;
  const optimizer = tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
  const variables = [...model.weights.values()];
  const loss = (batch: PgFaceTfBatch) => {
    const [shape, motion] = maskedVertexLossesTf(tf, pgFaceForward(tf, model, batch.audio, batch.pose), batch.face, quadratic);
    return tf.add(tf.mul(shape, c.mu1), tf.mul(motion, c.mu2)) as Scalar;
  };
  return {
    step(batch) {
      const { value, grads } = tf.variableGrads(() => loss(batch), variables);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose(grads);
      return value;
    },
    loss: (batch) => tf.tidy(() => loss(batch)),
    dispose: () => optimizer.dispose(),
  };
}
