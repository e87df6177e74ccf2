// A seeded, randomly initialised PoseGAN + PGFace checkpoint pair: what the demo page runs on when the server has
// no pretrained checkpoints (talking-head/pretrained/*.safetensors), and a stand-in in tests. The motion it produces
// follows the audio (the networks see it) but is not learned: the page says so.
//
// Widths are small (fast on software adapters); the feature config is posedyn's default front end. The
// normalisation statistics are plausible values, not measured on a dataset:
//   features  measured on the demo's sample speech (runtime-web/demo/assets/sample.wav), rounded: log-mels
//             about -15 +- 25 dB, log energy -33 +- 24 dB, voicing 0.7 +- 0.3, log F0 4.75 +- 0.3 ln Hz
//   pose      rest pose 0, spread 0.12 rad in pitch and yaw, 0.06 rad in roll, 0.05 in translation
//             (Deep3DFaceRecon units, 5 mm)
//   face      identity 0 +- 0.1 (a nearly steady face), expression 0 +- 0.8 (visible mouth and brow movement)
import type { Engine } from '../../core/engine.ts';
import { InitRandom } from '../../core/nn/init.ts';
import type { CheckpointMeta, Normalisation } from './checkpoint.ts';
import type { ChannelStats } from '../data/dataset-format.ts';
import { EXP_COMPONENTS, ID_COMPONENTS } from '../face/face-model.ts';
import { type FeatureConfig, defaultFeatureConfig } from '../features/config.ts';
import { type PgFaceConfig, defaultPgFaceConfig } from '../pgface/config.ts';
import { PgFace } from '../pgface/pgface.ts';
import { type PoseGanConfig, defaultPoseGanConfig } from '../posegan/config.ts';
import { PoseDiscriminator } from '../posegan/discriminator.ts';
import { PoseGenerator } from '../posegan/generator.ts';
import { encodeModulesCheckpoint } from '../workflows/checkpoint-writer.ts';

export const UNTRAINED_IDENTITY = 'untrained';

export function untrainedPoseGanConfig(featureCount: number): PoseGanConfig {
  return defaultPoseGanConfig(featureCount, {
    encoder: { channels: [16, 16], embedding: 16 }, unetChannels: [16, 16, 32, 32], discriminatorChannels: [16, 32, 32], groups: 4,
  });
}

export function untrainedPgFaceConfig(featureCount: number): PgFaceConfig {
  return defaultPgFaceConfig(featureCount, { encoder: { channels: [16, 16], embedding: 32 }, hidden: 64 });
}

function constantStats(channels: number, mean: (c: number) => number, std: (c: number) => number): ChannelStats {
  return { mean: Array.from({ length: channels }, (_, c) => mean(c)), std: Array.from({ length: channels }, (_, c) => std(c)) };
}

export function untrainedNormalisation(config: FeatureConfig = defaultFeatureConfig): Normalisation {
  const mels = config.nMels;
  const features = constantStats(
    config.features,
    (c) => (c < mels ? -15 : [-33, 0.7, 4.75][c - mels]!),
    (c) => (c < mels ? 25 : [24, 0.3, 0.3][c - mels]!),
  );
  return {
    features,
    pose: { mean: [0, 0, 0, 0, 0, 0], std: [0.12, 0.12, 0.06, 0.05, 0.05, 0.05] },
    face: constantStats(ID_COMPONENTS + EXP_COMPONENTS, () => 0, (c) => (c < ID_COMPONENTS ? 0.1 : 0.8)),
  };
}

function meta(kind: 'posegan' | 'pgface', modelConfig: object, seed: number, featureConfig: FeatureConfig): CheckpointMeta {
  return {
    kind,
    modelConfig: modelConfig as Record<string, unknown>,
    featureConfig: featureConfig as unknown as Record<string, unknown>,
    normalisation: untrainedNormalisation(featureConfig),
    identities: [{ name: UNTRAINED_IDENTITY, meanPose: [0, 0, 0, 0, 0, 0], stdPose: [0.12, 0.12, 0.06, 0.05, 0.05, 0.05], trainFrames: 0 }],
    training: { epoch: 0, step: 0, seed, bestValidation: null, producedBy: 'runtime-web untrainedCheckpointPair (random initialisation)' },
  };
}

/** The two checkpoint files, as bytes; the same seed gives the same bytes on every runtime. */
export async function untrainedCheckpointPair(engine: Engine, seed = 1): Promise<{ posegan: Uint8Array; pgface: Uint8Array }> {
  const featureConfig = defaultFeatureConfig;
  const poseganConfig = untrainedPoseGanConfig(featureConfig.features);
  const pgfaceConfig = untrainedPgFaceConfig(featureConfig.features);
  const random = new InitRandom(seed);
  const generator = new PoseGenerator(engine, poseganConfig, random);
  const discriminator = new PoseDiscriminator(engine, poseganConfig, random);
  const pgface = new PgFace(engine, pgfaceConfig, random);
  try {
    return {
      posegan: await encodeModulesCheckpoint(meta('posegan', poseganConfig, seed, featureConfig), [
        { module: generator, prefix: 'generator.' }, { module: discriminator, prefix: 'discriminator.' },
      ]),
      pgface: await encodeModulesCheckpoint(meta('pgface', pgfaceConfig, seed, featureConfig), [{ module: pgface, prefix: 'pgface.' }]),
    };
  } finally {
    generator.dispose();
    discriminator.dispose();
    pgface.dispose();
  }
}
