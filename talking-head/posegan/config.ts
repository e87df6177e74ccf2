// PoseGAN's architecture and loss weights. Loss weights alpha, beta are the paper's (Sec. 4.1); widths are ours.
//
// Default widths (ours): the paper gives no widths. These are sized for the real dataset at hand (four
// identities, ~2 minutes of training frames, 295 training windows) and for training on a CPU-backed WebGPU
// adapter: an encoder of 16/16 channels and a 16-d frame embedding, a U-Net of 16-32-32 channels over two 2x
// down-samplings (256 -> 64 frames), GroupNorm with 4 groups, a discriminator of 16-32 channels. At these widths
// the paper's schedule (batch 64, 50 epochs) takes 15-40 min on lavapipe (quiet to shared machine). Issue 14's study
// (benchmarks/reports/eval-styletalk/ablation.md) tried the earlier, wider defaults (encoder 16/32, embedding 32,
// U-Net 32-48-64-64, 8 groups, D 32-64-64): they cost 3-7x the training time (20-26 min against 3-7 for the
// study's short runs), and the wider D alone lowered the identity classifier's confidence (0.46 vs 0.52, row
// n-wide-d). Everything is configurable (--config) and recorded in checkpoints.
//
// The design choices of issue 14 (the defaults below; DESIGN_CHOICES_OF_ISSUE_14 lists them, LEGACY_POSEGAN_CHOICES
// gives the values before it, which stay selectable with --config and which a checkpoint that predates a choice
// is loaded with). Each is documented at the field and at the equation it changes:
//   Eq. (3)-(5)  reconstructionNormalisation 'frame-mean' (posegan-trainer.ts): L_L2 a frame, not a 256-frame sum
//   Eq. (6)      lambda 1 against that per-frame L_L2 (the paper's 0.01 against a sum over T = 256 frames is
//                lambda 2.56 a frame; at 0.01 a frame the adversarial term was 0.2% of G's loss and changed nothing)
//   D(x, y)      discriminatorPose 'rotation', discriminatorMotion 10 (discriminator.ts): D judges how the head
//                turns and how fast, not the translation channels' tracking noise
//   G output     outputSmoothing 1.5 (generator.ts): an Eq. (1) filter on G's output, the band real poses occupy
//   G output     anchorInitialPose (generator.ts): y^_0 = p exactly, so windows join
//   inference    windowOverlap 32 (inference/generate.ts): windows overlap and cross-fade, no seam at the U-Net's edge
//   Sec. 4.3     validationRealism 1 (posegan-validation.ts): "best on validation" does not reward a still head
//   Sec. 4.3     validationRealismPooling, validationStdRealism (run 8): the penalty per identity, and on the std;
//                tried over five seeds and not kept (defaults 'pooled', 0: per identity it keeps still early epochs)
//   D(x, y)      discriminatorKernel 9, spectralNorm (discriminator.ts; run 6): D sees 33 frames, its push bounded
//   Eq. (3)-(6)  poseNormalisation (pose-units.ts; run 9): G's and D's poses in each identity's own z-units; a pilot,
//                default 'global' (the dataset's one mean/std for all speakers, as the shipped checkpoints);
//                'identity-motion' (run 10): the rotations in units of each identity's own frame step;
//                'identity-mean' (run 11): the global std, zero at each identity's own mean
import type { AudioWindowEncoderConfig } from '../nn/audio-window-encoder.ts';

/** The units G's and D's poses are in (PoseGanConfig.poseNormalisation, pose-units.ts). */
export const POSE_NORMALISATIONS = ['global', 'identity', 'identity-motion', 'identity-mean'] as const;
export type PoseNormalisation = (typeof POSE_NORMALISATIONS)[number];

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
   * (ours; default on since issue 14) The first generated frame is the initial pose exactly: y^_t = p + (o_t - o_0) for the network's output
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
   * seam at every join (issue 14). 0 = the paper's back-to-back windows (legacy); default T/8 = 32 since issue 14 (the
   * next window also cross-fades in over them, talking-head/inference/generate.ts). Inference only: no parameter
   * and no training step depends on it (validation segments are shorter than a window), so a checkpoint's
   * recorded value can be changed without retraining.
   */
  readonly windowOverlap: number;
  readonly discriminatorChannels: readonly number[];
  /**
   * Kernel of D's strided convolutions: with the layer count, D's receptive field (see discriminator.ts). Legacy 5;
   * default 9 since issue 14's run 6 (with spectralNorm): D's logits see 33 frames instead of 21, and the head's
   * slower motion with them. At the paper's schedule it took Table 4's confidence from 0.478 to 0.535 (0.500 to 0.556
   * over five classifiers, all five >= 0.51) and the lowest speech std ratio from 0.18 to 0.33, with motion and
   * jitter kept in the targets (ablation.md, run 6, full schedule); without spectral norm (or at short schedules
   * with other seeds) the longer field overshoots the motion.
   */
  readonly discriminatorKernel: number;
  /** D sees the audio frames (the paper's D(x, y)); false: an unconditional critic of the poses alone. */
  readonly discriminatorAudio: boolean;
  /**
   * Which pose channels D sees: all six (the paper, legacy), or the rotation only (pitch, yaw, roll; default since
   * issue 14): the styletalk translations are mostly tracking noise (motion-realism.ts), and a D that sees them
   * judges the noise instead of the nod.
   */
  readonly discriminatorPose: 'all' | 'rotation';
  /**
   * (ours) D also sees the frame differences y_t - y_(t-1), times this factor (0 = off, legacy; default 10 since
   * issue 14). Real frame-to-frame steps are ~0.02-0.2 of a channel's spread, too small beside the poses for D's
   * first layer to weigh them. With the rotation-only D it raised the test motion energy from 0.12-1.21x to
   * 0.57-1.55x the real and the classifier's confidence from 0.52 to 0.63 (ablation rows n-base, n-dmotion-rot).
   */
  readonly discriminatorMotion: number;
  /**
   * (ours) Spectral normalisation of D's convolutions (Miyato et al. 2018). Legacy off; default on since issue 14's
   * run 6, paired with discriminatorKernel 9: it bounds how hard the longer-sighted D can push G (alone, it was the
   * base within the seeds' spread; D kernel 9 without it trembled at seed 2, jitter 2.98x).
   */
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
   * L_L2 is a frame's loss and lambda weighs L_GAN against one frame (default since issue 14, with lambda 1).
   */
  readonly reconstructionNormalisation: 'sum' | 'frame-mean';
  /** The form of L_GAN (Eq. 6), see talking-head/training/adversarial-loss.ts. */
  readonly adversarialLoss: 'non-saturating' | 'least-squares' | 'hinge';
  /** (ours) Weight of D-feature matching in G's loss (Salimans et al. 2016, paired as pix2pixHD); 0 = off. */
  readonly featureMatching: number;
  /** (ours) Channels of Gaussian noise G sees at the U-Net's coarsest level (0 = the paper's deterministic G). */
  readonly noiseChannels: number;
  /**
   * (ours) Sigma in frames of an Eq. (1) Gaussian filter on G's output (0 = none, legacy; default 1.5 since issue
   * 14): the training poses went through this filter (the dataset's smoothing, sigma 1), so G's output is limited
   * to the band real poses occupy. The adversarial term otherwise buys motion with a tremble: sigma 1 left the
   * rotation jitter at 3.35x the real, sigma 1.5 at 1.22x (ablation rows n-dmotion-rot, n-dmr-s1.5).
   */
  readonly outputSmoothing: number;
  /**
   * (ours; default 1 since issue 14, legacy 0) "Best on validation" (Sec. 4.3) scores an epoch by L_L2 a frame plus this weight times
   * (ln r_motion)^2 + max(0, ln r_jitter)^2, with r the generated / real rotation motion energy and jitter of
   * the val segments (0 = L_L2 alone). L_L2 alone is lowest for the regressor that collapses to a still head,
   * the very thing the adversarial term is there to prevent, so it would always keep the epoch before the
   * adversarial term had any effect.
   */
  readonly validationRealism: number;
  /**
   * (ours; run 8 of issue 14, legacy and default 'pooled') Whose realism that penalty measures. 'pooled': the ratios
   * of all val segments together, so an identity with few val frames (KristiNoem's 54 of 516) weighs little, and
   * run 7 found her trembling (jitter 2.1-3.4x) at the epochs it chose at four of five seeds. 'identity-mean' /
   * 'identity-max': the penalty is computed for each identity's val segments alone and averaged / the largest
   * taken (posegan-validation.ts validationScore), so one identity's overshoot or tremble counts in full.
   * Selection only: it changes which epoch is kept, not how G trains. Run 8 (ablation.md): at seeds 2 and 5 the
   * per-identity rules keep early epochs where KristiNoem is in band and the others are still (Table 4 0.11-0.20),
   * and seed 4's tremble on unseen speech is invisible on val; not kept.
   */
  readonly validationRealismPooling: 'pooled' | 'identity-mean' | 'identity-max';
  /**
   * (ours; run 8, legacy and default 0) Weight of a rotation-std term inside that penalty: mean over pitch, yaw, roll
   * of (ln r_std)^2, r_std the generated / real within-segment standard deviation (issue 14's per-channel 0.5-2x
   * target, the one met at no seed in run 7). 0 = the penalty of run 6: motion and jitter only.
   */
  readonly validationStdRealism: number;
  /**
   * (ours; issue 14 run 9, legacy and default 'global') The units G's poses and D's pose inputs are z-scored in
   * (talking-head/posegan/pose-units.ts). 'global': the dataset's one train mean / std per channel over all
   * speakers (dataset.json stats.pose). 'identity': each identity's own (identities[].meanPose / stdPose, recorded
   * in the checkpoint), for the initial pose p, the targets of Eq. (3)-(4) and the real and generated poses D sees
   * in Eq. (6); so L_L2 weighs each speaker's motion against her own spread, and D's real examples of the stillest
   * speaker move as much as anyone's. With one global std G gave KristiNoem (train yaw std 0.013 rad against
   * 0.05-0.14 for the others) about the others' absolute motion: 2-4x hers, jitter 2-3x at most seeds (runs 7-8).
   * Generated poses are de-normalised with the same identity's statistics (pose-units.ts posesFromGenerator), so
   * inference and every evaluation figure stay in the global units. Changes training: needs retraining.
   * 'identity-motion' (run 10): the identity's mean, and for the rotations a unit of MOTION_UNIT_STEPS times its RMS
   * frame step (identities[].motionPose) instead of its std, since a slowly drifting speaker's std overstates how
   * much she moves (run 9's feifeili: 2-4x her motion in std units); translations as 'identity'.
   * 'identity-mean' (run 11): the global std, offset by the identity's mean only: the shipped units of motion, with
   * zero at the speaker's own rest pose (the 'global' checkpoints drift toward the global mean over long speech).
   */
  readonly poseNormalisation: PoseNormalisation;
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
 * trained with this value (poseGanConfigFromJson fills them in). `--config` with these values and lambda 0.01 (and
 * the widths of a checkpoint before issue 14) trains the paper's losses as written (sums over T) and the legacy D.
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
  validationRealismPooling: 'pooled',
  validationStdRealism: 0,
  poseNormalisation: 'global',
  motionCritic: 0,
} as const satisfies Partial<PoseGanConfig>;

/**
 * The choices issue 14 kept (its ablation table: benchmarks/reports/eval-styletalk/ablation.md). The others it tried
 * stay at their legacy values: least squares, hinge, feature matching, D without audio, the wider D (runs 4-5); TTUR,
 * noise into G, the motion critic with the pose-only clips, a D of 3 or 4 layers (receptive field 45 / 93 frames),
 * and a U-Net one level deeper (run 6): at short schedules they overshoot the motion or the jitter, lower Table 4's
 * confidence, or move nothing beyond the training seeds' spread. D kernel 9 with spectral norm (run 6) was kept on
 * its figures at the paper's schedule (at short schedules it overshot at two of three seeds).
 */
export const DESIGN_CHOICES_OF_ISSUE_14 = {
  ...LEGACY_POSEGAN_CHOICES,
  reconstructionNormalisation: 'frame-mean',
  discriminatorPose: 'rotation',
  discriminatorMotion: 10,
  outputSmoothing: 1.5,
  anchorInitialPose: true,
  windowOverlap: 32,
  validationRealism: 1,
  // run 6 (ablation.md): D's receptive field 21 -> 33 frames, its convolutions spectrally normalised
  discriminatorKernel: 9,
  spectralNorm: true,
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
    encoder: { channels: [16, 16], embedding: 16 },
    unetChannels: [16, 32, 32],
    groups: 4,
    leakySlope: 0.2,
    residualInitialPose: true,
    discriminatorChannels: [16, 32],
    ...DESIGN_CHOICES_OF_ISSUE_14,
    alpha: 1,
    beta: 10,
    // Eq. (6)'s lambda against the per-frame L_L2 of 'frame-mean' (issue 14; the paper's 0.01 weighs L_GAN against
    // a 256-frame sum). Rows frame-mean (lambda 0.01), fm-lambda0.1/0.3/1 of the ablation: only lambda 1 moved
    // the classifier's confidence (0.42 -> 0.56) and the head's motion energy.
    lambda: 1,
    variant: 'posegan',
    ...overrides,
    // T/8 (32 frames of the paper's T = 256) unless set: shorter windows (tests, quick runs) get a proportional overlap.
    windowOverlap: overrides.windowOverlap ?? Math.floor((overrides.frames ?? 256) / 8),
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
  if (!POSE_NORMALISATIONS.includes(config.poseNormalisation)) {
    throw new RangeError(`PoseGAN config: poseNormalisation '${String(config.poseNormalisation)}', expected one of ${POSE_NORMALISATIONS.map((n) => `'${n}'`).join(', ')}`);
  }
  // The motion critic's pose-only clips have no identity whose statistics could put them in G's units.
  if (config.poseNormalisation !== 'global' && config.motionCritic > 0) {
    throw new RangeError(`PoseGAN config: poseNormalisation '${config.poseNormalisation}' with motionCritic ${config.motionCritic}: the pose-only clips have no identity to normalise them by; use one or the other`);
  }
  for (const c of [...config.unetChannels, ...config.discriminatorChannels]) {
    if (c % config.groups !== 0) throw new RangeError(`PoseGAN config: ${c} channels are not divisible by ${config.groups} GroupNorm groups`);
  }
}
