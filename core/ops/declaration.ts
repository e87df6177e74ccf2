// What declaring an op means: in one plain object, the op itself (its forward, whose backward is recorded inside
// it), its float64 CPU reference (forward, and an analytic backward where one is written), the cases it is
// checked on (forward against the reference, backward against the analytic reference, finite differences on
// small shapes) and the shapes benchmarks/kernels.ts times it at. The registries (core/ops/registry.ts,
// talking-head/ops/registry.ts) are typed so that an exported op without a declaration does not compile;
// tests/helpers/op-checks.ts turns every case into tests, benchmarks/kernels.ts every benchmark into a row.
//
// Declarations are data and functions only: nothing runs when a declaration module is imported, and nothing
// in an op's own module imports its declaration, so a bundle that uses an op carries none of this.
import type { Engine } from '../engine.ts';
import type { Shape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';

/** |actual - expected| <= atol + rtol |expected|, elementwise. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** One input of a case: its shape and where its values come from. */
export interface CaseInput {
  /** For messages: "x", "weight". */
  readonly name: string;
  readonly shape: Shape;
  /** Values uniform in [low, high); default [-1, 1). */
  readonly low?: number;
  readonly high?: number;
  /** ...at least `gap` (default 1e-2) away from each of these points (kinks, where derivatives jump). */
  readonly avoid?: readonly number[];
  readonly gap?: number;
  /** Values 0 or 1 (classification labels). */
  readonly labels?: boolean;
  /** Exactly these values (a model's data, saturating inputs). */
  readonly values?: ArrayLike<number>;
  /** false for inputs the op takes no gradient for (data, constants); default true. */
  readonly differentiable?: boolean;
}

export interface FiniteDifferenceOptions {
  /** Coordinates checked per input, spread evenly; default 24. */
  readonly samples?: number;
  readonly step?: number;
  readonly atol?: number;
  readonly rtol?: number;
}

/** One check case of an op: inputs, the op's other arguments, and which checks run with what tolerance. */
export interface OpCase<A> {
  /** What the case covers, read after "matches ... for": "stride 2, odd length 257". Unique within the op. */
  readonly name: string;
  readonly inputs: readonly CaseInput[];
  readonly args: A;
  /** Seeds the inputs' values (default: derived from the op's and the case's names). */
  readonly seed?: number;
  /** Forward against the float64 reference, within this tolerance. */
  readonly forward?: Tolerance;
  /** Backward against the analytic backward reference: one tolerance for every input, or one (or null: unchecked) each. */
  readonly backward?: Tolerance | readonly (Tolerance | null)[];
  /** Backward against central differences of the float64 reference (small shapes only: the reference runs twice a coordinate). */
  readonly finiteDifferences?: FiniteDifferenceOptions;
  /** The case spreads over more than 65535 workgroups: a forward (and backward) dispatch must use a 2-D grid. */
  readonly largeGrid?: boolean;
}

/** A reference output: values row-major and the shape the op must give. */
export interface ReferenceOutput {
  readonly data: ArrayLike<number>;
  readonly shape: Shape;
}

export interface RunContext {
  readonly engine: Engine;
  /** The inputs' values, for ops that need data derived from them (e.g. a quadratic form from a basis). */
  readonly values: readonly Float32Array[];
}

export interface ReferenceContext {
  /** The inputs' shapes (the values come flat). */
  readonly shapes: readonly Shape[];
  /** For random ops: the seed the op draws from engine.nextSeed() (the harness seeds the engine first). */
  readonly seed: number;
}

/** A benchmark row (benchmarks/kernels.ts): the op at one of the model's shapes, inputs random in [-1, 1). */
export interface OpBenchmark<A> {
  /** The row's stable name, the same in quick and full runs: "conv1d.forward.level1". */
  readonly name: string;
  readonly bound: 'compute' | 'memory';
  readonly inputs: readonly Shape[];
  readonly args: A;
  /**
   * Time the op's recorded backward with respect to these inputs instead of its forward (conv1d's grad_input:
   * [0]). The forward runs once, in a scope that ends before timing: the op's backward may read only its inputs.
   */
  readonly backwardOf?: readonly number[];
  /** The work of one run, where its launches declare none (a plain buffer copy). */
  readonly work?: { readonly flops: number; readonly bytes: number };
  /** The table's shapes column; default the launches' own descriptions. */
  readonly shapes?: string;
}

/** Picks a benchmark size: the model's (full runs) or a tiny one (--quick, which proves rows run). */
export type SizePicker = <T>(full: T, quick: T) => T;

/** Any function that makes tensors: what an op is, as far as the registry's types are concerned. */
export type TensorOp = (...args: never[]) => Tensor | readonly Tensor[];

export interface OpDeclaration<A, F extends TensorOp = TensorOp> {
  /** The exported op this declares; the registry's key is its name. */
  readonly op: F;
  /** Calls the op on a case's input tensors (in the case's order) and arguments. */
  readonly run: (inputs: readonly Tensor[], args: A, context: RunContext) => Tensor | readonly Tensor[];
  /** The op in float64 on the CPU: one output, or one per tensor `run` returns. */
  readonly reference: (inputs: readonly Float64Array[], args: A, context: ReferenceContext) => ReferenceOutput | readonly ReferenceOutput[];
  /** d(loss)/d(input) for each input from d(loss)/d(output), analytically (single-output ops); null where not given. */
  readonly backwardReference?: (
    inputs: readonly Float64Array[], gradOutput: Float64Array, args: A, context: ReferenceContext,
  ) => readonly (ArrayLike<number> | null)[];
  /** The check cases; a function, so that nothing is built until a test asks. */
  readonly cases: () => readonly OpCase<A>[];
  readonly benchmarks?: (size: SizePicker) => readonly OpBenchmark<A>[];
  /** false for ops that record no gradient (detach, random draws); default true. */
  readonly differentiable?: boolean;
  /** The op draws engine.nextSeed(): the checks seed the engine before every run. */
  readonly random?: boolean;
}

/**
 * The names of the ops a module namespace exports (`typeof import('./conv1d.ts')`): its functions that make
 * tensors. A registry typed `{ [P in OpNames<M>]: ... }` fails to compile when one of them has no declaration.
 */
export type OpNames<M> = { [K in keyof M]: M[K] extends TensorOp ? K : never }[keyof M];

/** A registry of the ops exported by the modules M, each declared with that very op. */
// A declaration's argument type is its own business (checked where it is written, with `satisfies`), so the
// table holds them under `any`.
export type OpRegistry<M> = { readonly [P in OpNames<M>]: OpDeclaration<any, M[P] & TensorOp> };
