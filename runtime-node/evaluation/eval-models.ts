// The models an evaluation needs: loaded from a given checkpoint, reused from an earlier evaluation's folder
// (--reuse-trained), or trained here with runTrain on the evaluation's engine and dataset. Every model records
// where it came from, for the report.
import { join } from 'node:path';
import type { Engine } from '../../core/engine.ts';
import type { CheckpointMeta } from '../../talking-head/checkpoint/checkpoint.ts';
import type { Dataset } from '../../talking-head/data/dataset.ts';
import { type LoadedPgFace, type LoadedPoseGan, loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { readFileBytes } from '../files/read-file.ts';
import { readCheckpointFile } from '../training/checkpoint-files.ts';
import { runTrain } from '../training/train-command.ts';
import { pathExists } from '../files/path-exists.ts';
import type { ModelSource, TrainingPlan } from '../../talking-head/evaluation/report-types.ts';

export type { ModelSource, TrainingPlan };

export interface ModelRequest {
  /** folder name under <out>/models and the report's name */
  readonly name: string;
  readonly kind: 'posegan' | 'pgface';
  readonly variant: string;
  readonly seed: number;
  /** extra config overrides (e.g. { beta: 0 }) on top of the plan's */
  readonly overrides?: Record<string, unknown>;
  /** a checkpoint to use instead of training */
  readonly given?: string;
}

async function checkpointFor(engine: Engine, dataset: Dataset, plan: TrainingPlan, modelsFolder: string, request: ModelRequest, log: (line: string) => void): Promise<ModelSource> {
  const base = { name: request.name, variant: request.variant };
  if (request.given) return { ...base, checkpoint: request.given, origin: 'given', seed: null, epochs: null, bestEpoch: null, bestValidation: null, seconds: 0 };
  const out = join(modelsFolder, request.name);
  const best = join(out, 'best.safetensors');
  if (plan.reuseTrained && (await pathExists(best))) {
    log(`${request.name}: reusing ${best}`);
    return { ...base, ...(await trainingRecord(out)), checkpoint: best, origin: 'reused', seed: request.seed };
  }
  const posegan = request.kind === 'posegan';
  log(`${request.name}: training ${request.kind} (${request.variant}), seed ${request.seed}`);
  const reports = await runTrain({
    kind: request.kind,
    dataset: plan.datasetFolder,
    loadedDataset: dataset,
    out,
    epochs: posegan ? plan.epochs : plan.pgfaceEpochs,
    batch: plan.batch,
    lr: plan.lr,
    seed: request.seed,
    resume: false,
    // The evaluation owns <out>/models/: a model it trains again (no --reuse-trained) replaces the earlier one.
    overwrite: true,
    variant: request.variant,
    faceModel: plan.faceModel,
    maxStepsPerEpoch: posegan ? plan.maxStepsPerEpoch : plan.pgfaceMaxStepsPerEpoch,
    progress: false,
    producedBy: plan.producedBy,
    modelOverrides: { ...(posegan ? plan.poseganConfig : plan.pgfaceConfig), ...request.overrides },
    engine,
    log: (line) => log(`  ${request.name}: ${line}`),
  });
  if (reports.length === 0) throw new Error(`${request.name}: training ran no epoch`);
  return { ...base, ...(await trainingRecord(out)), checkpoint: best, origin: 'trained', seed: request.seed };
}

/**
 * Epochs, the kept epoch ('best' on validation, or the 'last'), its validation loss and the training time, from a
 * training folder's checkpoints.
 */
export async function trainingRecord(folder: string, kept: 'best' | 'last' = 'best'): Promise<Pick<ModelSource, 'epochs' | 'bestEpoch' | 'bestValidation' | 'seconds'>> {
  const last = (await readCheckpointFile(join(folder, 'last.safetensors'))).meta.training;
  const best = kept === 'best' ? (await readCheckpointFile(join(folder, 'best.safetensors'))).meta.training : null;
  const history = (last.history as { seconds?: number }[] | undefined) ?? [];
  return {
    epochs: last.epoch, bestEpoch: best ? best.epoch : last.epoch, bestValidation: best ? best.bestValidation : ((last.lastValidation as number | null | undefined) ?? null),
    seconds: history.reduce((a, h) => a + (h.seconds ?? 0), 0),
  };
}

/** A checkpoint normalised with other statistics than the dataset's would be fed inputs in the wrong units. */
function assertSameNormalisation(checkpoint: CheckpointMeta, dataset: Dataset, source: string): void {
  const own = dataset.manifest.stats;
  const close = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-6 * (1 + Math.abs(v)));
  if (!close(checkpoint.normalisation.pose.mean, own.pose.mean) || !close(checkpoint.normalisation.features.mean, own.features.mean)) {
    throw new Error(`${source}: trained on another dataset (its pose or feature statistics differ from the evaluation dataset's); pass checkpoints trained on the --dataset folder`);
  }
}

export async function poseGanModel(engine: Engine, dataset: Dataset, plan: TrainingPlan, modelsFolder: string, request: ModelRequest, log: (line: string) => void): Promise<{ model: LoadedPoseGan; source: ModelSource }> {
  const source = await checkpointFor(engine, dataset, plan, modelsFolder, request, log);
  const model = loadPoseGan(engine, await readFileBytes(source.checkpoint), source.checkpoint);
  assertSameNormalisation(model.checkpoint.meta, dataset, source.checkpoint);
  return { model, source };
}

export async function pgFaceModel(engine: Engine, dataset: Dataset, plan: TrainingPlan, modelsFolder: string, request: ModelRequest, log: (line: string) => void): Promise<{ model: LoadedPgFace; source: ModelSource }> {
  const source = await checkpointFor(engine, dataset, plan, modelsFolder, request, log);
  const model = loadPgFace(engine, await readFileBytes(source.checkpoint), source.checkpoint);
  assertSameNormalisation(model.checkpoint.meta, dataset, source.checkpoint);
  return { model, source };
}
