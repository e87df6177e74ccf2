// The work both sides of the parity test run, Node (Dawn) and Chromium (WebGPU), from this one module: a small
// PoseGAN trained for PARITY_STEPS steps on seeded synthetic batches, its checkpoint, and generation from a
// checkpoint pair on seeded synthetic speech. Runtime-agnostic (no Node, no DOM): the page bundles it as is.
import type { Engine } from '../../core/engine.ts';
import { InitRandom } from '../../core/nn/init.ts';
import type { CheckpointMeta } from '../../talking-head/checkpoint/checkpoint.ts';
import { FACE_COEFFICIENTS } from '../../talking-head/face/face-model.ts';
import { type FeatureConfig, featureConfig } from '../../talking-head/features/config.ts';
import { generateTalkingHead } from '../../talking-head/inference/generate.ts';
import { loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { defaultPgFaceConfig } from '../../talking-head/pgface/config.ts';
import { PgFace } from '../../talking-head/pgface/pgface.ts';
import { type PoseGanConfig, defaultPoseGanConfig } from '../../talking-head/posegan/config.ts';
import { type PoseBatchArrays, PoseGanTrainer } from '../../talking-head/training/posegan-trainer.ts';
import { encodeModulesCheckpoint } from '../../talking-head/workflows/checkpoint-writer.ts';

export const PARITY_STEPS = 20;
export const PARITY_BATCH = 2;
/** 5 mels + log energy, voicing, log F0 = 8 features a frame. */
export const PARITY_FEATURES: FeatureConfig = featureConfig({ nMels: 5 });
export const PARITY_POSEGAN: PoseGanConfig = defaultPoseGanConfig(PARITY_FEATURES.features, {
  frames: 32, encoder: { channels: [8, 8], embedding: 8 }, unetChannels: [8, 16], discriminatorChannels: [8, 16], groups: 4,
});
const PARITY_PGFACE = defaultPgFaceConfig(PARITY_FEATURES.features, { encoder: { channels: [8, 8], embedding: 8 }, hidden: 16 });
/** 1.5 s of synthetic speech: 45 frames, two PoseGAN windows of 32 (the second chained from the first). */
const SPEECH_SECONDS = 1.5;

export interface StepLosses {
  readonly l2: number;
  readonly adversarial: number;
  readonly discriminator: number;
}

/** Batch `step`, normalised units: audio windows uniform in [-1, 1], poses smooth sinusoids plus a little noise. */
export function parityBatch(step: number): PoseBatchArrays {
  const random = new InitRandom(1000 + step);
  const { frames: T, featureCount: F, windowFrames: W } = PARITY_POSEGAN;
  const B = PARITY_BATCH;
  const audio = random.uniform(B * T * F * W, 1);
  const audioFrames = new Float32Array(B * T * F);
  for (let i = 0; i < B * T; i++) {
    for (let f = 0; f < F; f++) audioFrames[i * F + f] = audio[(i * F + f) * W + PARITY_FEATURES.contextCentre]!;
  }
  const pose = new Float32Array(B * T * 6);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < 6; c++) {
      const phase = 6.28 * random.next();
      const rate = 0.1 + 0.2 * random.next();
      for (let t = 0; t < T; t++) pose[(b * T + t) * 6 + c] = Math.sin(phase + rate * t) + 0.05 * (2 * random.next() - 1);
    }
  }
  const initial = new Float32Array(B * 6);
  for (let b = 0; b < B; b++) initial.set(pose.subarray(b * T * 6, b * T * 6 + 6), b * 6);
  return { batch: B, length: T, audio, audioFrames, pose, initial };
}

function parityMeta(kind: 'posegan' | 'pgface', modelConfig: object, step: number): CheckpointMeta {
  const unit = (channels: number) => ({ mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) });
  const features = PARITY_FEATURES.features;
  return {
    kind,
    modelConfig: modelConfig as Record<string, unknown>,
    featureConfig: PARITY_FEATURES as unknown as Record<string, unknown>,
    normalisation: {
      features: { mean: new Array<number>(features).fill(-20), std: new Array<number>(features).fill(20) },
      pose: { mean: [0, 0, 0, 0, 0, 0], std: [0.1, 0.1, 0.05, 0.05, 0.05, 0.05] },
      face: unit(FACE_COEFFICIENTS),
    },
    identities: [{ name: 'parity', meanPose: [0.05, -0.02, 0.01, 0, 0, 0], stdPose: [0.1, 0.1, 0.05, 0.05, 0.05, 0.05], trainFrames: 0 }],
    training: { epoch: 0, step, seed: 7, bestValidation: null, producedBy: 'tests/web/parity-task.ts' },
  };
}

/** PARITY_STEPS trainer steps from seed 7; every loss read back after its step, then the checkpoint. */
export async function trainParity(engine: Engine): Promise<{ losses: StepLosses[]; checkpoint: Uint8Array }> {
  const trainer = new PoseGanTrainer(engine, PARITY_POSEGAN, { learningRate: 1e-3, seed: 7 });
  try {
    const losses: StepLosses[] = [];
    for (let step = 0; step < PARITY_STEPS; step++) {
      const l = trainer.step(parityBatch(step));
      losses.push({ l2: await l.l2.item(), adversarial: await l.adversarial!.item(), discriminator: await l.discriminator!.item() });
      for (const t of [l.pose, l.motion, l.l2, l.adversarial, l.discriminator]) t?.dispose();
    }
    const checkpoint = await encodeModulesCheckpoint(parityMeta('posegan', PARITY_POSEGAN, PARITY_STEPS), [
      { module: trainer.generator, prefix: 'generator.' }, { module: trainer.discriminator!, prefix: 'discriminator.' },
    ]);
    return { losses, checkpoint };
  } finally {
    trainer.dispose();
  }
}

/** A PGFace checkpoint with seeded random weights (the same bytes on every runtime). */
export async function parityPgFaceCheckpoint(engine: Engine): Promise<Uint8Array> {
  const model = new PgFace(engine, PARITY_PGFACE, new InitRandom(11));
  try {
    return await encodeModulesCheckpoint(parityMeta('pgface', PARITY_PGFACE, 0), [{ module: model, prefix: 'pgface.' }]);
  } finally {
    model.dispose();
  }
}

/** Seeded synthetic speech at 16 kHz: a voiced tone with a pitch glide, syllable-like loudness, and noise. */
export function paritySpeech(): Float32Array {
  const rate = PARITY_FEATURES.sampleRate;
  const random = new InitRandom(5);
  const n = Math.round(SPEECH_SECONDS * rate);
  const out = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    phase += (2 * Math.PI * (120 + 40 * Math.sin(2 * Math.PI * 0.7 * t))) / rate;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    out[i] = envelope * (0.4 * Math.sin(phase) + 0.2 * Math.sin(2 * phase) + 0.1 * Math.sin(3 * phase)) + 0.02 * (2 * random.next() - 1);
  }
  return out;
}

/** The whole inference pipeline from the two checkpoints on paritySpeech(): poses [N, 6] and face [N, 144]. */
export async function generateParity(engine: Engine, posegan: Uint8Array, pgface: Uint8Array): Promise<{ pose: Float32Array; face: Float32Array; frames: number }> {
  const g = loadPoseGan(engine, posegan, 'parity posegan');
  const f = loadPgFace(engine, pgface, 'parity pgface');
  try {
    const result = await generateTalkingHead(engine, g, f, paritySpeech(), { smoothSigma: 1 });
    return { pose: result.pose, face: result.face, frames: result.frames };
  } finally {
    g.generator.dispose();
    f.model.dispose();
  }
}
