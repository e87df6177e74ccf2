// The TF.js port of PGFace (benchmarks/peers/pgface-tfjs.ts) times the same network as posedyn only if it is the
// same network: same parameters, and with posedyn's weights copied in, the same outputs, losses and training step.
// Checked in TF.js's CPU backend and in its WASM backend, whose convolutions train through the port's own weight
// gradient (no Conv2DBackpropFilter there), against posedyn on the test adapter.
import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parameterCount, type PosedynParameter } from '../../benchmarks/peers/posegan-tfjs.ts';
import { disposePgFace, pgFaceForward, pgFaceFromPosedyn, pgFaceParameterSpecs, pgFaceTrainer } from '../../benchmarks/peers/pgface-tfjs.ts';
import { loadTf } from '../../benchmarks/peers/tfjs.ts';
import { tensor } from '../../core/creation.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { defaultPgFaceConfig } from '../../talking-head/pgface/config.ts';
import { PgFace } from '../../talking-head/pgface/pgface.ts';
import { PgFaceTrainer } from '../../talking-head/training/pgface-trainer.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';

const FEATURES = 5;
const PAIRS = 3;
const ROWS = 2 * PAIRS;
const TINY = defaultPgFaceConfig(FEATURES, { encoder: { channels: [8, 12], embedding: 8 }, hidden: 16 });
const TOLERANCE = { atol: 2e-5, rtol: 1e-4 };

test('the TF.js port has as many parameters as posedyn\'s PGFace, at the default config too', async () => {
  const engine = await testEngine();
  for (const config of [TINY, defaultPgFaceConfig(29)]) {
    const model = new PgFace(engine, config, new InitRandom(1));
    assert.is(parameterCount(pgFaceParameterSpecs(config)), model.parameters().reduce((n, p) => n + p.size, 0));
    model.dispose();
  }
});

function syntheticBatch() {
  const random = new InitRandom(7);
  return { rows: ROWS, audio: random.uniform(ROWS * FEATURES * 16, 1), pose: random.uniform(ROWS * 6, 1), face: random.uniform(ROWS * 144, 1) };
}

/** A symmetric positive semi-definite Q [144, 144], as faceQuadraticForm's is. */
function quadraticForm(): Float32Array {
  const b = new InitRandom(9).uniform(20 * 144, 0.3);
  const q = new Float32Array(144 * 144);
  for (let i = 0; i < 144; i++) for (let j = 0; j < 144; j++) {
    let s = 0;
    for (let v = 0; v < 20; v++) s += b[v * 144 + i]! * b[v * 144 + j]!;
    q[i * 144 + j] = s;
  }
  return q;
}

async function matchesPosedyn(backend: 'cpu' | 'wasm'): Promise<void> {
  const engine = await testEngine();
  if (backend === 'wasm') await loadTf('wasm', []);
  else await tf.setBackend('cpu');
  assert.is(tf.getBackend(), backend);
  const q = quadraticForm();
  const trainer = new PgFaceTrainer(engine, TINY, engine.keep(tensor(engine, q, [144, 144], 'Q')), { learningRate: 1e-3, seed: 3 });
  const parameters: PosedynParameter[] = await Promise.all(trainer.model.namedParameters().map(async ([name, p]) => ({ name, shape: p.shape, values: await p.read() })));
  const model = pgFaceFromPosedyn(tf, TINY, parameters);
  const arrays = syntheticBatch();
  const batch = { audio: tf.tensor3d(arrays.audio, [ROWS, FEATURES, 16]), pose: tf.tensor2d(arrays.pose, [ROWS, 6]), face: tf.tensor2d(arrays.face, [ROWS, 144]) };
  const quadratic = tf.tensor2d(q, [144, 144]);
  const posedynForward = async () => {
    const out = engine.noGrad(() => engine.tidy(() => trainer.predict(arrays)));
    const values = await out.read();
    out.dispose();
    return values;
  };

  const forward = () => tf.tidy(() => pgFaceForward(tf, model, batch.audio, batch.pose).dataSync());
  assertClose(forward(), await posedynForward(), TOLERANCE, `${backend}: PGFace output`);
  const tfTrainer = pgFaceTrainer(tf, model, quadratic, 1e-3);
  const before = tfTrainer.loss(batch);
  const losses = trainer.evaluate(arrays);
  assertClose(before.dataSync(), await losses.total.read(), TOLERANCE, `${backend}: mu1 L_shape + mu2 L_s-motion`);
  engine.tidy(() => Object.values(losses).forEach((t) => t.dispose()));

  // One step each; then the outputs again. Adam moves a weight by about lr in the direction of its gradient's sign,
  // so the two engines' rounding can differ by up to 2 lr on a weight whose gradient is near zero.
  const initial = await posedynForward();
  const stepLoss = tfTrainer.step(batch);
  const stepped = trainer.step(arrays);
  assertClose(stepLoss.dataSync(), await stepped.total.read(), TOLERANCE, `${backend}: the step's loss`);
  engine.tidy(() => Object.values(stepped).forEach((t) => t.dispose()));
  const after = await posedynForward();
  assertClose(forward(), after, { atol: 2e-3, rtol: 1e-3 }, `${backend}: PGFace output after one training step`);
  // And the step moved the outputs well beyond that tolerance, so the line above compares two trained networks.
  const moved = Math.max(...Array.from(after, (v, i) => Math.abs(v - initial[i]!)));
  assert.ok(moved > 4e-3, `${backend}: one step moved posedyn's outputs by only ${moved}`);

  tfTrainer.dispose();
  disposePgFace(model);
  trainer.dispose();
  tf.dispose([before, stepLoss, quadratic, ...Object.values(batch)]);
}

test('with posedyn\'s weights, the TF.js PGFace, its losses and one training step match posedyn (CPU backend)', () => matchesPosedyn('cpu'));
test('... and in the WASM backend, whose convolutions train through the port\'s matMul weight gradient', () => matchesPosedyn('wasm'));

test.run();
