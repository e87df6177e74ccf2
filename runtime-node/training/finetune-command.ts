// `posedyn finetune --from CKPT --data DIR`: the paper's personalisation (Sec. 5.1): start from a pretrained
// PoseGAN or PGFace, build the new person's clips into a dataset (--data), or take one identity of a dataset
// already built (--dataset with --identity), and train 20 epochs at batch 16. A PGFace starts with its output
// re-centred on the person's frames (ours, talking-head/training/recentre-face-output.ts; --no-recentre turns it off).
// The new data is normalised with the pretrained checkpoint's statistics, not its own: the network's inputs
// and outputs keep the meaning they were trained with, and the person's own pose offsets stay in the
// outputs. Clips tracked from video (centimetres) get their translations re-expressed in the checkpoint's
// unit and their own translation statistics, and short clips shorter PoseGAN windows
// (talking-head/data/personal-data.ts). The new identities join the checkpoint's list with their own rest (mean) poses.
import { join } from 'node:path';
import { Dataset, loadDataset } from '../../talking-head/data/dataset.ts';
import { identitySubset } from '../../talking-head/data/identity-subset.ts';
import { checkpointPoseUnit, inPoseUnit, personalPoseStats, withFittingWindows } from '../../talking-head/data/personal-data.ts';
import type { PoseGanConfig } from '../../talking-head/posegan/config.ts';
import type { DatasetManifest, IdentityEntry } from '../../talking-head/data/dataset-format.ts';
import { featureConfigFromJson, sameFeatureConfig } from '../../talking-head/features/config.ts';
import { runDatasetBuild } from '../dataset/build-command.ts';
import { nodeDatasetFiles } from '../dataset/dataset-files.ts';
import type { EpochReport } from '../../talking-head/training/epochs.ts';
import { readCheckpointFile } from './checkpoint-files.ts';
import { runTrain, type TrainOptions } from './train-command.ts';

export interface FinetuneOptions {
  readonly from: string;
  /** a folder of the person's clips, built into <out>/dataset; or */
  readonly data?: string;
  /** a dataset folder already built (posedyn dataset build) ... */
  readonly dataset?: string;
  /** ... and whose identity in it to personalise to (all of it when absent) */
  readonly identity?: string;
  readonly out: string;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  readonly faceModel: string;
  /** PGFace: re-centre the output on the person's frames before fine-tuning (default true; recentre-face-output.ts) */
  readonly recentre?: boolean;
  readonly progress: boolean;
  readonly producedBy: string;
  readonly engine?: TrainOptions['engine'];
  readonly log?: (line: string) => void;
}

export async function runFinetune(options: FinetuneOptions): Promise<EpochReport[]> {
  const pretrained = await readCheckpointFile(options.from);
  const meta = pretrained.meta;
  if ((options.data === undefined) === (options.dataset === undefined)) throw new Error('finetune: give either --data (a clip folder) or --dataset (a built dataset folder)');
  if (options.identity !== undefined && options.dataset === undefined) throw new Error('finetune: --identity selects a person of --dataset; a --data folder is the person\'s clips already');
  let datasetFolder = options.dataset;
  if (datasetFolder === undefined) {
    datasetFolder = join(options.out, 'dataset');
    await runDatasetBuild({ data: options.data!, out: datasetFolder, engine: options.engine, log: options.log });
  }
  const built = await loadDataset(nodeDatasetFiles(datasetFolder));
  const log = options.log ?? ((line: string) => console.log(line));
  const subset = options.identity === undefined ? built : identitySubset(built, options.identity);
  const unit = checkpointPoseUnit(meta.training, meta.normalisation.pose);
  let own = inPoseUnit(subset, unit, meta.normalisation.pose.mean.slice(3, 6));
  const converted = own !== subset;
  if (converted) {
    log(`the clips' translations are in ${subset.manifest.poseUnit} and ${options.from}'s in ${unit}: each clip's translation motion is converted to ${unit} about the checkpoint's mean translation and normalised with the person's own statistics (rotations as they are; talking-head/data/personal-data.ts)`);
  }
  if (meta.kind === 'posegan') {
    const config = meta.modelConfig as unknown as PoseGanConfig;
    own = withFittingWindows(own, config.frames, 2 ** (config.unetChannels.length - 1));
    if (own.windowLength < config.frames) log(`the clips are too short for ${config.frames}-frame windows: fine-tuning PoseGAN on windows of ${own.windowLength} frames (its networks are fully convolutional)`);
  }
  const pretrainedFeatures = featureConfigFromJson(meta.featureConfig, `${options.from} feature_config`);
  if (!sameFeatureConfig(pretrainedFeatures, own.manifest.featureConfig)) {
    throw new Error(`${options.from}: the checkpoint was trained on another audio feature config than the one ${options.data ?? options.dataset} was built with`);
  }
  if (meta.kind === 'pgface' && !meta.normalisation.face) throw new Error(`${options.from}: PGFace checkpoint without face statistics`);
  // Same clips and arrays, statistics of the pretrained model.
  const manifest: DatasetManifest = {
    ...own.manifest,
    stats: { ...meta.normalisation, pose: personalPoseStats(meta.normalisation.pose, own.manifest.stats.pose, converted), face: meta.normalisation.face ?? own.manifest.stats.face },
  };
  const renormalised = new Dataset(manifest, own.clips.map((c) => ({ features: c.features, pose: c.pose, poseRaw: c.poseRaw, face: c.face })));
  // The pretrained list in its order (a person already in it keeps their place, with their rest pose from this
  // data), then the new people.
  const ownByName = new Map(own.manifest.identities.map((i) => [i.name, i]));
  const known = new Set(meta.identities.map((i) => i.name));
  const identities: IdentityEntry[] = [
    ...meta.identities.map((i) => ownByName.get(i.name) ?? i),
    ...own.manifest.identities.filter((i) => !known.has(i.name)),
  ];
  return runTrain({
    kind: meta.kind,
    dataset: datasetFolder,
    loadedDataset: renormalised,
    identities,
    out: options.out,
    epochs: options.epochs,
    batch: options.batch,
    lr: options.lr,
    seed: options.seed,
    resume: false,
    variant: String(meta.modelConfig.variant),
    faceModel: options.faceModel,
    initFrom: options.from,
    recentreFaceOutput: options.recentre ?? true,
    modelOverrides: meta.modelConfig,
    progress: options.progress,
    producedBy: options.producedBy,
    engine: options.engine,
    log,
  });
}
