// The PoseGAN design choices of issue 14 (talking-head/posegan/config.ts): each computes what its comment says, and a
// training step with every one of them switched on runs and moves both networks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { conv1d } from '../../core/ops/conv1d.ts';
import { DESIGN_CHOICES_OF_ISSUE_14, defaultPoseGanConfig, LEGACY_POSEGAN_CHOICES, poseGanConfigFromJson } from '../../talking-head/posegan/config.ts';
import { PoseDiscriminator, frameDifferences } from '../../talking-head/posegan/discriminator.ts';
import { PoseGenerator } from '../../talking-head/posegan/generator.ts';
import { chainPose, generatePoseSequence, generatePoseWindows, windowHop, windowJoinFrames, windowSpacing } from '../../talking-head/inference/pose-windows.ts';
import { slice } from '../../core/ops/layout.ts';
import { reshape } from '../../core/ops/reshape.ts';
import { standardNormal } from '../../talking-head/posegan/noise.ts';
import { SpectralNormConv1d } from '../../talking-head/nn/spectral-norm-conv1d.ts';
import { discriminatorLoss, featureMatchingLoss, generatorAdversarialLoss } from '../../talking-head/training/adversarial-loss.ts';
import { CRITIC_FRAMES } from '../../talking-head/training/motion-critic.ts';
import { PoseGanTrainer } from '../../talking-head/training/posegan-trainer.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { uniform, uniformAvoiding } from '../helpers/random.ts';

const engine = await testEngine();
const FEATURES = 5;
const TINY = { frames: 64, encoder: { channels: [8, 8] as [number, number], embedding: 8 }, unetChannels: [8, 8, 8], groups: 4, discriminatorChannels: [8, 8] };

const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const meanOf = (xs: ArrayLike<number>, f: (x: number) => number) => Array.from(xs, f).reduce((a, b) => a + b, 0) / xs.length;

test('the three adversarial losses match their formulas for D and for G', async () => {
  const real = uniform(12, 1, -3, 3);
  const fake = uniform(12, 2, -3, 3);
  const expected = {
    'non-saturating': [meanOf(real, (z) => softplus(-z)) + meanOf(fake, (z) => softplus(z)), meanOf(fake, (z) => softplus(-z))],
    'least-squares': [meanOf(real, (z) => (z - 1) ** 2) + meanOf(fake, (z) => z * z), meanOf(fake, (z) => (z - 1) ** 2)],
    hinge: [meanOf(real, (z) => Math.max(0, 1 - z)) + meanOf(fake, (z) => Math.max(0, 1 + z)), meanOf(fake, (z) => -z)],
  } as const;
  for (const kind of ['non-saturating', 'least-squares', 'hinge'] as const) {
    const r = tensor(engine, real, [2, 1, 6]);
    const f = tensor(engine, fake, [2, 1, 6]);
    assertClose([await discriminatorLoss(kind, r, f).item(), await generatorAdversarialLoss(kind, f).item()], expected[kind], { atol: 1e-5, rtol: 1e-5 }, kind);
  }
});

test('G\'s side of each adversarial loss has the gradient of its formula (finite differences)', async () => {
  const data = uniformAvoiding(12, 3, -3, 3, [-1, 1], 0.05);
  const references = {
    'non-saturating': (z: Float64Array) => [meanOf(z, (x) => softplus(-x))],
    'least-squares': (z: Float64Array) => [meanOf(z, (x) => (x - 1) ** 2)],
    hinge: (z: Float64Array) => [meanOf(z, (x) => -x)],
  } as const;
  for (const kind of ['non-saturating', 'least-squares', 'hinge'] as const) {
    await gradCheck(engine, { name: `${kind} G loss`, inputs: [{ shape: [2, 1, 6], data }], gpu: ([z]) => generatorAdversarialLoss(kind, z!), reference: ([z]) => references[kind](z!) });
  }
  await gradCheck(engine, {
    name: 'hinge D loss', inputs: [{ shape: [2, 6], data }, { shape: [2, 6], data: uniformAvoiding(12, 4, -3, 3, [-1, 1], 0.05) }],
    gpu: ([r, f]) => discriminatorLoss('hinge', r!, f!),
    reference: ([r, f]) => [meanOf(r!, (x) => Math.max(0, 1 - x)) + meanOf(f!, (x) => Math.max(0, 1 + x))],
  });
});

test('feature matching is the sum over layers of the mean absolute difference, and 0 for equal features', async () => {
  const a = [uniform(8, 5), uniform(6, 6)];
  const b = [uniform(8, 7), uniform(6, 8)];
  const t = (x: Float32Array) => tensor(engine, x, [x.length]);
  const expected = a.reduce((s, x, l) => s + meanOf(x.map((v, i) => v - b[l]![i]!), Math.abs), 0);
  assertClose([await featureMatchingLoss(a.map(t), b.map(t)).item()], [expected], { atol: 1e-5, rtol: 1e-5 }, 'L_FM');
  assert.is(await featureMatchingLoss(a.map(t), a.map(t)).item(), 0);
});

test('frame differences: x_t - x_(t-1), 0 at the first frame, for every batch and channel', async () => {
  const x = uniform(2 * 3 * 7, 9);
  const out = await frameDifferences(tensor(engine, x, [2, 3, 7])).read();
  const expected = Array.from(x, (v, i) => (i % 7 === 0 ? 0 : v - x[i - 1]!));
  assertClose(out, expected, { atol: 1e-6, rtol: 1e-6 }, 'differences');
});

/** The largest singular value of a row-major [rows, cols] matrix, by many float64 power iterations. */
function largestSingularValue(m: Float32Array, rows: number, cols: number): number {
  let v = new Float64Array(cols).fill(1);
  let sigma = 0;
  for (let it = 0; it < 500; it++) {
    const u = new Float64Array(rows);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) u[r]! += m[r * cols + c]! * v[c]!;
    const next = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) next[c]! += m[r * cols + c]! * u[r]!;
    const norm = Math.hypot(...next);
    sigma = Math.sqrt(norm);
    v = next.map((x) => x / norm);
  }
  return sigma;
}

test('a spectrally normalised conv1d converges to conv1d with W / sigma_max(W) and leaves u alone outside training', async () => {
  const spec = { inChannels: 3, outChannels: 4, kernelSize: 5, stride: 2, padding: 2 };
  const layer = new SpectralNormConv1d(engine, 'sn', spec, new InitRandom(3));
  const x = tensor(engine, uniform(2 * 3 * 16, 11), [2, 3, 16]);
  const weight = layer.namedParameters().find(([n]) => n === 'conv.weight')![1];
  const w = await weight.read();
  const sigma = largestSingularValue(w, 4, 15);
  layer.train(true);
  for (let i = 0; i < 30; i++) engine.tidy(() => layer.forward(x).dispose());
  const expected = await conv1d(x, tensor(engine, w.map((v) => v / sigma), [4, 3, 5]), layer.namedParameters().find(([n]) => n === 'conv.bias')![1], spec).read();
  layer.train(false);
  const first = await layer.forward(x).read();
  assertClose(first, expected, { atol: 1e-4, rtol: 1e-3 }, 'spectrally normalised output');
  assertClose(await layer.forward(x).read(), first, { atol: 0, rtol: 0 }, 'evaluation does not move u');
  layer.dispose();
});

test('D\'s input follows the config: rotation only, frame differences, no audio, wider kernels (parameter shapes)', async () => {
  const shapeOf = (d: PoseDiscriminator, name: string) => d.namedParameters().find(([n]) => n === name)?.[1].shape;
  const legacy = new PoseDiscriminator(engine, defaultPoseGanConfig(FEATURES, { ...TINY, ...LEGACY_POSEGAN_CHOICES }), new InitRandom(1));
  assert.equal(shapeOf(legacy, 'conv1.weight'), [8, 32 + 6, 5]);
  const chosen = new PoseDiscriminator(engine, defaultPoseGanConfig(FEATURES, TINY), new InitRandom(1));
  assert.equal(shapeOf(chosen, 'conv1.conv.weight'), [8, 32 + 3 + 3, 9], 'the default D sees audio, the rotation and its frame differences, kernel 9, spectrally normalised');
  assert.is(shapeOf(chosen, 'conv1.weight'), undefined, 'the default D\'s convolutions are spectrally normalised');
  chosen.dispose();
  const kernel7 = new PoseDiscriminator(engine, defaultPoseGanConfig(FEATURES, { ...TINY, discriminatorKernel: 7, spectralNorm: false }), new InitRandom(1));
  assert.equal(shapeOf(kernel7, 'conv1.weight'), [8, 32 + 3 + 3, 7]);
  const motion = new PoseDiscriminator(engine, defaultPoseGanConfig(FEATURES, { ...TINY, discriminatorPose: 'rotation', discriminatorMotion: 10, discriminatorAudio: false, discriminatorKernel: 9, spectralNorm: false }), new InitRandom(1));
  assert.equal(shapeOf(motion, 'conv1.weight'), [8, 3 + 3, 9]);
  assert.is(shapeOf(motion, 'audio.weight'), undefined);
  const logits = motion.forward(null, tensor(engine, uniform(2 * 64 * 6, 2), [2, 64, 6]));
  assert.equal(logits.shape, [2, 1, 16]);
  const spectral = new PoseDiscriminator(engine, defaultPoseGanConfig(FEATURES, { ...TINY, ...LEGACY_POSEGAN_CHOICES, spectralNorm: true }), new InitRandom(1));
  assert.equal(shapeOf(spectral, 'conv1.conv.weight'), [8, 38, 5]);
  for (const d of [legacy, kernel7, motion, spectral]) d.dispose();
});

test('the defaults are the choices issue 14 kept, and the paper\'s lambda is selectable with the legacy choices', () => {
  const config = defaultPoseGanConfig(FEATURES) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(DESIGN_CHOICES_OF_ISSUE_14)) assert.equal(config[key], value, key);
  assert.is(config.lambda, 1);
  assert.is(config.reconstructionNormalisation, 'frame-mean');
  const paper = defaultPoseGanConfig(FEATURES, { ...LEGACY_POSEGAN_CHOICES, lambda: 0.01 }) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(LEGACY_POSEGAN_CHOICES)) assert.equal(paper[key], value, key);
  assert.is(paper.lambda, 0.01);
});

test('a checkpoint config without the issue-14 choices loads with their legacy values', () => {
  const old = { ...defaultPoseGanConfig(FEATURES, TINY) } as Record<string, unknown>;
  for (const key of Object.keys(LEGACY_POSEGAN_CHOICES)) delete old[key];
  const config = poseGanConfigFromJson(old);
  for (const [key, value] of Object.entries(LEGACY_POSEGAN_CHOICES)) assert.equal((config as unknown as Record<string, unknown>)[key], value, key);
});

test('a generator with noise channels needs noise, and different noise gives different poses', async () => {
  const config = defaultPoseGanConfig(FEATURES, { ...TINY, noiseChannels: 2 });
  const g = new PoseGenerator(engine, config, new InitRandom(2));
  const audio = tensor(engine, uniform(64 * FEATURES * 16, 3), [1, 64, FEATURES, 16]);
  const initial = tensor(engine, uniform(6, 4), [1, 6]);
  assert.equal(g.noiseShape(1, 64), [1, 2, 16]);
  assert.throws(() => g.forward(audio, initial), /noise/);
  const draw = (seed: number) => tensor(engine, standardNormal(new InitRandom(seed), 32), [1, 2, 16]);
  const a = await g.forward(audio, initial, draw(1)).read();
  const b = await g.forward(audio, initial, draw(2)).read();
  assert.ok(a.some((v, i) => Math.abs(v - b[i]!) > 1e-4), 'noise changes the output');
  g.dispose();
});

test('an anchored generator starts exactly at its initial pose; the next window starts one step on from the last', async () => {
  const config = defaultPoseGanConfig(FEATURES, { ...TINY, anchorInitialPose: true, outputSmoothing: 1 });
  const g = new PoseGenerator(engine, config, new InitRandom(6));
  const initial = uniform(2 * 6, 7);
  const poses = await g.forward(tensor(engine, uniform(2 * 64 * FEATURES * 16, 8), [2, 64, FEATURES, 16]), tensor(engine, initial, [2, 6])).read();
  assertClose([...poses.subarray(0, 6), ...poses.subarray(64 * 6, 65 * 6)], initial, { atol: 1e-5, rtol: 1e-5 }, 'first frames');
  const sequence = tensor(engine, [1, 2, 3, 4, 5, 6, 2, 4, 6, 8, 10, 12], [2, 6]);
  assert.equal(Array.from(await chainPose(config, sequence).read()), [3, 6, 9, 12, 15, 18]);
  assert.equal(Array.from(await chainPose({ ...config, anchorInitialPose: false }, sequence).read()), [2, 4, 6, 8, 10, 12]);
  g.dispose();
});

test('overlapping inference windows: full windows keep T - overlap frames, the next starts where the previous one is and fades in over the overlap; the tail is a full window ending at the end', async () => {
  const config = defaultPoseGanConfig(FEATURES, { ...TINY, anchorInitialPose: true, windowOverlap: 16 });
  const g = new PoseGenerator(engine, config, new InitRandom(9));
  g.train(false);
  const n = 150;
  const windows = tensor(engine, uniform(n * FEATURES * 16, 10), [n, FEATURES, 16]);
  const initial = tensor(engine, uniform(6, 11), [1, 6]);
  const whole = await generatePoseSequence(g, windows, initial).read();
  assert.is(whole.length, n * 6);
  assert.is(windowHop(config), 48);
  assert.equal(windowJoinFrames(windowSpacing(config), n), [48, 96], 'the joins the evaluation measures are the plan\'s');
  // The second window starts at frame 48 at the first window's pose there; frames 48..63 fade from the first
  // window's to the second's.
  const first = await g.forward(reshape(slice(windows, [0, 0, 0], [64, FEATURES, 16]), [1, 64, FEATURES, 16]), initial).read();
  assertClose(whole.subarray(0, 48 * 6), first.subarray(0, 48 * 6), { atol: 1e-5, rtol: 1e-5 }, 'the first window\'s kept frames');
  assertClose(whole.subarray(48 * 6, 49 * 6), first.subarray(48 * 6, 49 * 6), { atol: 1e-5, rtol: 1e-5 }, 'the second window starts at the first one\'s pose');
  const second = await g.forward(reshape(slice(windows, [48, 0, 0], [64, FEATURES, 16]), [1, 64, FEATURES, 16]), tensor(engine, first.subarray(48 * 6, 49 * 6), [1, 6])).read();
  const faded = Array.from({ length: 6 }, (_, c) => first[56 * 6 + c]! + (8 / 16) * (second[8 * 6 + c]! - first[56 * 6 + c]!));
  assertClose(whole.subarray(56 * 6, 57 * 6), faded, { atol: 1e-5, rtol: 1e-5 }, 'halfway through the overlap, half of each window');
  assertClose(whole.subarray(64 * 6, 65 * 6), second.subarray(16 * 6, 17 * 6), { atol: 1e-5, rtol: 1e-5 }, 'after the overlap, the second window');
  // 54 frames are left after frame 96: the end window is a full one over frames 86..149, started at the pose
  // already generated at frame 86, keeping its rows 10.. (frames 96..), faded in from the second window's tail.
  const end = await g.forward(reshape(slice(windows, [86, 0, 0], [64, FEATURES, 16]), [1, 64, FEATURES, 16]), tensor(engine, whole.subarray(86 * 6, 87 * 6), [1, 6])).read();
  const fadedEnd = Array.from({ length: 6 }, (_, c) => second[56 * 6 + c]! + (8 / 16) * (end[18 * 6 + c]! - second[56 * 6 + c]!));
  assertClose(whole.subarray(104 * 6, 105 * 6), fadedEnd, { atol: 1e-5, rtol: 1e-5 }, 'halfway through the end window\'s fade');
  assertClose(whole.subarray(120 * 6), end.subarray(34 * 6), { atol: 1e-5, rtol: 1e-5 }, 'the end window after its fade, to the last frame');
  // Streaming: the last call has only the end's windows and the previous call's kept poses (lead) and gives the same frames.
  const head = generatePoseWindows(g, windows, initial, { frames: 96 });
  const rest = await generatePoseWindows(g, slice(windows, [48, 0, 0], [n - 48, FEATURES, 16]), head.next.initial, { previous: head.next, lead: 48 }).poses.read();
  assertClose(rest, whole.subarray(96 * 6), { atol: 1e-6, rtol: 1e-6 }, 'the end window from a chain and its lead');
  // Asked for fewer frames (streaming), the same windows give the same poses.
  const part = await generatePoseWindows(g, slice(windows, [0, 0, 0], [48 + 64, FEATURES, 16]), initial, { frames: 96 }).poses.read();
  assertClose(part, whole.subarray(0, 96 * 6), { atol: 1e-6, rtol: 1e-6 }, 'two windows with their look-ahead');
  g.dispose();
});

test('standard normal noise has mean 0 and variance 1', () => {
  const z = standardNormal(new InitRandom(5), 20001);
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.04, `mean ${mean}, variance ${variance}`);
});

function batch(seed: number) {
  const random = new InitRandom(seed);
  return {
    batch: 2, length: 64,
    audio: random.uniform(2 * 64 * FEATURES * 16, 1), audioFrames: random.uniform(2 * 64 * FEATURES, 1),
    pose: random.uniform(2 * 64 * 6, 1), initial: random.uniform(2 * 6, 1),
  };
}

test('\'frame-mean\' divides Eq. (3)-(4) by the window\'s frames, so L_L2 is the sum form over T', async () => {
  const sums = new PoseGanTrainer(engine, defaultPoseGanConfig(FEATURES, { ...TINY, variant: 'cnn', reconstructionNormalisation: 'sum' }), { learningRate: 1e-3, seed: 1 });
  const means = new PoseGanTrainer(engine, defaultPoseGanConfig(FEATURES, { ...TINY, variant: 'cnn', reconstructionNormalisation: 'frame-mean' }), { learningRate: 1e-3, seed: 1 });
  const a = sums.step(batch(1));
  const b = means.step(batch(1));
  assertClose([await b.l2.item(), await b.pose.item(), await b.motion.item()], [(await a.l2.item()) / 64, (await a.pose.item()) / 64, (await a.motion.item()) / 64], { atol: 1e-5, rtol: 1e-4 }, 'per-frame losses');
  sums.dispose();
  means.dispose();
});

test('a step with every choice on (least squares, feature matching, spectral norm, noise, motion input, TTUR, output filter, motion critic with pose-only clips) gives finite losses and moves G, D and the critic', async () => {
  const config = defaultPoseGanConfig(FEATURES, {
    ...TINY, reconstructionNormalisation: 'frame-mean', lambda: 0.5, adversarialLoss: 'least-squares', featureMatching: 1, spectralNorm: true,
    noiseChannels: 2, discriminatorMotion: 10, discriminatorPose: 'rotation', discriminatorLearningRate: 4, outputSmoothing: 1, motionCritic: 0.5,
  });
  const poseOnly = [{ name: 'other', pose: uniform(100 * 6, 12) }];
  const trainer = new PoseGanTrainer(engine, config, { learningRate: 1e-3, seed: 2, poseOnly });
  assert.ok(trainer.motionCritic, 'the motion critic exists');
  assert.is(64 % CRITIC_FRAMES, 0);
  const before = async () => Promise.all([trainer.generator, trainer.discriminator!, trainer.motionCritic!.network].map(async (m) => m.parameters()[0]!.read()));
  const start = await before();
  const losses = trainer.step(batch(3));
  for (const [name, t] of Object.entries(losses)) {
    assert.ok(t, `${name} is reported`);
    const v = await t!.item();
    assert.ok(Number.isFinite(v), `${name} ${v}`);
  }
  const after = await before();
  after.forEach((p, k) => assert.ok(p.some((v, i) => v !== start[k]![i]), `network ${k} moved`));
  trainer.dispose();
});

test.run();
