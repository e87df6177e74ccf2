// A training session: one run (training-run.ts) with the state that outlives a step: the epoch reached, the best
// validation so far and the history, what each checkpoint records, and the epoch loop. `posedyn train`,
// `posedyn finetune` and the page's personalisation all train through it; the runtimes only decide where the
// checkpoint bytes and the log lines go.
import { BufferTooLargeError } from '../../core/buffer-pool.ts';
import type { Engine } from '../../core/engine.ts';
import type { Tensor } from '../../core/tensor.ts';
import { type Checkpoint, CheckpointError, type CheckpointMeta } from '../checkpoint/checkpoint.ts';
import type { Dataset } from '../data/dataset.ts';
import type { IdentityEntry } from '../data/dataset-format.ts';
import { type EpochReport, type StepProgress, TrainingDivergedError, runEpochs } from '../training/epochs.ts';
import { encodeModulesCheckpoint, restoreModules } from './checkpoint-writer.ts';
import { type RunRecord, datasetFingerprint, resumeMismatches } from './run-record.ts';
import { type TrainingRun, type TrainingRunSpec, type TrainingSample, createTrainingRun } from './training-run.ts';

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
  readonly #fingerprint: string;
  #best: number | null = null;
  #bestEpoch: number | null = null;
  #epoch = 0;

  constructor(engine: Engine, dataset: Dataset, options: TrainingSessionOptions) {
    this.#engine = engine;
    this.dataset = dataset;
    this.#options = options;
    this.run = createTrainingRun(engine, dataset, options);
    this.#fingerprint = datasetFingerprint(dataset.manifest);
  }

  /** The last finished epoch (0 before training). */
  get epoch(): number {
    return this.#epoch;
  }

  get bestValidation(): number | null {
    return this.#best;
  }

  /** The epoch whose parameters are the best on validation so far (null before the first). */
  get bestEpoch(): number | null {
    return this.#bestEpoch;
  }

  get history(): readonly EpochReport[] {
    return this.#history;
  }

  /** Starts from another checkpoint's parameters (fine-tuning); the optimizer starts fresh. */
  initialiseFrom(checkpoint: Checkpoint, source: string): void {
    restoreModules(this.#engine, this.run.parts, checkpoint, source, { optional: this.run.optionalParts });
  }

  /**
   * Continues a session saved with `checkpoint({ resumable: true })`: parameters, Adam state, epoch, best,
   * history. Refuses a checkpoint of another run (run-record.ts), naming every difference; returns what it
   * resumed, in words.
   */
  resumeFrom(checkpoint: Checkpoint, source: string): string {
    const mismatches = resumeMismatches(checkpoint.meta, this.meta());
    if (mismatches.length > 0) throw new CheckpointError(`${source}: cannot resume this run from it: ${mismatches.join('; ')}`);
    restoreModules(this.#engine, this.run.parts, checkpoint, source, { resumable: true, optional: this.run.optionalParts });
    const record = checkpoint.meta.training;
    this.#epoch = record.epoch;
    this.#best = record.bestValidation;
    this.#bestEpoch = (record.bestEpoch as number | undefined) ?? null;
    this.#history.splice(0, this.#history.length, ...((record.history as EpochReport[] | undefined) ?? []));
    const best = this.#best === null ? 'no validation yet' : `best validation ${this.#best.toPrecision(4)}${this.#bestEpoch === null ? '' : ` at epoch ${this.#bestEpoch}`}`;
    return `${this.run.kind} (${this.run.modelConfig.variant}) after epoch ${this.#epoch}, ${best}`;
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
        epoch: this.#epoch, step: this.#epoch * Math.ceil(this.run.samples.length / o.batch), seed: o.seed, bestValidation: this.#best, bestEpoch: this.#bestEpoch,
        run: { learningRate: o.learningRate, batch: o.batch, seed: o.seed, dataset: this.#fingerprint } satisfies RunRecord,
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
    try {
      return await this.#epochs(options, samples);
    } catch (error) {
      if (error instanceof TrainingDivergedError) {
        // Before any update the learning rate played no part: the data or the loss weights made the value.
        const cause = error.stepsBefore === 0 && this.#epoch === 0
          ? 'before any update, so from the data or the model config (its loss weights), not the learning rate'
          : `learning rate ${this.#options.learningRate}: a lower one usually keeps training finite`;
        throw new TrainingDivergedError(`${error.message} (${cause})`, error.stepsBefore);
      }
      throw error;
    }
  }

  /**
   * One step; a batch whose tensors exceed the adapter's buffer limit is refused in the batch's terms (the
   * tensors that grow with the batch grow linearly, so the limit gives the largest batch that fits them).
   */
  #step(batch: readonly TrainingSample[]): Record<string, Tensor | null> {
    try {
      return this.run.step(batch);
    } catch (error) {
      if (!(error instanceof BufferTooLargeError)) throw error;
      const fits = Math.floor((batch.length * error.limit) / error.bytes);
      throw new RangeError(
        `a batch of ${batch.length} does not fit this adapter: one training step's ${error.message}; ` +
          (fits >= 1 ? `a batch of at most ${fits} fits it (batch size, --batch)` : 'even a batch of 1 does not fit (use a smaller model config)'),
      );
    }
  }

  #epochs(options: TrainOptions, samples: readonly TrainingSample[]): Promise<EpochReport[]> {
    const batch = this.#options.batch;
    return runEpochs({
      samples,
      batchSize: batch,
      epochs: options.epochs,
      startEpoch: this.#epoch + 1,
      seed: this.#options.seed,
      maxSteps: options.maxSteps,
      step: (b) => this.#step(b),
      watch: this.run.parts.flatMap((part) => part.module.namedParameters(part.prefix)),
      validate: () => this.run.validate(),
      onStep: options.onStep,
      onEpoch: async (report) => {
        this.#history.push(report);
        const improved = this.#best === null || report.validation < this.#best;
        if (improved) [this.#best, this.#bestEpoch] = [report.validation, report.epoch];
        this.#epoch = report.epoch;
        await options.onEpoch?.(report, improved);
      },
    });
  }

  dispose(): void {
    this.run.dispose();
  }
}
