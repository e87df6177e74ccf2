// Layers that own their parameters, initialised like PyTorch's defaults from a seeded generator.
import { parameter } from '../creation.ts';
import type { Engine } from '../engine.ts';
import { type Conv1dOptions, type ConvTranspose1dOptions, conv1d, convTranspose1d } from '../ops/conv1d.ts';
import { groupNorm } from '../ops/group-norm.ts';
import { linear } from '../ops/matmul.ts';
import type { Tensor } from '../tensor.ts';
import { type InitRandom, fanInBound } from './init.ts';
import { Module } from './module.ts';

export interface Conv1dSpec extends Conv1dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  /** Default true. */
  readonly bias?: boolean;
}

/** x [B, Cin, L] -> [B, Cout, Lout]; weight [Cout, Cin, K]. */
export class Conv1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly spec: Conv1dSpec;

  constructor(engine: Engine, name: string, spec: Conv1dSpec, random: InitRandom) {
    super();
    this.spec = spec;
    const bound = fanInBound(spec.inChannels * spec.kernelSize);
    this.weight = this.registerParameter('weight', parameter(engine, random.uniform(spec.outChannels * spec.inChannels * spec.kernelSize, bound), [spec.outChannels, spec.inChannels, spec.kernelSize], `${name}.weight`));
    this.bias = spec.bias === false ? null : this.registerParameter('bias', parameter(engine, random.uniform(spec.outChannels, bound), [spec.outChannels], `${name}.bias`));
  }

  /** With `leakySlope`, leakyRelu of the output, fused into the convolution where the kernel can. */
  forward(x: Tensor, activation: { readonly leakySlope?: number } = {}): Tensor {
    return conv1d(x, this.weight, this.bias, activation.leakySlope === undefined ? this.spec : { ...this.spec, leakySlope: activation.leakySlope });
  }
}

export interface ConvTranspose1dSpec extends ConvTranspose1dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly bias?: boolean;
}

/** x [B, Cin, L] -> [B, Cout, Lout']; weight [Cin, Cout, K] (PyTorch's layout for transposed convolutions). */
export class ConvTranspose1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly spec: ConvTranspose1dSpec;

  constructor(engine: Engine, name: string, spec: ConvTranspose1dSpec, random: InitRandom) {
    super();
    this.spec = spec;
    // PyTorch computes the fan-in of a transposed convolution from weight.size(1) * K = Cout * K.
    const bound = fanInBound(spec.outChannels * spec.kernelSize);
    this.weight = this.registerParameter('weight', parameter(engine, random.uniform(spec.inChannels * spec.outChannels * spec.kernelSize, bound), [spec.inChannels, spec.outChannels, spec.kernelSize], `${name}.weight`));
    this.bias = spec.bias === false ? null : this.registerParameter('bias', parameter(engine, random.uniform(spec.outChannels, bound), [spec.outChannels], `${name}.bias`));
  }

  forward(x: Tensor): Tensor {
    return convTranspose1d(x, this.weight, this.bias, this.spec);
  }
}

/** x [..., in] -> [..., out]; weight [out, in]. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(engine: Engine, name: string, inFeatures: number, outFeatures: number, random: InitRandom, withBias = true) {
    super();
    const bound = fanInBound(inFeatures);
    this.weight = this.registerParameter('weight', parameter(engine, random.uniform(outFeatures * inFeatures, bound), [outFeatures, inFeatures], `${name}.weight`));
    this.bias = withBias ? this.registerParameter('bias', parameter(engine, random.uniform(outFeatures, bound), [outFeatures], `${name}.bias`)) : null;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** GroupNorm over [B, C, L] with a learned per-channel scale (init 1) and shift (init 0). */
export class GroupNorm extends Module {
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly groups: number;

  constructor(engine: Engine, name: string, channels: number, groups: number) {
    super();
    this.groups = groups;
    this.gamma = this.registerParameter('gamma', parameter(engine, new Float32Array(channels).fill(1), [channels], `${name}.gamma`));
    this.beta = this.registerParameter('beta', parameter(engine, new Float32Array(channels), [channels], `${name}.beta`));
  }

  /** With `leakySlope`, leakyRelu of the output, fused into the normalisation where the kernel can. */
  forward(x: Tensor, activation: { readonly leakySlope?: number } = {}): Tensor {
    return groupNorm(x, { groups: this.groups, gamma: this.gamma, beta: this.beta, ...activation });
  }
}
