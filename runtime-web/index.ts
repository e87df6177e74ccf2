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
export * from '../engine/engine.ts';
export * from '../engine/tensor.ts';
export * from '../engine/creation.ts';
export * from '../engine/autograd.ts';
export * from '../engine/shape.ts';
export * from '../engine/kernel-errors.ts';
export * from '../engine/profiler.ts';
export * from '../engine/ops/conv1d.ts';
export * from '../engine/ops/dropout.ts';
export * from '../engine/ops/elementwise.ts';
export * from '../engine/ops/gaussian-filter.ts';
export * from '../engine/ops/group-norm.ts';
export * from '../engine/ops/layout.ts';
export * from '../engine/ops/loss.ts';
export * from '../engine/ops/masked-vertex-loss.ts';
export * from '../engine/ops/matmul.ts';
export * from '../engine/ops/pose-loss.ts';
export * from '../engine/ops/reduce.ts';
export * from '../engine/ops/reshape.ts';
export * from '../engine/nn/init.ts';
export * from '../engine/nn/layers.ts';
export * from '../engine/nn/module.ts';
export * from '../engine/optim/adam.ts';
export * from '../engine/optim/clip-grad-norm.ts';

// ---- models: inference, training, checkpoints
export * from '../models/inference/load-models.ts';
export * from '../models/inference/generate.ts';
export * from '../models/training/posegan-trainer.ts';
export * from '../models/checkpoint/checkpoint.ts';
export * from '../models/posegan/config.ts';
export * from '../models/pgface/config.ts';

// ---- models: face model and decode
export * from '../models/face/face-model.ts';
export * from '../models/face/procedural-face-model.ts';
export * from '../models/face/canonical-mesh.ts';
export * from '../models/face/decode.ts';

// ---- models: audio, features, poses, file formats (bytes in, arrays out)
export * from '../models/audio/decode.ts';
export * from '../models/audio/resample.ts';
export * from '../models/features/config.ts';
export * from '../models/features/audio-features.ts';
export * from '../models/pose/pose-convention.ts';
export * from '../models/formats/bytes.ts';
export * from '../models/formats/wav.ts';
export * from '../models/formats/mat5.ts';
export * from '../models/formats/npy.ts';
export * from '../models/formats/openface-csv.ts';
export * from '../models/formats/safetensors.ts';

// ---- models: datasets built from dropped clips (personalisation)
export * from '../models/data/dataset-format.ts';
export * from '../models/data/build-dataset.ts';
export * from '../models/data/clip-sources.ts';
export * from '../models/data/dataset.ts';

// ---- personalisation in the page, checkpoints from modules, the untrained stand-in pair
export * from './models/fine-tune.ts';
export * from './models/module-checkpoint.ts';
export * from './models/untrained-checkpoints.ts';
