// The public entry of the browser bundle (dist/posedyn.js, built by runtime-web/build.mjs): the browser device,
// the engine (tensors, autograd, ops, layers, optimizers, profiler), and the models with their inference and
// training API. The same modules run in Node through runtime-node/; nothing here imports Node or the DOM
// beyond navigator.gpu.
//
//   import { createBrowserEngine, loadPoseGan, loadPgFace, generateTalkingHead } from './posedyn.js';
//   const engine = await createBrowserEngine();
//   const posegan = loadPoseGan(engine, poseganBytes, 'posegan.safetensors');
//   const pgface = loadPgFace(engine, pgfaceBytes, 'pgface.safetensors');
//   const head = await generateTalkingHead(engine, posegan, pgface, decodeAudio(wavBytes, 'speech.wav'));

// ---- device
export * from './device.ts';

// ---- engine
export * from '../core/engine.ts';
export * from '../core/tensor.ts';
export * from '../core/creation.ts';
export * from '../core/autograd.ts';
export * from '../core/record-grad.ts';
export * from '../core/shape.ts';
export * from '../core/kernel-errors.ts';
export * from '../core/profiler.ts';
export * from '../core/ops/conv1d.ts';
export * from '../core/ops/dropout.ts';
export * from '../core/ops/elementwise.ts';
export * from '../talking-head/ops/gaussian-filter.ts';
export * from '../core/ops/group-norm.ts';
export * from '../core/ops/layout.ts';
export * from '../core/ops/loss.ts';
export * from '../talking-head/ops/masked-vertex-loss.ts';
export * from '../core/ops/matmul.ts';
export * from '../talking-head/ops/pose-loss.ts';
export * from '../core/ops/reduce.ts';
export * from '../core/ops/reshape.ts';
export * from '../core/nn/init.ts';
export * from '../core/nn/layers.ts';
export * from '../core/nn/module.ts';
export * from '../core/optim/adam.ts';
export * from '../core/optim/clip-grad-norm.ts';

// ---- models: inference, training, checkpoints
export * from '../talking-head/inference/load-models.ts';
export * from '../talking-head/inference/generate.ts';
export * from '../talking-head/training/posegan-trainer.ts';
export * from '../talking-head/checkpoint/checkpoint.ts';
export * from '../talking-head/posegan/config.ts';
export * from '../talking-head/pgface/config.ts';

// ---- models: face model and decode
export * from '../talking-head/face/face-model.ts';
export * from '../talking-head/face/procedural-face-model.ts';
export * from '../talking-head/face/canonical-mesh.ts';
export * from '../talking-head/face/decode.ts';
export * from '../talking-head/face/default-face-model.ts';
export * from '../talking-head/face/mouth-opening.ts';

// ---- output: the head renderer, frames as data (also on the audio clock), GLB export (docs/output-format.md)
export * from '../talking-head/render/head-renderer.ts';
export * from '../talking-head/render/mesh/head-mesh.ts';
export * from '../talking-head/render/offscreen-frame.ts';
export * from '../talking-head/render/camera.ts';
export * from '../talking-head/render/head-placement.ts';
export * from '../talking-head/export/head-frames.ts';
export * from '../talking-head/export/gltf-export.ts';
export * from '../talking-head/formats/head-motion.ts';
export * from './head-frame-clock.ts';

// ---- models: audio, features, poses, file formats (bytes in, arrays out)
export * from '../talking-head/audio/decode.ts';
export * from '../talking-head/audio/resample.ts';
export * from '../talking-head/features/config.ts';
export * from '../talking-head/features/audio-features.ts';
export * from '../talking-head/pose/pose-convention.ts';
export * from '../core/formats/bytes.ts';
export * from '../talking-head/formats/wav.ts';
export * from '../talking-head/formats/mat5.ts';
export * from '../talking-head/formats/npy.ts';
export * from '../talking-head/formats/openface-csv.ts';
export * from '../core/formats/safetensors.ts';

// ---- models: datasets built from dropped clips (personalisation)
export * from '../talking-head/data/dataset-format.ts';
export * from '../talking-head/data/build-dataset.ts';
export * from '../talking-head/data/clip-sources.ts';
export * from '../talking-head/data/dataset.ts';

// ---- personalisation in the page, checkpoints from modules, the untrained stand-in pair
export * from '../talking-head/workflows/checkpoint-writer.ts';
export * from '../talking-head/workflows/clip-files.ts';
export * from '../talking-head/workflows/fine-tune.ts';
export * from '../talking-head/workflows/training-run.ts';
export * from '../talking-head/workflows/training-session.ts';
export * from '../talking-head/checkpoint/untrained-checkpoints.ts';
