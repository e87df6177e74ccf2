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
  /**
   * (ours) The first generated frame is the initial pose exactly: y^_t = p + (o_t - o_0) for the network's output
   * o. Eq. (3)'s ||p - y^_0||^2 pins it only as much as one frame of 256 weighs, and the adversarial term pulls
   * harder than that, so windows stopped joining (issue 14). In inference each later window then starts at the
   * previous window's last pose moved on by its last step (talking-head/inference/generate.ts chainPose), so the step
   * across a join continues the motion instead of repeating a frame.
   */
  readonly anchorInitialPose: boolean;
  /**
   * (ours) Frames at the end of each full inference window that are generated and dropped: the next window
   * starts this many frames before the previous one's end (every window but the tail keeps T - windowOverlap
   * frames; talking-head/inference/generate.ts). A window's last frames are the U-Net's right edge, where it sees
   * zero padding and the least of the audio that follows; on unseen speech they swung away and back, a visible
   * seam at every join (issue 14). 0 = the paper's back-to-back windows.
   */
  readonly windowOverlap: number;
  readonly discriminatorChannels: readonly number[];
  /** Kernel of D's strided convolutions: with the layer count, D's receptive field (see discriminator.ts). */
  readonly discriminatorKernel: number;
  /** D sees the audio frames (the paper's D(x, y)); false: an unconditional critic of the poses alone. */
  readonly discriminatorAudio: boolean;
  /** Which pose channels D sees: all six, or the rotation only (pitch, yaw, roll). */
  readonly discriminatorPose: 'all' | 'rotation';
  /**
   * (ours) D also sees the frame differences y_t - y_(t-1), times this factor (0 = off). Real frame-to-frame
   * steps are ~0.02-0.2 of a channel's spread, too small beside the poses for D's first layer to weigh them.
   */
  readonly discriminatorMotion: number;
  /** (ours) Spectral normalisation of D's convolutions (Miyato et al. 2018). */
  readonly spectralNorm: boolean;
  /** D's learning rate as a multiple of G's (1 = the paper's one learning rate; TTUR uses > 1). */
  readonly discriminatorLearningRate: number;
  /** Loss weights, Eq. (5) and (6): L_L2 = alpha L_pose + beta L_motion; L = lambda L_GAN + L_L2. */
  readonly alpha: number;
  readonly beta: number;
  readonly lambda: number;
  /**
   * How Eq. (3)-(4)'s sums over frames enter Eq. (5)-(6): 'sum' as written (a 256-frame window sums 256 frames,
   * so L_L2 is ~1000 against L_GAN's ~1 and lambda = 0.01 weighs nothing); 'frame-mean' divides both by T, so
   * L_L2 is a frame's loss and lambda weighs L_GAN against one frame.
   */
  readonly reconstructionNormalisation: 'sum' | 'frame-mean';
  /** The form of L_GAN (Eq. 6), see talking-head/training/adversarial-loss.ts. */
  readonly adversarialLoss: 'non-saturating' | 'least-squares' | 'hinge';
  /** (ours) Weight of D-feature matching in G's loss (Salimans et al. 2016, paired as pix2pixHD); 0 = off. */
  readonly featureMatching: number;
  /** (ours) Channels of Gaussian noise G sees at the U-Net's coarsest level (0 = the paper's deterministic G). */
  readonly noiseChannels: number;
  /**
   * (ours) Sigma in frames of an Eq. (1) Gaussian filter on G's output (0 = none): the training poses went
   * through this filter (the dataset's smoothing), so G's output is limited to the band real poses occupy.
   */
  readonly outputSmoothing: number;
  /**
   * (ours) "Best on validation" (Sec. 4.3) scores an epoch by L_L2 a frame plus this weight times
   * (ln r_motion)^2 + max(0, ln r_jitter)^2, with r the generated / real rotation motion energy and jitter of
   * the val segments (0 = L_L2 alone). L_L2 alone is lowest for the regressor that collapses to a still head,
   * the very thing the adversarial term is there to prevent, so it would always keep the epoch before the
   * adversarial term had any effect.
   */
  readonly validationRealism: number;
  /**
   * (ours) Weight of a second, unconditional motion critic in G's loss (0 = off): it sees only pose motion,
   * and real pose-only clips (no audio) join its real examples (talking-head/training/motion-critic.ts).
   */
  readonly motionCritic: number;
  /** "cnn": the paper's CNN baseline, the same generator trained with L_L2 only. */
  readonly variant: 'posegan' | 'cnn';
}

/**
 * The choices issue 14 added, at the values PoseGAN had before them: a checkpoint that does not record one was
 * trained with this value (poseGanConfigFromJson fills them in).
 */
export const LEGACY_POSEGAN_CHOICES = {
  discriminatorKernel: 5,
  discriminatorAudio: true,
  discriminatorPose: 'all',
  discriminatorMotion: 0,
  spectralNorm: false,
  discriminatorLearningRate: 1,
  reconstructionNormalisation: 'sum',
  adversarialLoss: 'non-saturating',
  featureMatching: 0,
  noiseChannels: 0,
  outputSmoothing: 0,
  anchorInitialPose: false,
  windowOverlap: 0,
  validationRealism: 0,
  motionCritic: 0,
} as const satisfies Partial<PoseGanConfig>;

/** A checkpoint's recorded config, with the choices it predates at their legacy values. */
export function poseGanConfigFromJson(json: Record<string, unknown>): PoseGanConfig {
  return { ...LEGACY_POSEGAN_CHOICES, ...json } as unknown as PoseGanConfig;
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
    ...LEGACY_POSEGAN_CHOICES,
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
  if (!(Number.isInteger(config.windowOverlap) && config.windowOverlap >= 0 && config.windowOverlap < config.frames)) {
    throw new RangeError(`PoseGAN config: windowOverlap ${config.windowOverlap}, expected an integer in [0, frames ${config.frames})`);
  }
  for (const c of [...config.unetChannels, ...config.discriminatorChannels]) {
    if (c % config.groups !== 0) throw new RangeError(`PoseGAN config: ${c} channels are not divisible by ${config.groups} GroupNorm groups`);
  }
}
