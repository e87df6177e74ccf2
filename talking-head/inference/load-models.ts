// Building PoseGAN's generator and PGFace from checkpoints, with the checks that make a wrong file fail
// loudly: wrong kind, wrong shapes (naming the tensor), a feature config the runtime cannot reproduce.
import type { Engine } from '../../core/engine.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { type Checkpoint, CheckpointError, decodeCheckpoint, loadModuleTensors, type ModelKind } from '../checkpoint/checkpoint.ts';
import { type AudioFeatureConfig, featureConfigFromJson, sameFeatureConfig } from '../features/config.ts';
import { type PgFaceConfig } from '../pgface/config.ts';
import { PgFace } from '../pgface/pgface.ts';
import { type PoseGanConfig, poseGanConfigFromJson, validatePoseGanConfig } from '../posegan/config.ts';
import { PoseGenerator } from '../posegan/generator.ts';

export interface LoadedPoseGan {
  readonly kind: 'posegan';
  readonly generator: PoseGenerator;
  readonly config: PoseGanConfig;
  readonly featureConfig: AudioFeatureConfig;
  readonly checkpoint: Checkpoint;
}

export interface LoadedPgFace {
  readonly kind: 'pgface';
  readonly model: PgFace;
  readonly config: PgFaceConfig;
  readonly featureConfig: AudioFeatureConfig;
  readonly checkpoint: Checkpoint;
}

function expectKind(checkpoint: Checkpoint, kind: ModelKind, source: string): void {
  if (checkpoint.meta.kind !== kind) {
    throw new CheckpointError(`${source}: is a ${checkpoint.meta.kind} checkpoint, expected ${kind}`);
  }
}

export function loadPoseGan(engine: Engine, bytes: Uint8Array, source: string): LoadedPoseGan {
  const checkpoint = decodeCheckpoint(bytes, source);
  expectKind(checkpoint, 'posegan', source);
  const config = poseGanConfigFromJson(checkpoint.meta.modelConfig);
  validatePoseGanConfig(config);
  const generator = new PoseGenerator(engine, config, new InitRandom(0));
  try {
    loadModuleTensors(generator, 'generator.', checkpoint.tensors, source);
  } catch (error) {
    generator.dispose();
    throw error;
  }
  generator.train(false);
  return { kind: 'posegan', generator, config, featureConfig: featureConfigFromJson(checkpoint.meta.featureConfig, `${source} feature_config`), checkpoint };
}

export function loadPgFace(engine: Engine, bytes: Uint8Array, source: string): LoadedPgFace {
  const checkpoint = decodeCheckpoint(bytes, source);
  expectKind(checkpoint, 'pgface', source);
  const config = checkpoint.meta.modelConfig as unknown as PgFaceConfig;
  const model = new PgFace(engine, config, new InitRandom(0));
  try {
    loadModuleTensors(model, 'pgface.', checkpoint.tensors, source);
  } catch (error) {
    model.dispose();
    throw error;
  }
  model.train(false);
  return { kind: 'pgface', model, config, featureConfig: featureConfigFromJson(checkpoint.meta.featureConfig, `${source} feature_config`), checkpoint };
}

/** PoseGAN and PGFace must read the same features to be used together. */
export function assertCompatible(posegan: LoadedPoseGan, pgface: LoadedPgFace): void {
  if (!sameFeatureConfig(posegan.featureConfig, pgface.featureConfig)) {
    throw new CheckpointError('the PoseGAN and PGFace checkpoints were trained on different audio feature configs');
  }
}
