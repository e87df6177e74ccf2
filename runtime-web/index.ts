// The package entry `posedyn/web`: everything a page needs, from one import. The browser device, all of
// `posedyn` (the engine) and of `posedyn/talking-head` (the paper's models, with their namespaces `formats`,
// `features`, `pose`, `data`, `training`, `evaluation`), and the page-side personalisation. The same
// bindings as those entries (one Engine class, whichever entry it is imported from). Nothing here imports Node
// or the DOM beyond navigator.gpu. Bundlers drop what a page does not use: an inference-only page pays
// for no trainer, optimizer or dataset code.
//
//   import { createBrowserEngine, decodeAudio, generateTalkingHead, loadPgFace, loadPoseGan } from 'posedyn/web';
//   const engine = await createBrowserEngine();            // or createBrowserEngine({ device: renderer.device })
//   const posegan = loadPoseGan(engine, poseganBytes, 'posegan.safetensors');
//   const pgface = loadPgFace(engine, pgfaceBytes, 'pgface.safetensors');
//   const head = await generateTalkingHead(engine, posegan, pgface, decodeAudio(wavBytes, 'speech.wav'));
//
// To add an export: core or the paper go in their own entries (core/index.ts, talking-head/index.ts), which this
// one re-exports whole; browser-only code is listed here by name.

export * from '../core/index.ts';
export * from '../talking-head/index.ts';

// ---- the browser device
export { NoWebGPUError, createBrowserEngine } from './device.ts';
export type { BrowserEngineOptions } from './device.ts';

// ---- personalisation in the page: dropped clip files -> fine-tuned PoseGAN checkpoint bytes
export { PoseGanFineTuner, clipInputsFromFiles } from './models/fine-tune.ts';
export type { ClipFile, FineTuneOptions, FineTuneStep } from './models/fine-tune.ts';
export { encodeModuleCheckpoint } from './models/module-checkpoint.ts';
export type { CheckpointPart } from './models/module-checkpoint.ts';

// ---- a seeded, untrained PoseGAN + PGFace pair: a stand-in where no pretrained checkpoints are served
export {
  UNTRAINED_IDENTITY, untrainedCheckpointPair, untrainedNormalisation, untrainedPgFaceConfig, untrainedPoseGanConfig,
} from './models/untrained-checkpoints.ts';
