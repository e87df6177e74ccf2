/**
 * The package entry `posedyn/web`: everything a page needs, from one import. The browser device, and all of
 * `posedyn` (the engine) and of `posedyn/talking-head` (the paper's models, with their namespaces `formats`,
 * `features`, `pose`, `data`, `training`, `workflows`, `evaluation`, `render`, `tracking`; personalisation from dropped clip
 * files is `workflows.fineTune`), and the frame clock: the same bindings as those entries, so Engine is one class whichever entry it came
 * from. Nothing here imports Node or the DOM beyond navigator.gpu. Bundlers drop what a page does not use: an
 * inference-only page pays for no trainer, optimizer or dataset code.
 *
 * ```ts
 * import { createBrowserEngine, decodeAudio, generateTalkingHead, loadPgFace, loadPoseGan } from 'posedyn/web';
 * const engine = await createBrowserEngine();            // or createBrowserEngine({ device: renderer.device })
 * const posegan = loadPoseGan(engine, poseganBytes, 'posegan.safetensors');
 * const pgface = loadPgFace(engine, pgfaceBytes, 'pgface.safetensors');
 * const head = await generateTalkingHead(engine, posegan, pgface, decodeAudio(wavBytes, 'speech.wav'));
 * ```
 *
 * To add an export: core or the paper go in their own entries (core/index.ts, talking-head/index.ts), which this
 * one re-exports whole; browser-only code is listed here by name.
 *
 * @module posedyn/web
 */

export * from '../core/index.ts';
export * from '../talking-head/index.ts';

// ---- the browser device
export { NoWebGPUError, createBrowserEngine } from './device.ts';
export type { BrowserEngineOptions } from './device.ts';

// ---- a head's frames handed to a callback on the audio clock (docs/output-format.md)
export { HeadFrameClock } from './head-frame-clock.ts';
export type { HeadFrame, HeadFrameCallback } from './head-frame-clock.ts';
