// `posedyn finetune --from CKPT --data DIR`: the paper's personalisation (Sec. 5.1), the one fine-tune of
// talking-head/workflows/fine-tune.ts: start from a pretrained PoseGAN or PGFace, build the new person's clips
// into a dataset (--data, written to <out>/dataset), or take one identity of a dataset already built
// (--dataset with --identity), and train 20 epochs at batch 16 into a training folder (last/best/log/curves,
// as `posedyn train` writes them). The rules (normalisation, split, identities, re-centring) are the workflow's.
import { join } from 'node:path';
import { loadDataset } from '../../talking-head/data/dataset.ts';
import { identitySubset } from '../../talking-head/data/identity-subset.ts';
import type { EpochReport } from '../../talking-head/training/epochs.ts';
import { createFineTune } from '../../talking-head/workflows/fine-tune.ts';
import { runDatasetBuild } from '../dataset/build-command.ts';
import { nodeDatasetFiles } from '../dataset/dataset-files.ts';
import { REPRODUCIBLE_KERNELS, createNodeEngine } from '../device.ts';
import { readFileBytes } from '../files/read-file.ts';
import { loadFaceModelOption } from './face-model-option.ts';
import { type TrainOptions, trainIntoFolder } from './train-command.ts';
import { claimTrainingFolder } from './training-folder.ts';
import type { TrainingSession } from '../../talking-head/workflows/training-session.ts';

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
  /** continue the fine-tune in `out` (its last.safetensors) */
  readonly resume?: boolean;
  /** replace the fine-tune in `out`; without it (or resume) a folder holding a run is refused */
  readonly overwrite?: boolean;
  /** PGFace: re-centre the output on the person's frames before fine-tuning (default true; recentre-face-output.ts) */
  readonly recentre?: boolean;
  readonly progress: boolean;
  readonly producedBy: string;
  readonly engine?: TrainOptions['engine'];
  readonly log?: (line: string) => void;
}

export async function runFinetune(options: FinetuneOptions): Promise<EpochReport[]> {
  if ((options.data === undefined) === (options.dataset === undefined)) throw new Error('finetune: give either --data (a clip folder) or --dataset (a built dataset folder)');
  if (options.identity !== undefined && options.dataset === undefined) throw new Error('finetune: --identity selects a person of --dataset; a --data folder is the person\'s clips already');
  const log = options.log ?? ((line: string) => console.log(line));
  const pretrained = await readFileBytes(options.from);
  const folder = await claimTrainingFolder(options.out, { resume: options.resume ?? false, overwrite: options.overwrite ?? false, command: options.producedBy, log });
  let session: TrainingSession | null = null;
  try {
    // A --dataset and its --identity are checked before the GPU device is even created.
    const given = options.dataset === undefined ? null : await loadDataset(nodeDatasetFiles(options.dataset));
    const chosen = given && options.identity !== undefined ? identitySubset(given, options.identity) : given;
    const engine = options.engine ?? (await createNodeEngine(REPRODUCIBLE_KERNELS));
    let datasetFolder = options.dataset;
    if (datasetFolder === undefined) {
      datasetFolder = join(options.out, 'dataset');
      await folder.made(datasetFolder);
      await runDatasetBuild({ data: options.data!, out: datasetFolder, engine, log });
    }
    const own = chosen ?? (await loadDataset(nodeDatasetFiles(datasetFolder)));
    ({ session } = await createFineTune(engine, pretrained, options.from, own, {
      batch: options.batch, learningRate: options.lr, seed: options.seed, recentre: options.recentre,
      faceModel: await loadFaceModelOption(options.faceModel), dataSource: options.data ?? datasetFolder,
      producedBy: options.producedBy, log, resume: folder.last ? { checkpoint: folder.last, source: folder.file('last') } : undefined,
    }));
    const reports = await trainIntoFolder(session, folder, { epochs: options.epochs, progress: options.progress, log });
    await folder.release();
    return reports;
  } catch (error) {
    await folder.abandon();
    throw error;
  } finally {
    session?.dispose();
  }
}
