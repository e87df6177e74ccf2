// Every op of core/ops, declared once (see declaration.ts): the table tests/core/op-registry.test.ts checks and
// benchmarks/kernels.ts times. It is typed over the functions core/ops exports, so an exported op without a
// declaration here is a compile error (as jax-js types its rule tables over its primitives). gradient-sums.ts is
// not listed: its functions are backward building blocks, not ops.
import type * as conv1dOps from './conv1d.ts';
import type * as dropoutOps from './dropout.ts';
import type * as elementwiseOps from './elementwise.ts';
import type * as groupNormOps from './group-norm.ts';
import type * as layoutOps from './layout.ts';
import type * as lossOps from './loss.ts';
import type * as matmulOps from './matmul.ts';
import type * as reduceOps from './reduce.ts';
import type * as reshapeOps from './reshape.ts';
import type { OpNames, OpRegistry } from './declaration.ts';
import { conv1dDeclaration, convTranspose1dDeclaration, upsampleNearest1dDeclaration } from './declarations/conv1d.ts';
import {
  absDeclaration, addDeclaration, addScalarDeclaration, affineDeclaration, divDeclaration, divScalarDeclaration, expDeclaration,
  expandDeclaration, leakyReluDeclaration, logDeclaration, mulDeclaration, mulScalarDeclaration, negDeclaration, reluDeclaration,
  scalarDivDeclaration, sigmoidDeclaration, sqrtDeclaration, squareDeclaration, subDeclaration, subScalarDeclaration, tanhDeclaration,
} from './declarations/elementwise.ts';
import { groupNormDeclaration } from './declarations/group-norm.ts';
import {
  concatDeclaration, padDeclaration, permuteDeclaration, sliceDeclaration, splitDeclaration, transposeDeclaration,
} from './declarations/layout.ts';
import { bceWithLogitsDeclaration, mseLossDeclaration } from './declarations/loss.ts';
import { linearDeclaration, matmulDeclaration } from './declarations/matmul.ts';
import { dropoutDeclaration, randomNormalDeclaration, randomUniformDeclaration } from './declarations/random.ts';
import { detachDeclaration, meanDeclaration, reshapeDeclaration, sumDeclaration } from './declarations/reduce.ts';

/** Everything core/ops exports as an op. */
type CoreOpModules = typeof conv1dOps & typeof dropoutOps & typeof elementwiseOps & typeof groupNormOps & typeof layoutOps &
  typeof lossOps & typeof matmulOps & typeof reduceOps & typeof reshapeOps;

export type CoreOpName = OpNames<CoreOpModules>;

export const coreOps: OpRegistry<CoreOpModules> = {
  // matmul
  matmul: matmulDeclaration, linear: linearDeclaration,
  // convolutions
  conv1d: conv1dDeclaration, convTranspose1d: convTranspose1dDeclaration, upsampleNearest1d: upsampleNearest1dDeclaration,
  // layout
  concat: concatDeclaration, split: splitDeclaration, slice: sliceDeclaration, pad: padDeclaration, permute: permuteDeclaration,
  transpose: transposeDeclaration,
  // elementwise: unary
  neg: negDeclaration, exp: expDeclaration, log: logDeclaration, sqrt: sqrtDeclaration, square: squareDeclaration, abs: absDeclaration,
  relu: reluDeclaration, leakyRelu: leakyReluDeclaration, tanh: tanhDeclaration, sigmoid: sigmoidDeclaration,
  // elementwise: scalar
  affine: affineDeclaration, addScalar: addScalarDeclaration, subScalar: subScalarDeclaration, mulScalar: mulScalarDeclaration,
  divScalar: divScalarDeclaration, scalarDiv: scalarDivDeclaration,
  // elementwise: broadcasting
  add: addDeclaration, sub: subDeclaration, mul: mulDeclaration, div: divDeclaration, expand: expandDeclaration,
  // reductions and views
  sum: sumDeclaration, mean: meanDeclaration, reshape: reshapeDeclaration, detach: detachDeclaration,
  // normalisation, losses, random
  groupNorm: groupNormDeclaration, mseLoss: mseLossDeclaration, bceWithLogits: bceWithLogitsDeclaration,
  dropout: dropoutDeclaration, randomUniform: randomUniformDeclaration, randomNormal: randomNormalDeclaration,
};
