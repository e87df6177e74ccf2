// The shapes the evaluation report is made of that the runtime's orchestration fills in (posedyn eval trains or
// loads the models and runs the personalisation experiment in runtime-node/evaluation/; the report renderer,
// report-markdown.ts, and every measure are here, with no I/O).
import type { Estimate } from './bootstrap.ts';
import type { PoseStatistics, StatisticsGap } from './pose-statistics.ts';

/** How the models an evaluation trains are trained (one plan for every model of a run). */
export interface TrainingPlan {
  readonly datasetFolder: string;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly maxStepsPerEpoch?: number;
  /** PoseGAN config overrides (widths) shared by PoseGAN, the CNN and the ablations */
  readonly poseganConfig?: Record<string, unknown>;
  readonly pgfaceConfig?: Record<string, unknown>;
  /** PGFace's epochs and step cap (it has one sample a frame pair, PoseGAN one a window) */
  readonly pgfaceEpochs: number;
  readonly pgfaceMaxStepsPerEpoch?: number;
  readonly faceModel: string;
  readonly reuseTrained: boolean;
  readonly producedBy: string;
}

/** One model an evaluation used: where its checkpoint came from and how it was trained. */
export interface ModelSource {
  readonly name: string;
  readonly checkpoint: string;
  /** 'given' (a --posegan style option), 'reused' (an earlier run's folder) or 'trained' */
  readonly origin: 'given' | 'reused' | 'trained';
  readonly variant: string;
  readonly seed: number | null;
  /** epochs run, the epoch kept (best on validation) and its validation loss; training seconds */
  readonly epochs: number | null;
  readonly bestEpoch: number | null;
  readonly bestValidation: number | null;
  readonly seconds: number;
}

/** One model's measures on the held-out identity of the personalisation experiment (Sec. 5.1). */
export interface ModelOnHoldout {
  readonly statistics: PoseStatistics;
  readonly gap: StatisticsGap;
  readonly confidence: Estimate;
  readonly pose: Estimate;
  readonly motion: Estimate;
}

/** The personalisation experiment: pretrained without one identity, fine-tuned on it, measured on its test split. */
export interface PersonalisationResult {
  readonly holdout: string;
  readonly pretrainIdentities: string[];
  readonly finetuneTrainFrames: number;
  readonly finetuneEpochs: number;
  readonly segments: number;
  readonly frames: number;
  readonly real: PoseStatistics & { readonly confidence: Estimate };
  readonly pretrained: ModelOnHoldout;
  readonly finetuned: ModelOnHoldout;
  readonly models: ModelSource[];
  /** the longest held-out segment, raw units, for the figure */
  readonly example: { readonly clip: string; readonly real: Float32Array; readonly pretrained: Float32Array; readonly finetuned: Float32Array };
}
