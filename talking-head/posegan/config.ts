// PoseGAN's architecture and loss weights. Loss weights are the paper's (Sec. 4.1); widths are ours.
//
// Default widths (ours): the paper gives no widths. These are sized for the real dataset at hand (four
// identities, ~2 minutes of training frames, 295 training windows) and for training on a CPU-backed WebGPU
// adapter: an encoder of 16/32 channels and a 32-d frame embedding, a U-Net of 32-48-64-64 channels over three
// 2x down-samplings (256 -> 32 frames; the receptive field spans several seconds), GroupNorm with 8 groups.
// A step at batch 64 is ~12 GFLOP forward and backward, about a minute an epoch on lavapipe; twice these widths
// cost 4x as much and only fit this small dataset harder. All of it is configurable (--config) and recorded
// in checkpoints.
import type { AudioWindowEncoderConfig } from '../nn/audio-window-encoder.ts';

export interface PoseGanConfig {
  readonly featureCount: number;
  /** Frames of audio context a frame (the paper's 16). */
  readonly windowFrames: number;
  /** Frames a training window (the paper's T = 256); must be divisible by 2^(unetChannels.length - 1). */
  readonly frames: number;
  /** Pose values a frame: pitch, yaw, roll, tx, ty, tz. */
  readonly poseChannels: number;
  readonly encoder: Pick<AudioWindowEncoderConfig, 'channels' | 'embedding'>;
  /** Channels at full resolution, then after each 2x down-sampling. */
  readonly unetChannels: readonly number[];
  readonly groups: number;
  readonly leakySlope: number;
  /**
   * (ours) The output layer predicts an offset added to the initial pose, on top of seeing it concatenated;
   * it makes "start where the last window ended" the easy default.
   */
  readonly residualInitialPose: boolean;
  readonly discriminatorChannels: readonly number[];
  /** Loss weights, Eq. (5) and (6): L_L2 = alpha L_pose + beta L_motion; L = lambda L_GAN + L_L2. */
  readonly alpha: number;
  readonly beta: number;
  readonly lambda: number;
  /** "cnn": the paper's CNN baseline, the same generator trained with L_L2 only. */
  readonly variant: 'posegan' | 'cnn';
}

export function defaultPoseGanConfig(featureCount: number, overrides: Partial<PoseGanConfig> = {}): PoseGanConfig {
  return {
    featureCount,
    windowFrames: 16,
    frames: 256,
    poseChannels: 6,
    encoder: { channels: [16, 32], embedding: 32 },
    unetChannels: [32, 48, 64, 64],
    groups: 8,
    leakySlope: 0.2,
    residualInitialPose: true,
    discriminatorChannels: [32, 64, 64],
    alpha: 1,
    beta: 10,
    lambda: 0.01,
    variant: 'posegan',
    ...overrides,
  };
}

export function validatePoseGanConfig(config: PoseGanConfig): void {
  const factor = 2 ** (config.unetChannels.length - 1);
  if (config.frames % factor !== 0) {
    throw new RangeError(`PoseGAN config: frames ${config.frames} must be divisible by ${factor} (2^${config.unetChannels.length - 1} U-Net down-samplings)`);
  }
  for (const c of [...config.unetChannels, ...config.discriminatorChannels]) {
    if (c % config.groups !== 0) throw new RangeError(`PoseGAN config: ${c} channels are not divisible by ${config.groups} GroupNorm groups`);
  }
}
