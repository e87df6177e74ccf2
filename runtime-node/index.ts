/**
 * The package entry `posedyn/node`: everything a Node program needs, from one import. The Dawn device (npm
 * `webgpu`), files (read with errors that name the path; written atomically), the shipped pretrained
 * checkpoints by path, dataset folders and checkpoint files on disk, and the demo page's server; with all of
 * `posedyn` (the engine) and of `posedyn/talking-head` (the paper's models and namespaces), the same bindings
 * as those entries. The `posedyn` command (dist/lib/runtime-node/cli/main.js) is built from runtime-node/cli/ and
 * is not part of this API.
 *
 * ```ts
 * import { createNodeEngine, PRETRAINED, readFileBytes, loadPoseGan, loadPgFace, decodeAudio, generateTalkingHead } from 'posedyn/node';
 * const engine = await createNodeEngine();                // or createNodeEngine({ device }) to share one
 * const posegan = loadPoseGan(engine, await readFileBytes(PRETRAINED.posegan), PRETRAINED.posegan);
 * ```
 *
 * To add an export: core or the paper go in their own entries (core/index.ts, talking-head/index.ts), which this
 * one re-exports whole; Node-only code is listed here by name. Keep heavy imports (plots, the CLI's
 * packages) out of this entry: Node loads every module an entry imports.
 *
 * @module posedyn/node
 */

export * from '../core/index.ts';
export * from '../talking-head/index.ts';

// ---- the Dawn device
export { createNodeEngine, dawnGpu } from './device.ts';
export type { NodeEngineOptions } from './device.ts';

// ---- files
export { readFileBytes } from './files/read-file.ts';
export { writeFileAtomic } from './files/atomic-write.ts';
export { packageRoot } from './files/package-root.ts';
export { PRETRAINED, defaultFaceCheckpoint, personalFacePath } from './files/pretrained.ts';
export { loadDatasetFolder, nodeDatasetFiles } from './dataset/dataset-files.ts';
export { readCheckpointFile } from './training/checkpoint-files.ts';
export { loadFaceModelOption as loadFaceModel } from './training/face-model-option.ts';

// ---- output: the talking-head video through ffmpeg (H.264 + AAC) and the GLB for game engines, written atomically
export { VIDEO_DEFAULTS, writeTalkingHeadVideo } from './video/video-output.ts';
export type { VideoRequest } from './video/video-output.ts';
export { renderVideo } from './video/render-video.ts';
export type { VideoHead, VideoOptions } from './video/render-video.ts';
export { FfmpegVideo } from './video/ffmpeg-video.ts';
export type { VideoSettings } from './video/ffmpeg-video.ts';
export { writeTalkingHeadGlb } from './export/glb-output.ts';
export type { GlbMotion } from './export/glb-output.ts';

// ---- video in: a talking-head video's face track and speech (ffmpeg + MediaPipe in headless Chromium; puppeteer-core loads on use)
export { trackVideo } from './tracking/track.ts';
export type { TrackOptions, TrackedVideo } from './tracking/track.ts';

// ---- the demo page on 127.0.0.1 (the page ships prebuilt in dist/demo)
export { demoMounts, serveDemo } from './serve/serve-command.ts';
export { startServer } from './serve/server.ts';
export type { Mount, RunningServer } from './serve/server.ts';
