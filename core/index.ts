/**
 * The package entry `posedyn`: the generic WebGPU engine. Tensors, autograd, ops, layers, optimizers, the
 * kernel profiler and safetensors; nothing of the paper (that is `posedyn/talking-head`) and no device (the
 * runtimes `posedyn/node` and `posedyn/web` make one, or hand the Engine a GPUDevice of your own).
 *
 * ```ts
 * import { Engine, tensor, matmul, backward, Adam } from 'posedyn';
 * import { createNodeEngine } from 'posedyn/node';
 * const engine = await createNodeEngine();
 * ```
 *
 * Every name here is public API, listed by name (no `export *`), so that what the package promises is
 * visible in one place. To add one, export it from its own module and add it to the section it belongs to.
 *
 * @module posedyn
 */

// ---- engine: executes kernel launches on one GPUDevice (pools, pipelines, scopes, seeds, dispose)
export { Engine, describeAdapterInfo } from './engine.ts';
export type { Disposable, DispatchObserver, EngineInfo, EngineOptions } from './engine.ts';
export { describeAdapter, requestEngineDevice } from './device-request.ts';
export type { MemoryReport } from './buffer-pool.ts';
export { KernelError } from './kernel-errors.ts';

// ---- tensors and shapes
export { Tensor } from './tensor.ts';
export type { GradNode } from './tensor.ts';
export { full, parameter, tensor, zeros } from './creation.ts';
export { ShapeError, broadcastShapes, formatShape, sameShape, sizeOf } from './shape.ts';
export type { Shape } from './shape.ts';

// ---- autograd
export { backward } from './autograd.ts';
export { recordGrad, zeroGrad } from './record-grad.ts';

// ---- ops (each records its backward; none reads back)
export {
  abs, add, addScalar, affine, div, divScalar, exp, expand, leakyRelu, log, mul, mulScalar, neg, relu, scalarDiv,
  sigmoid, sqrt, square, sub, subScalar, tanh,
} from './ops/elementwise.ts';
export { mean, sum } from './ops/reduce.ts';
export { detach, reshape } from './ops/reshape.ts';
export { concat, pad, permute, slice, split, transpose } from './ops/layout.ts';
export { linear, matmul } from './ops/matmul.ts';
export type { MatmulOptions } from './ops/matmul.ts';
export { conv1d, convTranspose1d, upsampleNearest1d } from './ops/conv1d.ts';
export type { Conv1dOptions, ConvTranspose1dOptions } from './ops/conv1d.ts';
export { groupNorm } from './ops/group-norm.ts';
export type { GroupNormOptions } from './ops/group-norm.ts';
export { dropout, randomNormal, randomUniform } from './ops/dropout.ts';
export { bceWithLogits, mseLoss } from './ops/loss.ts';

// ---- layers
export { Module } from './nn/module.ts';
export { Conv1d, ConvTranspose1d, GroupNorm, Linear } from './nn/layers.ts';
export type { Conv1dSpec, ConvTranspose1dSpec } from './nn/layers.ts';
export { InitRandom, fanInBound } from './nn/init.ts';

// ---- optimizers
export { Adam } from './optim/adam.ts';
export type { AdamOptions, AdamState } from './optim/adam.ts';
export { clipGradNorm } from './optim/clip-grad-norm.ts';

// ---- profiler: per-kernel GPU times, tables, Chrome traces (core/PROFILER.md)
export { Profiler, formatProfileTable, kernelTable, startProfiling, toChromeTrace } from './profiler.ts';
export type {
  ChromeTraceEvent, KernelRecord, KernelRow, Peaks, ProfileGrouping, ProfileMode, ProfileReport, ProfileTableOptions,
  ProfilerOptions, SubmitRecord,
} from './profiler.ts';

// ---- your own kernels: a launch is plain data the engine executes; its uniforms are laid out from the WGSL
//      struct they fill (core/kernels/README.md)
export { MAX_WORKGROUPS_PER_DIMENSION, f32, gridFor, gridForItems, i32, u32 } from './kernels/launch.ts';
export type { KernelLaunch, KernelSource, UniformScalar, UniformValue, UniformValues } from './kernels/launch.ts';
export { UniformLayoutError } from './kernels/uniform-layout.ts';

// ---- the op registry: every op declared once with its CPU reference, check cases and benchmark shapes
export { coreOps } from './ops/registry.ts';
export type { CoreOpName } from './ops/registry.ts';
export type { OpBenchmark, OpCase, OpDeclaration, OpRegistry, Tolerance } from './ops/declaration.ts';

// ---- checkpoints: safetensors files as bytes
export { parseSafetensors, safetensorsTensor, writeSafetensors } from './formats/safetensors.ts';
export type { Float32Tensor, SafetensorsData, SafetensorsDtype, SafetensorsFile, SafetensorsTensor } from './formats/safetensors.ts';
export { FormatError } from './formats/bytes.ts';
