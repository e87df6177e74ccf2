/**
 * The package entry `posedyn/talking-head`: the paper (Zhang et al., 3D Talking Face with Personalized Pose
 * Dynamics) on the `posedyn` engine, runtime-agnostic. Files come in as bytes (Uint8Array + a name for errors).
 *
 * ```ts
 * import { loadPoseGan, loadPgFace, decodeAudio, generateTalkingHead } from 'posedyn/talking-head';
 * const posegan = loadPoseGan(engine, poseganBytes, 'posegan.safetensors');
 * const pgface = loadPgFace(engine, pgfaceBytes, 'pgface.safetensors');
 * const head = await generateTalkingHead(engine, posegan, pgface, decodeAudio(wavBytes, 'speech.wav'));
 * ```
 *
 * Flat: what generation needs (models, checkpoints, audio, face models and decode, the paper's ops) and its
 * output (frames as data, the GLB). The rest is in namespaces, one a folder, each with its own index.ts:
 * `formats`, `features`, `pose`, `data`, `training`, `workflows` (the training-run builder, fine-tune, checkpoint
 * writer: the jobs the CLI and the page share), `evaluation`, `render` (the head renderer), `tracking` (landmarks to poses and coefficients), `faceFit` (fitting a face model to tracked faces). Every name is listed by name; to add one, export it from its module and list it here (flat) or
 * in the folder's index.ts (namespace). A new folder with its own job gets a namespace line at the end.
 *
 * @module posedyn/talking-head
 */

// ---- generation: checkpoints in, head poses and face coefficients a frame out (whole files or streamed)
export { assertCompatible, loadPgFace, loadPoseGan } from './inference/load-models.ts';
export type { LoadedPgFace, LoadedPoseGan } from './inference/load-models.ts';
export { findIdentity, generateFaceSequence, generateTalkingHead } from './inference/generate.ts';
export { generatePoseSequence } from './inference/pose-windows.ts';
export type { GenerateOptions, TalkingHeadResult } from './inference/generate.ts';
export { TalkingHeadStream } from './inference/streaming.ts';
export type { TalkingHeadChunk } from './inference/streaming.ts';

// ---- the networks (Sec. 4.1 PoseGAN, Sec. 4.2 PGFace) and their configurations
export { PoseGenerator } from './posegan/generator.ts';
export { PoseDiscriminator } from './posegan/discriminator.ts';
export { defaultPoseGanConfig, validatePoseGanConfig } from './posegan/config.ts';
export type { PoseGanConfig } from './posegan/config.ts';
export { PgFace } from './pgface/pgface.ts';
export { defaultPgFaceConfig } from './pgface/config.ts';
export type { PgFaceConfig } from './pgface/config.ts';
export { AudioWindowEncoder } from './nn/audio-window-encoder.ts';
export type { AudioWindowEncoderConfig } from './nn/audio-window-encoder.ts';

// ---- checkpoints: safetensors with the model and feature configuration, normalisation and identities; a
//      seeded, untrained pair (a stand-in where no trained checkpoints are at hand)
export {
  CHECKPOINT_FORMAT, CheckpointError, assertConfigMatches, decodeCheckpoint, encodeCheckpoint, loadModuleTensors, loadOptimizerTensors,
  readModuleTensors, readOptimizerTensors,
} from './checkpoint/checkpoint.ts';
export type { Checkpoint, CheckpointMeta, ModelKind, Normalisation, TrainingRecord } from './checkpoint/checkpoint.ts';
export {
  UNTRAINED_IDENTITY, untrainedCheckpointPair, untrainedNormalisation, untrainedPgFaceConfig, untrainedPoseGanConfig,
} from './checkpoint/untrained-checkpoints.ts';

// ---- audio: any WAV -> mono 16 kHz
export { MODEL_SAMPLE_RATE, decodeAudio } from './audio/decode.ts';
export { Resampler, resample } from './audio/resample.ts';
export type { ResampleOptions } from './audio/resample.ts';

// ---- face models (Eq. 2) and decoding coefficients to vertices, on the GPU or the CPU
export { EXP_COMPONENTS, FACE_COEFFICIENTS, ID_COMPONENTS, assertFaceModel, decodeFaceCpu, typicalCoefficients } from './face/face-model.ts';
export type { CoefficientPrior, FaceModel } from './face/face-model.ts';
export { FITTED_FACE_MODEL_SOURCE, fittedFaceModel, fittedFaceModelProvenance } from './face/fitted-face-model.ts';
export { EXPRESSION_COMPONENTS, IDENTITY_COMPONENTS, proceduralFaceModel } from './face/procedural-face-model.ts';
export type { ProceduralFaceOptions } from './face/procedural-face-model.ts';
export { BFM_NOSE_TIP_KEYPOINT, bfmFaceModel } from './face/bfm-face-model.ts';
export type { BfmOptions } from './face/bfm-face-model.ts';
export { LANDMARK, canonicalFaceMesh } from './face/canonical-mesh.ts';
export type { CanonicalFaceMesh } from './face/canonical-mesh.ts';
export { FaceDecoder, decodeFace } from './face/decode.ts';
export { defaultFaceModel } from './face/default-face-model.ts';
export { MouthOpeningDecoder, mouthOpening } from './face/mouth-opening.ts';
export { faceFrameObj } from './face/obj-export.ts';

// ---- output for scenes and game engines (docs/output-format.md): frames as data, the animated head as a GLB
export { headFrames, meanPose, metresPerTranslationUnit, quaternionFromEuler } from './export/head-frames.ts';
export type { HeadFrames, HeadFramesInput } from './export/head-frames.ts';
export { MORPH_TARGET_NAMES, meanIdentity, talkingHeadGlb } from './export/gltf-export.ts';
export type { GlbInput } from './export/gltf-export.ts';

// ---- the paper's ops: Gaussian temporal filter (Eq. 1), pose losses (Eq. 3-4), masked vertex losses (Eq. 7-8);
//      their registry (with decodeFace: references, cases, benchmark shapes)
export { gaussianTemporalFilter, smoothPoseSequence } from './ops/gaussian-filter.ts';
export type { GaussianFilterOptions } from './ops/gaussian-filter.ts';
export { poseReconstructionLosses } from './ops/pose-loss.ts';
export { maskedVertexLosses } from './ops/masked-vertex-loss.ts';
export { talkingHeadOps } from './ops/registry.ts';

// ---- namespaces
/** File formats as bytes in, arrays out: WAV, MATLAB v5, npy/npz, OpenFace CSV. */
export * as formats from './formats/index.ts';
/** Audio features a frame and the context windows the networks read. */
export * as features from './features/index.ts';
/** The head-pose convention (pitch, yaw, roll, tx, ty, tz) and conversions from the trackers'. */
export * as pose from './pose/index.ts';
/** Datasets: clips found and decoded, built, loaded, and the trainers' batches. */
export * as data from './data/index.ts';
/** One training step of PoseGAN and PGFace, validation, the epoch loop. */
export * as training from './training/index.ts';
/** The jobs the CLI and the page share: training runs and sessions, the checkpoint writer, fine-tuning. */
export * as workflows from './workflows/index.ts';
/** The paper's Tables 1-4, baselines, ablations and personalisation metrics. */
export * as evaluation from './evaluation/index.ts';
/** The talking-head renderer on a plain GPUDevice: head mesh, normals, renderer, camera, placement, offscreen frames. */
export * as render from './render/index.ts';
/** A face tracker's landmarks and pose matrices as head poses and face coefficients a frame; the track file. */
export * as tracking from './tracking/index.ts';
/** Fitting a face model to tracked landmarks and Deep3DFaceRecon coefficients (how the default face model is made), its file format and measures. */
export * as faceFit from './face/fitted/index.ts';
