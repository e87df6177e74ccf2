// The units PoseGAN's poses are in (config.ts poseNormalisation; ours, issue 14 run 9: the paper does not say how
// poses are normalised).
//
// The dataset z-scores every pose with one mean and std per channel over all speakers' train frames (dataset.json
// stats.pose, talking-head/data/dataset.ts): the "global" units that evaluation, the reports' pose distance and
// PGFace's pose input are in. With poseNormalisation 'global' (legacy and default) G and D work in them too.
// With 'identity' G's initial pose, its L_L2 targets and D's real and generated poses are z-scored with the
// identity's own train mean and std instead (dataset.json identities[].meanPose / stdPose, which every checkpoint
// records), so a unit of motion is the speaker's own: one global std gave the stillest speaker (KristiNoem, train
// yaw std 0.013 rad against 0.05-0.14) the others' absolute motion, a 2-4x overshoot for her (ablation.md, runs 7-8).
//
// Per channel c, with global mean m and std s and the identity's m_i, s_i (both floored at STD_FLOOR), a pose z in
// global units is u = (z s + m - m_i) / s_i in the identity's, and back z = (u s_i + m_i - m) / s. Every place a
// generator's output becomes poses (inference, streaming, validation, evaluation) goes through posesFromGenerator,
// and every initial pose into G through posesToGenerator, so everything outside G and D stays in global units and
// every figure compares with the 'global' checkpoints'. With 'global' both return their input itself: the
// behaviour of the shipped checkpoints, bit for bit.
//
// 'identity-motion' (run 10) keeps the identity's mean but scales each rotation channel by the identity's own frame
// step instead of its std: s_i = MOTION_UNIT_STEPS x identities[].motionPose (the RMS frame-to-frame step of its
// smoothed train poses). Run 9's std units handed the excess to feifeili, whose yaw and roll drift slowly across her
// clips (train std over RMS step 22 and 35, the others 6.5-17): G moves about equally in its units for everyone, so
// in std units she got 2-4x her own motion. In step units every speaker's frame-to-frame motion is the same in G's
// units, so the same motion from G is each speaker's own when mapped back. Translations keep the identity's std:
// their steps are mostly tracking noise (std over step 1.8-3.5).
//
// 'identity-mean' (run 11) keeps the global scale and takes only the identity's mean: s_i = s, so u = z + (m - m_i) / s.
// Run 10 found that the 'global' checkpoints drift toward the global mean pose as windows chain over long speech
// (the shipped model's pitch on the 25 s sample falls 0.109 -> 0.046 rad, KristiNoem's rest 0.102, the global mean
// 0.016), and that both identity units (whose zero is the speaker's own mean) do not; this keeps the units of motion
// the shipped checkpoints were tuned in and moves only where zero is.
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import { add, mul } from '../../core/ops/elementwise.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { PoseBatch } from '../data/dataset.ts';
import { type ChannelStats, type IdentityEntry, POSE_CHANNELS, STD_FLOOR } from '../data/dataset-format.ts';
import type { PoseGanConfig } from './config.ts';

/** Per channel: x -> x scale + offset. */
export interface PoseAffine {
  readonly scale: readonly number[];
  readonly offset: readonly number[];
}

/** How one identity's poses move between the global units and G's; null maps when they are the same units. */
export interface GeneratorPoseUnits {
  readonly toGenerator: PoseAffine | null;
  readonly fromGenerator: PoseAffine | null;
}

const SAME_UNITS: GeneratorPoseUnits = { toGenerator: null, fromGenerator: null };

/**
 * 'identity-motion': a rotation unit is this many of the identity's RMS frame steps. 12 puts a typical speaker's step
 * where it is in the global units (global std over the pooled RMS step on the styletalk train split: 12 pitch, 13
 * yaw, 25 roll), so G's output layer and D's motion input (discriminatorMotion) see steps of the size they were tuned on.
 */
export const MOTION_UNIT_STEPS = 12;
const ROTATION_CHANNELS = 3;

/** Per channel, the scale of G's units (the identity's std, for rotations under 'identity-motion' its step; the global std under 'identity-mean'). */
function identityScale(config: Pick<PoseGanConfig, 'poseNormalisation'>, identity: Pick<IdentityEntry, 'name' | 'stdPose' | 'motionPose'>, globalScale: readonly number[]): number[] {
  if (config.poseNormalisation === 'identity-mean') return [...globalScale];
  if (config.poseNormalisation === 'identity') return identity.stdPose.map((v) => Math.max(v, STD_FLOOR));
  const step = identity.motionPose;
  if (step?.length !== POSE_CHANNELS) {
    throw new RangeError(`poseNormalisation 'identity-motion': identity '${identity.name}' has ${step === undefined ? 'no motionPose' : `motionPose of ${step.length} values`}, expected ${POSE_CHANNELS} (dataset.json identities[].motionPose, written by \`posedyn dataset build\` since run 10: rebuild the dataset)`);
  }
  return identity.stdPose.map((v, c) => Math.max(c < ROTATION_CHANNELS ? MOTION_UNIT_STEPS * step[c]! : v, STD_FLOOR));
}

/** The units G works in for `identity`, given the global pose statistics (the dataset's or the checkpoint's). */
export function generatorPoseUnits(config: Pick<PoseGanConfig, 'poseNormalisation'>, identity: Pick<IdentityEntry, 'name' | 'meanPose' | 'stdPose' | 'motionPose'>, global: ChannelStats): GeneratorPoseUnits {
  if (config.poseNormalisation === 'global') return SAME_UNITS;
  if (identity.meanPose?.length !== POSE_CHANNELS || identity.stdPose?.length !== POSE_CHANNELS) {
    throw new RangeError(`poseNormalisation '${config.poseNormalisation}': identity '${identity.name}' has meanPose of ${identity.meanPose?.length} and stdPose of ${identity.stdPose?.length} values, expected ${POSE_CHANNELS} each`);
  }
  const s = global.std.map((v) => Math.max(v, STD_FLOOR));
  const own = identityScale(config, identity, s);
  const m = global.mean;
  const mi = identity.meanPose;
  return {
    toGenerator: { scale: s.map((v, c) => v / own[c]!), offset: m.map((v, c) => (v - mi[c]!) / own[c]!) },
    fromGenerator: { scale: own.map((v, c) => v / s[c]!), offset: mi.map((v, c) => (v - m[c]!) / s[c]!) },
  };
}

/** One units per identity of `identities` (index = identity index), against the global statistics. */
export function identityPoseUnits(config: Pick<PoseGanConfig, 'poseNormalisation'>, identities: readonly IdentityEntry[], global: ChannelStats): GeneratorPoseUnits[] {
  return identities.map((identity) => generatorPoseUnits(config, identity, global));
}

function applyTensor(engine: Engine, poses: Tensor, map: PoseAffine | null, what: string): Tensor {
  if (!map) return poses;
  if (poses.shape[poses.shape.length - 1] !== POSE_CHANNELS) throw new RangeError(`${what}: poses of shape [${poses.shape.join(', ')}], expected [..., ${POSE_CHANNELS}]`);
  return add(mul(poses, tensor(engine, map.scale, [POSE_CHANNELS])), tensor(engine, map.offset, [POSE_CHANNELS]));
}

/** G's output [..., 6] in the global units: the one way generated poses leave G (see the top of this file). */
export function posesFromGenerator(engine: Engine, generated: Tensor, units: GeneratorPoseUnits): Tensor {
  return applyTensor(engine, generated, units.fromGenerator, 'posesFromGenerator');
}

/** Poses [..., 6] in global units (an initial pose) in G's units. */
export function posesToGenerator(engine: Engine, poses: Tensor, units: GeneratorPoseUnits): Tensor {
  return applyTensor(engine, poses, units.toGenerator, 'posesToGenerator');
}

/** CPU form of the same maps on row-major [..., 6] arrays (training batches); returns `values` itself for null. */
export function mapPoseArray(values: Float32Array, map: PoseAffine | null): Float32Array {
  if (!map) return values;
  if (values.length % POSE_CHANNELS !== 0) throw new RangeError(`mapPoseArray: ${values.length} values are not rows of ${POSE_CHANNELS}`);
  return values.map((v, i) => v * map.scale[i % POSE_CHANNELS]! + map.offset[i % POSE_CHANNELS]!);
}

/**
 * A training batch (talking-head/data/dataset.ts poseBatch, global units) with its poses and initial poses in G's
 * units, each window by its identity's. D's real examples are these poses, so D judges them in G's units too.
 * Returns `batch` itself when G works in the global units.
 */
export function batchInGeneratorUnits(batch: PoseBatch, units: readonly GeneratorPoseUnits[]): PoseBatch {
  if (units.every((u) => !u.toGenerator)) return batch;
  const rows = batch.length * POSE_CHANNELS;
  const pose = new Float32Array(batch.pose.length);
  const initial = new Float32Array(batch.initial.length);
  for (let b = 0; b < batch.batch; b++) {
    const map = units[batch.identity[b]!]?.toGenerator;
    if (map === undefined) throw new RangeError(`batchInGeneratorUnits: window ${b} has identity ${batch.identity[b]}, but units were given for ${units.length} identities`);
    pose.set(mapPoseArray(batch.pose.subarray(b * rows, (b + 1) * rows), map), b * rows);
    initial.set(mapPoseArray(batch.initial.subarray(b * POSE_CHANNELS, (b + 1) * POSE_CHANNELS), map), b * POSE_CHANNELS);
  }
  return { ...batch, pose, initial };
}
