// Every op of the paper, declared once (core/ops/declaration.ts): the Gaussian temporal filter (Eq. 1), the
// differentiable face decode (Eq. 2), PoseGAN's pose losses (Eq. 3-4) and PGFace's masked vertex losses (Eq. 7-8);
// and PoseGAN's anchored output, inference's window cross-fade and the encoder's first layer cut into windows (ours).
// tests/ops/op-registry.test.ts checks it and benchmarks/kernels.ts times it. Typed over what talking-head/ops
// exports (and decodeFace), so an exported op without a declaration is a compile error.
import type * as anchorPosesOps from './anchor-poses.ts';
import type * as crossFadeOps from './cross-fade.ts';
import type * as gaussianFilterOps from './gaussian-filter.ts';
import type * as maskedVertexLossOps from './masked-vertex-loss.ts';
import type * as poseLossOps from './pose-loss.ts';
import type * as sequenceWindowsOps from './sequence-windows.ts';
import type { decodeFace } from '../face/decode.ts';
import type { OpRegistry } from '../../core/ops/declaration.ts';
import { anchorPosesDeclaration } from './declarations/anchor-poses.ts';
import { crossFadeDeclaration } from './declarations/cross-fade.ts';
import { decodeFaceDeclaration } from './declarations/face-decode.ts';
import { gaussianTemporalFilterDeclaration, smoothPoseSequenceDeclaration } from './declarations/gaussian-filter.ts';
import { maskedVertexLossesDeclaration } from './declarations/masked-vertex-loss.ts';
import { poseReconstructionLossesDeclaration } from './declarations/pose-loss.ts';
import { sequenceWindowsDeclaration } from './declarations/sequence-windows.ts';

type TalkingHeadOpModules = typeof anchorPosesOps & typeof crossFadeOps & typeof gaussianFilterOps & typeof maskedVertexLossOps & typeof poseLossOps & typeof sequenceWindowsOps & { readonly decodeFace: typeof decodeFace };

export const talkingHeadOps: OpRegistry<TalkingHeadOpModules> = {
  gaussianTemporalFilter: gaussianTemporalFilterDeclaration,
  smoothPoseSequence: smoothPoseSequenceDeclaration,
  decodeFace: decodeFaceDeclaration,
  poseReconstructionLosses: poseReconstructionLossesDeclaration,
  maskedVertexLosses: maskedVertexLossesDeclaration,
  anchorPoses: anchorPosesDeclaration,
  crossFade: crossFadeDeclaration,
  sequenceWindows: sequenceWindowsDeclaration,
};
