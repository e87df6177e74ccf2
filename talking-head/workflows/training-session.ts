// A training session: one run (training-run.ts) with the state that outlives a step: the epoch reached, the best
// validation so far and the history, what each checkpoint records, and the epoch loop. `posedyn train`,
// `posedyn finetune` and the page's personalisation all train through it; the runtimes only decide where the
// checkpoint bytes and the log lines go.
import type { Engine } from '../../core/engine.ts';
import type { Checkpoint, CheckpointMeta } from '../checkpoint/checkpoint.ts';
import type { Dataset } from '../data/dataset.ts';
import type { IdentityEntry } from '../data/dataset-format.ts';
import { type EpochReport, type StepProgress, runEpochs } from '../training/epochs.ts';
import { encodeModulesCheckpoint, restoreModules } from './checkpoint-writer.ts';
import { type TrainingRun, type TrainingRunSpec, createTrainingRun } from './training-run.ts';

export interface TrainingSessionOptions extends TrainingRunSpec {
  readonly batch: number;
  /** Identities the checkpoints list (fine-tuning keeps the pretrained ones too); default the dataset's. */
  readonly identities?: readonly IdentityEntry[];
  /** The command or call that trains, for the checkpoints' record. */
  readonly producedBy: string;
  /** Extra fields of the checkpoints' `training` record (fine-tuning: whom it personalises to). */
  readonly extraMeta?: Record<string, unknown>;
}

export interface TrainOptions {
  readonly epochs: number;
  /** Cap on steps an epoch (quick runs). */
  readonly maxStepsPerEpoch?: number;
  /** Cap on steps in all (the page's "steps"): the epoch that reaches it ends there, is validated, and training stops. */
  readonly maxSteps?: number;
  readonly onStep?: (progress: StepProgress) => void;
  /** After each epoch's validation, with whether it is the best so far; may write checkpoints. */
  readonly onEpoch?: (report: EpochReport, improved: boolean) => Promise<void>;
}

export class TrainingSession {
  readonly run: TrainingRun;
  readonly dataset: Dataset;
  readonly #engine: Engine;
  readonly #options: TrainingSessionOptions;
  readonly #history: EpochReport[] = [];
  #best: number | null = null;
  #epoch = 0;

  constructor(engine: Engine, dataset: Dataset, options: TrainingSessionOptions) {
    this.#engine = engine;
    this.dataset = dataset;
    this.#options = options;
    this.run = createTrainingRun(engine, dataset, options);
  }

  /** The last finished epoch (0 before training). */
  get epoch(): number {
    return this.#epoch;
  }

  get bestValidation(): number | null {
    return this.#best;
  }

  get history(): readonly EpochReport[] {
    return this.#history;
  }

  /** Starts from another checkpoint's parameters (fine-tuning); the optimizer starts fresh. */
  initialiseFrom(checkpoint: Checkpoint, source: string): void {
    restoreModules(this.#engine, this.run.parts, checkpoint, source, { optional: this.run.optionalParts });
  }

  /** Continues a session saved with `checkpoint({ resumable: true })`: parameters, Adam state, epoch, best, history. */
  resumeFrom(checkpoint: Checkpoint, source: string): void {
    restoreModules(this.#engine, this.run.parts, checkpoint, source, { resumable: true, optional: this.run.optionalParts });
    const record = checkpoint.meta.training;
    this.#epoch = record.epoch;
    this.#best = record.bestValidation;
    this.#history.splice(0, this.#history.length, ...((record.history as EpochReport[] | undefined) ?? []));
  }

  /** What a checkpoint of the current state records. */
  meta(): CheckpointMeta {
    const o = this.#options;
    const m = this.dataset.manifest;
    return {
      kind: this.run.kind,
      modelConfig: this.run.modelConfig as unknown as Record<string, unknown>,
      featureConfig: m.featureConfig as unknown as Record<string, unknown>,
      normalisation: m.stats,
      identities: o.identities ?? m.identities,
      training: {
        epoch: this.#epoch, step: this.#epoch * Math.ceil(this.run.samples.length / o.batch), seed: o.seed, bestValidation: this.#best,
        producedBy: o.producedBy, dataset: o.source, poseUnit: m.poseUnit, lastValidation: this.#history.at(-1)?.validation ?? null,
        history: [...this.#history], ...this.run.extraMeta, ...o.extraMeta,
      },
    };
  }

  /** The checkpoint of the current parameters; `resumable` adds the optimizer state. */
  checkpoint(options: { readonly resumable?: boolean } = {}): Promise<Uint8Array> {
    return encodeModulesCheckpoint(this.meta(), this.run.parts, options);
  }

  /** Trains from the epoch after the last finished one up to `epochs`, validating after each. */
  async train(options: TrainOptions): Promise<EpochReport[]> {
    const batch = this.#options.batch;
    const samples = options.maxStepsPerEpoch === undefined ? this.run.samples : this.run.samples.slice(0, options.maxStepsPerEpoch * batch);
    return runEpochs({
      samples,
      batchSize: batch,
      epochs: options.epochs,
      startEpoch: this.#epoch + 1,
      seed: this.#options.seed,
      maxSteps: options.maxSteps,
      step: (b) => this.run.step(b),
      validate: () => this.run.validate(),
      onStep: options.onStep,
      onEpoch: async (report) => {
        this.#history.push(report);
        const improved = this.#best === null || report.validation < this.#best;
        if (improved) this.#best = report.validation;
        this.#epoch = report.epoch;
        await options.onEpoch?.(report, improved);
      },
    });
  }

  dispose(): void {
    this.run.dispose();
  }
}
