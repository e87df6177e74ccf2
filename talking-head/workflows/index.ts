// The namespace `workflows` of `posedyn/talking-head`: the jobs the CLI and the page share, one implementation
// each: a training run assembled from a dataset, a training session (epochs, best, resumable checkpoints), the
// checkpoint writer, and personalisation (fine-tune on a person's clips, from files as bytes).
export { createTrainingRun } from './training-run.ts';
export type { TrainingRun, TrainingRunSpec, TrainingSample } from './training-run.ts';
export { TrainingSession } from './training-session.ts';
export type { TrainOptions, TrainingSessionOptions } from './training-session.ts';
export { encodeModulesCheckpoint, restoreModules } from './checkpoint-writer.ts';
export type { CheckpointPart } from './checkpoint-writer.ts';
export { FINE_TUNE_DEFAULTS, createFineTune, fineTune } from './fine-tune.ts';
export type { FineTuneOptions, FineTuneRun, FineTuneSession, FineTuneSplit } from './fine-tune.ts';
export { clipInputsFromFiles, personDatasetFromFiles } from './clip-files.ts';
export type { ClipFile } from './clip-files.ts';
