// The TF.js port of PoseGAN (benchmarks/peers/posegan-tfjs.ts) times the same network as posedyn only if it is
// the same network: same parameters, and with posedyn's weights copied in, the same outputs, losses and
// training step. Checked on a tiny config in TF.js's CPU backend against posedyn on the test adapter.
import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  discriminatorForward, discriminatorParameterSpecs, disposePoseGan, generatorForward, generatorParameterSpecs,
  parameterCount, poseGanFromPosedyn, poseGanTrainer, type PosedynParameter,
} from '../../benchmarks/peers/posegan-tfjs.ts';
import { generatePoseSequenceTf } from '../../benchmarks/peers/pose-windows-tfjs.ts';
import { tensor } from '../../core/creation.ts';
import type { Module } from '../../core/nn/module.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { LEGACY_POSEGAN_CHOICES, type PoseGanConfig, defaultPoseGanConfig } from '../../talking-head/posegan/config.ts';
import { generatePoseSequence } from '../../talking-head/inference/pose-windows.ts';
import { PoseGanTrainer } from '../../talking-head/training/posegan-trainer.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';

const FEATURES = 5;
const BATCH = 2;
const FRAMES = 16;
// spectralNorm off: the port does not implement it (benchmarks/peers/posegan-tfjs.ts); every other default is compared.
const TINY = defaultPoseGanConfig(FEATURES, {
  spectralNorm: false, frames: FRAMES, encoder: { channels: [8, 12], embedding: 8 }, unetChannels: [8, 12, 16], groups: 4, discriminatorChannels: [8, 12],
});
/** The paper's losses as written and the legacy discriminator, beside the defaults. */
const LEGACY = defaultPoseGanConfig(FEATURES, { ...TINY, ...LEGACY_POSEGAN_CHOICES });
/** The other choices the port implements. */
const OTHERS = defaultPoseGanConfig(FEATURES, {
  ...TINY, adversarialLoss: 'least-squares', discriminatorAudio: false, discriminatorPose: 'rotation', discriminatorMotion: 10, discriminatorKernel: 7,
  discriminatorLearningRate: 2, outputSmoothing: 1.5, anchorInitialPose: true, reconstructionNormalisation: 'frame-mean',
});

async function posedynParameters(module: Module): Promise<PosedynParameter[]> {
  return Promise.all(module.namedParameters().map(async ([name, p]) => ({ name, shape: p.shape, values: await p.read() })));
}

function syntheticBatch() {
  const random = new InitRandom(7);
  return {
    batch: BATCH, length: FRAMES,
    audio: random.uniform(BATCH * FRAMES * FEATURES * 16, 1),
    audioFrames: random.uniform(BATCH * FRAMES * FEATURES, 1),
    pose: random.uniform(BATCH * FRAMES * 6, 1),
    initial: random.uniform(BATCH * 6, 1),
  };
}

const TOLERANCE = { atol: 2e-5, rtol: 1e-4 };

test('the TF.js port has as many parameters as posedyn\'s generator and discriminator, at the default config (without spectral norm) too', async () => {
  const engine = await testEngine();
  // the default config less spectral norm (not in the port; it adds no parameter, only the state u)
  for (const config of [TINY, LEGACY, OTHERS, defaultPoseGanConfig(29, { spectralNorm: false })]) {
    const trainer = new PoseGanTrainer(engine, config, { learningRate: 1e-4, seed: 1 });
    const own = (m: Module) => m.parameters().reduce((n, p) => n + p.size, 0);
    assert.is(parameterCount(generatorParameterSpecs(config)), own(trainer.generator), 'generator parameters');
    assert.is(parameterCount(discriminatorParameterSpecs(config)), own(trainer.discriminator!), 'discriminator parameters');
    trainer.dispose();
  }
});

async function matchesPosedyn(config: PoseGanConfig): Promise<void> {
  const engine = await testEngine();
  await tf.setBackend('cpu');
  const trainer = new PoseGanTrainer(engine, config, { learningRate: 1e-3, seed: 3 });
  const model = poseGanFromPosedyn(tf, config, await posedynParameters(trainer.generator), await posedynParameters(trainer.discriminator!));
  const arrays = syntheticBatch();
  const batch = {
    audio: tf.tensor4d(arrays.audio, [BATCH, FRAMES, FEATURES, 16]),
    audioFrames: tf.tensor3d(arrays.audioFrames, [BATCH, FRAMES, FEATURES]),
    pose: tf.tensor3d(arrays.pose, [BATCH, FRAMES, 6]),
    initial: tf.tensor2d(arrays.initial, [BATCH, 6]),
  };
  const posedynForward = async () => {
    const fake = engine.noGrad(() => engine.tidy(() => {
      const b = trainer.batchTensors(arrays);
      return trainer.generator.forward(b.audio, b.initial);
    }));
    const values = await fake.read();
    fake.dispose();
    return values;
  };

  assertClose(generatorForward(tf, model, batch.audio, batch.initial).dataSync(), await posedynForward(), TOLERANCE, 'generator output');
  const logits = engine.noGrad(() => engine.tidy(() => {
    const b = trainer.batchTensors(arrays);
    return trainer.discriminator!.forward(b.audioFrames, b.pose);
  }));
  assertClose(discriminatorForward(tf, model, batch.audioFrames, batch.pose).dataSync(), await logits.read(), TOLERANCE, 'discriminator logits');
  logits.dispose();

  // One step each: the losses before the update, then the generator after both networks' updates.
  const tfTrainer = poseGanTrainer(tf, model, 1e-3);
  const [tfD, tfG] = tfTrainer.step(batch);
  const losses = trainer.step(arrays);
  const posedynG = (await losses.adversarial!.read())[0]! * config.lambda + (await losses.l2.read())[0]!;
  assertClose(tfD.dataSync(), await losses.discriminator!.read(), TOLERANCE, 'discriminator loss');
  assertClose(tfG.dataSync(), [posedynG], TOLERANCE, 'generator loss (lambda L_GAN + L_L2)');
  // Adam moves a weight by about lr in the direction of its gradient's sign, so the two engines' rounding can
  // differ by up to 2 lr on a weight whose gradient is near zero: a looser tolerance after the step.
  assertClose(generatorForward(tf, model, batch.audio, batch.initial).dataSync(), await posedynForward(), { atol: 2e-3, rtol: 1e-3 }, 'generator output after one training step');

  engine.tidy(() => Object.values(losses).forEach((t) => t?.dispose()));
  tfTrainer.dispose();
  disposePoseGan(model);
  trainer.dispose();
  tf.dispose([tfD, tfG, ...Object.values(batch)]);
}

test('with posedyn\'s weights, the TF.js generator, discriminator, losses and one training step match posedyn (the defaults)', () => matchesPosedyn(TINY));
test('... and with the paper\'s losses as written and the legacy discriminator', () => matchesPosedyn(LEGACY));
test('... and with least squares, an unconditional rotation critic of frame differences, kernel 7, TTUR, a wider output filter', () => matchesPosedyn(OTHERS));

test('the peer\'s generation runs posedyn\'s windows: overlapping, chained, cross-faded, and the end window, to the same poses', async () => {
  const engine = await testEngine();
  await tf.setBackend('cpu');
  const frames = 40; // windows of 16 every 14 frames: full at 0 and 14, the end window over 24..39
  const trainer = new PoseGanTrainer(engine, TINY, { learningRate: 1e-3, seed: 4 });
  trainer.generator.train(false);
  const model = poseGanFromPosedyn(tf, TINY, await posedynParameters(trainer.generator), await posedynParameters(trainer.discriminator!));
  const random = new InitRandom(8);
  const audio = random.uniform(frames * FEATURES * 16, 1);
  const initial = random.uniform(6, 1);
  const own = engine.noGrad(() => engine.tidy(() => generatePoseSequence(trainer.generator, tensor(engine, audio, [frames, FEATURES, 16]), tensor(engine, initial, [1, 6]))));
  const expected = await own.read();
  own.dispose();
  const peer = tf.tidy(() => generatePoseSequenceTf(tf, model, tf.tensor3d(audio, [frames, FEATURES, 16]), tf.tensor2d(initial, [1, 6])));
  assert.equal(peer.shape, [frames, 6]);
  assertClose(peer.dataSync(), expected, TOLERANCE, 'poses over three windows');
  peer.dispose();
  disposePoseGan(model);
  trainer.dispose();
});


test.run();
