// PGFace's architecture and loss weights. Loss weights are the paper's (Sec. 4.2); widths are ours, sized like
// PoseGAN's encoder for the same reasons (small real dataset, CPU-backed adapter); all recorded in checkpoints.
import type { AudioWindowEncoderConfig } from '../nn/audio-window-encoder.ts';

export interface PgFaceConfig {
  readonly featureCount: number;
  readonly windowFrames: number;
  readonly poseChannels: number;
  /** alpha_id (80) then alpha_exp (64). */
  readonly coefficients: number;
  readonly encoder: Pick<AudioWindowEncoderConfig, 'channels' | 'embedding'>;
  readonly hidden: number;
  readonly leakySlope: number;
  /** Eq. (8): L_PGFace = mu1 L_shape + mu2 L_s-motion. */
  readonly mu1: number;
  readonly mu2: number;
  /**
   * "pgface": identity and expression generated (the paper's). "fixed-identity": the VOCA-style baseline of
   * Table 3, which generates expression only and uses the person's mean identity.
   */
  readonly variant: 'pgface' | 'fixed-identity';
}

export function defaultPgFaceConfig(featureCount: number, overrides: Partial<PgFaceConfig> = {}): PgFaceConfig {
  return {
    featureCount,
    windowFrames: 16,
    poseChannels: 6,
    coefficients: 144,
    encoder: { channels: [32, 64], embedding: 128 },
    hidden: 256,
    leakySlope: 0.2,
    mu1: 1,
    mu2: 10,
    variant: 'pgface',
    ...overrides,
  };
}
