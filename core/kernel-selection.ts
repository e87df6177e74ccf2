// Which variant of a kernel family (core/kernels/variants.ts) runs a problem, per adapter and shape class.
//
// The choice is made synchronously when an op records its dispatch: a forced variant (tests, --kernel), else
// the measured winner for the problem's shape class, else the family's preferred variant for this device.
// With tuning on, a shape class met for the first time is queued, and the engine's next sync or readback
// (after the work that met it has finished) runs the tuning: every variant that supports the class is timed on
// the tuning problem (the class's own size up to a cap: cut-down problems ranked the variants otherwise than the
// real one, core/kernels/PERFORMANCE.md), in rounds: a round that compiles, then TUNING_ROUNDS rounds (more for cheap classes) of one run
// of each variant, the order turned each round so that a change of load hits every variant alike; each run is
// submitted alone and sleeps most of its expected time before waiting, so dawn.node's polling does not slow it.
// Where an empty submit's round trip is over REPEAT_ABOVE_FLOOR_MS (a browser's GPU process), a run after the
// first round repeats the problem until its work is about twice that floor, and counts as one run of it.
// A variant's time is the median of its runs. The fastest is used from then on, unless it beats the device's
// preferred variant by less than NEAR_TIE: then the preferred one stays (a near-tie is noise, and the preferred
// one is what runs without tuning). Results are cached for the engine's life (one engine, one adapter) and can be
// exported and imported as JSON. Whichever variant runs, results agree within the tolerances the tests state.
import type { KernelLaunch } from './kernels/launch.ts';
import { copyVec4Launch } from './kernels/peak.ts';
import type { BufferCopy, DeviceFeatures, KernelFamily, KernelVariant, Scratch } from './kernels/variants.ts';

/** How an engine picks variants: 'tune' measures new shape classes; 'preferred' never measures. */
export type SelectionMode = 'tune' | 'preferred';

export interface VariantTiming {
  readonly variant: string;
  /** The median of the tuning runs of the tuning problem (wall time, ms). */
  readonly ms: number;
  /** Every timed run, in round order (ms). */
  readonly runsMs?: readonly number[];
}

/** One decision, as `posedyn profile` prints it. */
export interface KernelChoice {
  readonly family: string;
  readonly shapeClass: string;
  readonly variant: string;
  /** forced: by force(); measured: by a tuning run; preferred: the device's default, not (yet) measured. */
  readonly how: 'forced' | 'measured' | 'preferred';
  /** The tuning run's times, fastest first (measured choices only); the variant chosen is the first, or the
   * preferred one where the first beats it by less than NEAR_TIE. */
  readonly timings?: readonly VariantTiming[];
  /** The problem the class was first met with, for reports: "[64,64,256]*[64,64,5] s1 p2". */
  readonly example: string;
}

/** What the selector needs from the engine to run a tuning measurement. */
export interface TuningHost {
  readonly device: DeviceFeatures;
  dispatch(launch: KernelLaunch): void;
  /** Records a buffer copy (variants that move values with copyBufferToBuffer). */
  copy(copy: BufferCopy): void;
  /** Submits recorded work. */
  flush(): void;
  /** Resolves once everything submitted has run. */
  idle(): Promise<void>;
  acquire(bytes: number, label: string): GPUBuffer;
  release(buffer: GPUBuffer): void;
  /** Records zeroing a buffer (tuning inputs must not hold leftovers: denormals slow a CPU adapter down). */
  clear(buffer: GPUBuffer): void;
}

interface PendingTuning {
  readonly family: KernelFamily<unknown>;
  readonly problem: unknown;
}

/** Timed rounds of a tuning run (after one that compiles): each variant runs once a round. */
const TUNING_ROUNDS = 5;
/**
 * More rounds, up to MAX_TUNING_ROUNDS, while the timed runs so far took under TUNING_BUDGET_MS in all: a class of
 * 0.1-1 ms problems (generation's batch-1 windows) is mostly submit and wake-up noise in one run, and 5 runs a variant
 * ran a variant 1.15-1.25x slower than the class's fastest in 5 of 78 picks (benchmarks/tuning-generation.ts); more
 * runs of a cheap class cost little. Classes of 50+ ms a round (training, the bench's rows) keep 5.
 */
const MAX_TUNING_ROUNDS = 25;
const TUNING_BUDGET_MS = 250;
/**
 * A submitted run's round trip with next to nothing in it (#roundTripMs), above which tuning repeats the problem
 * within a run. In Chromium on SwiftShader a compute dispatch's submit and wait took ~2.3 ms, and performance.now()
 * there moves in 0.1 ms steps: generation's small problems timed 2.4-2.6 ms whichever variant ran, so the tuning
 * picked at random; with repeats they time 0.4-2 ms apart by variant (benchmarks/reports/README.md, 2026-12-04c).
 * lavapipe's round trip is ~0.04 ms: no repeats there.
 */
const REPEAT_ABOVE_FLOOR_MS = 0.5;
/** At most this many runs of the problem in one timed run; enough for its work to be twice the round trip. */
const MAX_REPEATS = 16;
/** The preferred variant stays unless the fastest one's median is this fraction below its own. */
export const NEAR_TIE = 0.05;
const SLEEP_FRACTION = 0.8;
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class KernelSelector {
  readonly #host: TuningHost;
  mode: SelectionMode;
  readonly #forced = new Map<string, string>();
  readonly #choices = new Map<string, KernelChoice>();
  readonly #pending = new Map<string, PendingTuning>();
  #tuning: Promise<void> | null = null;
  readonly #failures: string[] = [];
  /** The device's round trip (#roundTripMs), measured at the first tuning run: a property of the adapter, not the class. */
  #roundTrip: number | null = null;
  /** Problems each variant was chosen for, by "family|variant" (tests check that a forced variant ran). */
  readonly #uses = new Map<string, number>();

  constructor(host: TuningHost, mode: SelectionMode) {
    this.#host = host;
    this.mode = mode;
  }

  /** Runs `variant` for every problem of `family` it supports (the portable variant elsewhere); null: choose again. */
  force(family: string, variant: string | null): void {
    if (variant === null) this.#forced.delete(family);
    else this.#forced.set(family, variant);
  }

  get forced(): ReadonlyMap<string, string> {
    return this.#forced;
  }

  /** How many problems `variant` of `family` has run so far. */
  uses(family: string, variant: string): number {
    return this.#uses.get(`${family}|${variant}`) ?? 0;
  }

  /** The variant that runs `problem`, decided now (see the file's comment). */
  variantFor<P>(family: KernelFamily<P>, problem: P, describe: () => string): KernelVariant<P> {
    const variant = this.#decide(family, problem, describe);
    const key = `${family.name}|${variant.name}`;
    this.#uses.set(key, (this.#uses.get(key) ?? 0) + 1);
    return variant;
  }

  #decide<P>(family: KernelFamily<P>, problem: P, describe: () => string): KernelVariant<P> {
    const device = this.#host.device;
    const forced = this.#forced.get(family.name);
    if (forced !== undefined) {
      if (!family.variants.some((v) => v.name === forced)) {
        throw new Error(`kernel family ${family.name} has no variant '${forced}' (it has ${family.variants.map((v) => v.name).join(', ')})`);
      }
      return family.variants.find((v) => v.name === forced && v.supports(problem, device)) ?? family.variants[0]!;
    }
    const shapeClass = family.shapeClass(problem);
    const key = `${family.name}|${shapeClass}`;
    const known = this.#choices.get(key);
    // The usual case, a class decided before: only its variant is asked whether it supports this problem.
    const chosen = known && family.variants.find((v) => v.name === known.variant);
    if (chosen && chosen.supports(problem, device)) return chosen;
    const supported = family.variants.filter((v) => v.supports(problem, device));
    const order = family.preference?.(device) ?? family.variants.map((v) => v.name);
    const preferred = order.map((name) => supported.find((v) => v.name === name)).find((v) => v !== undefined) ?? family.variants[0]!;
    this.#choices.set(key, { family: family.name, shapeClass, variant: preferred.name, how: 'preferred', example: describe() });
    if (this.mode === 'tune' && supported.length > 1) this.#pending.set(key, { family: family as KernelFamily<unknown>, problem });
    return preferred;
  }

  /** Whether a tuning run is waiting for the next sync. */
  get hasPendingTuning(): boolean {
    return this.#pending.size > 0;
  }

  /** Times the variants of every shape class met since the last tuning run and keeps the fastest. */
  tune(): Promise<void> {
    this.#tuning ??= this.#tunePending().finally(() => {
      this.#tuning = null;
    });
    return this.#tuning;
  }

  /** Variants that failed during tuning (compile or validation errors), one line each. */
  get failures(): readonly string[] {
    return this.#failures;
  }

  /** Every decision so far, in the order the shape classes were met. */
  choices(): KernelChoice[] {
    return [...this.#choices.values()];
  }

  /** The measured decisions as JSON-able data, to reuse on the same adapter (importChoices). */
  exportChoices(): { adapter: string; choices: KernelChoice[] } {
    return { adapter: this.#host.device.adapter, choices: this.choices().filter((c) => c.how === 'measured') };
  }

  /** Takes over decisions measured earlier on the same adapter; those of another adapter are refused. */
  importChoices(saved: { adapter: string; choices: readonly KernelChoice[] }): void {
    if (saved.adapter !== this.#host.device.adapter) {
      throw new Error(`kernel choices were measured on '${saved.adapter}', not on this adapter '${this.#host.device.adapter}'`);
    }
    for (const c of saved.choices) this.#choices.set(`${c.family}|${c.shapeClass}`, c);
  }

  async #tunePending(): Promise<void> {
    while (this.#pending.size > 0) {
      const [key, job] = this.#pending.entries().next().value as [string, PendingTuning];
      this.#pending.delete(key);
      const before = this.#choices.get(key)!;
      const timings = await this.#measure(job.family, job.problem);
      if (timings.length === 0) continue;
      const preferred = timings.find((t) => t.variant === before.variant);
      const fastest = timings[0]!;
      const variant = preferred && fastest.ms > (1 - NEAR_TIE) * preferred.ms ? preferred.variant : fastest.variant;
      this.#choices.set(key, { ...before, variant, how: 'measured', timings });
    }
  }

  async #measure(family: KernelFamily<unknown>, original: unknown): Promise<VariantTiming[]> {
    const host = this.#host;
    const buffers: GPUBuffer[] = [];
    const problem = family.tuningProblem(original, (bytes) => {
      const b = host.acquire(Math.max(16, bytes), `tuning ${family.name}`);
      host.clear(b);
      buffers.push(b);
      return b;
    });
    let live = family.variants.filter((v) => v.supports(problem, host.device));
    const runs = new Map<KernelVariant<unknown>, number[]>(live.map((v) => [v, []]));
    try {
      // Round 0 compiles the pipelines: not timed. Round 1, one run each, then tells whether runs need repeats.
      const floorMs = (this.#roundTrip ??= await this.#roundTripMs());
      let repeats = 1;
      // Rounds before the timed ones: the compiling round, and round 1 too once it has been dropped for repeats.
      let untimed = 1;
      let spentMs = 0;
      for (let round = 0; round < untimed + TUNING_ROUNDS || (round < untimed + MAX_TUNING_ROUNDS && spentMs < TUNING_BUDGET_MS); round++) {
        const order = live.map((_, i) => live[(i + round) % live.length]!);
        for (const variant of order) {
          const samples = runs.get(variant)!;
          try {
            const ms = await this.#runOnce(variant, problem, samples.length > 0 ? Math.min(...samples) : 0, repeats);
            if (round > 0) {
              samples.push(ms);
              spentMs += ms * repeats;
            }
          } catch (error) {
            // A variant that does not compile or run on this adapter is not a candidate here.
            this.#failures.push(`${family.name} ${variant.name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
            live = live.filter((v) => v !== variant);
          }
        }
        if (round === 1 && repeats === 1 && floorMs > REPEAT_ABOVE_FLOOR_MS && live.length > 0) {
          // The work of the fastest run, at least a 16th of the round trip; repeats make it twice the round trip.
          const fastest = Math.min(...live.map((v) => runs.get(v)![0] ?? Infinity));
          const work = Math.max(fastest - floorMs, floorMs / MAX_REPEATS);
          repeats = Math.min(MAX_REPEATS, Math.max(1, Math.ceil((2 * floorMs) / work)));
          // Samples of one run measured mostly the round trip: start again with the repeats.
          if (repeats > 1) {
            for (const v of live) runs.set(v, []);
            untimed = 2;
            spentMs = 0;
          }
        }
      }
    } finally {
      for (const b of buffers) host.release(b);
    }
    return live.map((v) => ({ variant: v.name, ms: median(runs.get(v)!), runsMs: runs.get(v)! })).sort((p, q) => p.ms - q.ms);
  }

  /**
   * The wall time of submitting next to nothing (one copy kernel of a vec4: a clear is not enough, Chromium waited
   * ~0.2 ms for one and ~2.3 ms for any compute dispatch on SwiftShader) and waiting for it: the floor under every
   * timed run.
   */
  async #roundTripMs(): Promise<number> {
    const host = this.#host;
    const from = host.acquire(16, 'tuning round trip');
    const to = host.acquire(16, 'tuning round trip');
    const samples: number[] = [];
    try {
      host.clear(from);
      for (let i = 0; i <= 3; i++) {
        host.flush();
        await host.idle();
        const started = performance.now();
        host.dispatch(copyVec4Launch(from, to, 1));
        host.flush();
        await host.idle();
        // The first compiles the copy's pipeline.
        if (i > 0) samples.push(performance.now() - started);
      }
    } finally {
      host.release(from);
      host.release(to);
    }
    // The largest: Chromium's wait was ~2.3 ms most times and ~0.3 ms some, and runs that pay it need the repeats.
    return Math.max(...samples);
  }

  /** `repeats` runs of `variant` on `problem` in one submit, alone; ms of wall time a run. */
  async #runOnce(variant: KernelVariant<unknown>, problem: unknown, expectedMs: number, repeats = 1): Promise<number> {
    const host = this.#host;
    const temporaries: GPUBuffer[] = [];
    const scratch: Scratch = { acquire: (bytes, label) => {
      const b = host.acquire(bytes, label);
      temporaries.push(b);
      return b;
    } };
    try {
      host.flush();
      await host.idle();
      const started = performance.now();
      for (let r = 0; r < repeats; r++) {
        for (const launch of variant.launches(problem, host.device, scratch)) host.dispatch(launch);
        for (const copy of variant.copies?.(problem) ?? []) host.copy(copy);
      }
      host.flush();
      if (expectedMs * repeats > 2) await sleep(SLEEP_FRACTION * expectedMs * repeats - (performance.now() - started));
      await host.idle();
      return (performance.now() - started) / repeats;
    } finally {
      for (const b of temporaries) host.release(b);
    }
  }
}
