// posedyn's kernels one at a time, at the model's shapes: median time, achieved GFLOP/s or GB/s (from the
// launches' declared flops and bytes, see core/kernels/launch.ts), and the fraction of the adapter's measured peak.
//
// The rows are the benchmark shapes of the op registries (core/ops/registry.ts, talking-head/ops/registry.ts):
// each row runs the op as the model calls it, its forward or (conv1d's gradient rows) the backward it records for
// one input, on inputs of random values in [-1, 1] uploaded once; outputs come from the buffer pool. The Adam step
// is an optimizer, not an op, and is declared here.
import type { Engine } from '../core/engine.ts';
import type { OpBenchmark, OpDeclaration } from '../core/ops/declaration.ts';
import { coreOps } from '../core/ops/registry.ts';
import { Adam } from '../core/optim/adam.ts';
import { Tensor } from '../core/tensor.ts';
import { talkingHeadOps } from '../talking-head/ops/registry.ts';
import {
  type BenchmarkResult, type BenchmarkSuite, type SuiteContext, type SuiteReport, benchmarkResult, bestOfPeaks, declaredWork, timeEngine,
} from './harness.ts';
import type { PeerCase } from './peers/cases.ts';
import { syntheticValues as randomValues } from './synthetic-values.ts';

/** A benchmark ready to run: `record` records one run's dispatches; `dispose` frees its tensors. */
interface PreparedBenchmark {
  /** The shapes column; default the launches' own descriptions. */
  readonly shapes?: string;
  record(): void;
  /** Work of one run when the launches do not declare it (a plain buffer copy declares nothing). */
  readonly work?: { readonly flops: number; readonly bytes: number };
  dispose(): void;
}

interface KernelBenchmark {
  readonly name: string;
  readonly bound: 'compute' | 'memory';
  /** The same computation for the peer engines, when they have it. */
  readonly peer?: PeerCase;
  prepare(engine: Engine): PreparedBenchmark;
}

// ------------------------------------------------------------------------------------------------ inputs

/** A tensor of random values, kept out of every scope (the benchmark disposes it). */
function input(engine: Engine, shape: readonly number[], seed: number, name: string): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return engine.keep(Tensor.fromArray(engine, randomValues(size, seed), shape, name));
}

const disposeAll = (tensors: readonly Tensor[]) => () => tensors.forEach((t) => t.dispose());

// ------------------------------------------------------------------------------------------------ registry rows

// A declaration's argument type is its own; here every one is run the same way.
type AnyDeclaration = OpDeclaration<any>;
type AnyBenchmark = OpBenchmark<any>;

/** The peers (benchmarks/peers/) time matmul and conv1d rows: their cases, from the row's shapes. */
function peerCase(op: string, b: AnyBenchmark): PeerCase | undefined {
  const [first, second] = b.inputs as [number[], number[]];
  if (op === 'matmul') {
    const [m, k] = first as [number, number];
    const n = b.args.transposeB ? second[0]! : second[1]!;
    return { kind: 'matmul', name: b.name, m, n, k, transposeB: b.args.transposeB, bias: false };
  }
  if (op === 'linear') {
    const [m, k] = first as [number, number];
    return { kind: 'matmul', name: b.name, m, n: second[0]!, k, transposeB: true, bias: b.args.bias };
  }
  if (op === 'conv1d') {
    const [batch, inChannels, length] = first as [number, number, number];
    const [outChannels, , kernelSize] = second as [number, number, number];
    const direction = b.backwardOf === undefined ? 'forward' : b.backwardOf[0] === 0 ? 'grad_input' : 'grad_weight';
    return { kind: 'conv1d', name: b.name, direction, batch, inChannels, outChannels, length, kernelSize, stride: b.args.stride, padding: b.args.padding };
  }
  return undefined;
}

function opBenchmark(op: string, declaration: AnyDeclaration, b: AnyBenchmark): KernelBenchmark {
  const peer = peerCase(op, b);
  return {
    name: b.name, bound: b.bound, ...(peer ? { peer } : {}),
    prepare(engine) {
      const values = b.inputs.map((shape, i) => randomValues(shape.reduce((p, d) => p * d, 1), i + 1));
      const inputs = b.inputs.map((shape, i) => engine.keep(Tensor.fromArray(engine, values[i]!, shape, `${op}.input${i}`)));
      const context = { engine, values };
      const common = { ...(b.work ? { work: b.work } : {}), ...(b.shapes ? { shapes: b.shapes } : {}) };
      if (!b.backwardOf) {
        return {
          ...common,
          record: () => engine.noGrad(() => engine.tidy(() => void declaration.run(inputs, b.args, context))),
          dispose: disposeAll(inputs),
        };
      }
      // The forward once, outside the timing; then each run is the backward it recorded, for these inputs only.
      for (const i of b.backwardOf) inputs[i]!.requiresGrad = true;
      const y = engine.tidy(() => declaration.run(inputs, b.args, context) as Tensor);
      const node = y.gradFn;
      if (!node) throw new Error(`${b.name}: ${op} recorded no backward for inputs [${b.backwardOf}]`);
      const dy = input(engine, y.shape, 99, `${op}.dy`);
      return {
        ...common,
        record: () => engine.noGrad(() => engine.tidy(() => void node.backward(dy))),
        dispose: disposeAll([y, dy, ...inputs]),
      };
    },
  };
}

/** Every benchmark shape the registries declare, in their order. */
function registryBenchmarks(quick: boolean): KernelBenchmark[] {
  const q = <T>(full: T, tiny: T): T => (quick ? tiny : full);
  const registries: Readonly<Record<string, AnyDeclaration>>[] = [coreOps, talkingHeadOps];
  return registries.flatMap((registry) =>
    Object.entries(registry).flatMap(([op, declaration]) => (declaration.benchmarks?.(q) ?? []).map((b) => opBenchmark(op, declaration, b))));
}

/** One Adam step over parameters of the given shapes (each with a gradient): one dispatch a parameter. */
function adamBenchmark(name: string, shapes: readonly (readonly number[])[]): KernelBenchmark {
  return {
    name, bound: 'memory',
    prepare(engine) {
      const params = shapes.map((shape, i) => {
        const p = input(engine, shape, 2 * i + 1, `param${i}`);
        p.requiresGrad = true;
        p.grad = input(engine, shape, 2 * i + 2, `param${i}.grad`);
        return p;
      });
      const optimizer = new Adam(params, { lr: 1e-4 });
      const count = params.reduce((total, p) => total + p.size, 0);
      return {
        shapes: `adam ${count} parameters in ${params.length} tensors`,
        record: () => optimizer.step(),
        dispose: () => {
          optimizer.dispose();
          for (const p of params) {
            p.grad?.dispose();
            p.dispose();
          }
        },
      };
    },
  };
}

// ------------------------------------------------------------------------------------------------ the list

/**
 * The benchmarks, at the model's shapes or (quick) tiny ones with the same names. Row names are stable: the
 * JSON, the peers and the test refer to them.
 */
export function kernelBenchmarks(quick: boolean): KernelBenchmark[] {
  const q = <T>(full: T, tiny: T): T => (quick ? tiny : full);
  // Adam over ~1M parameters in the shapes of a U-Net's conv layers: 12 weights of [128, 128, 5] plus biases.
  const adamShapes = q<number[][]>(
    [...Array.from({ length: 12 }, () => [128, 128, 5]), ...Array.from({ length: 12 }, () => [128]), [64, 128, 5]],
    [[8, 8, 5], [8]],
  );
  return [...registryBenchmarks(quick), adamBenchmark('adam.step', adamShapes)];
}

/** The kernel rows, and the peer cases they compare with. */
export async function runKernelBenchmarks(context: SuiteContext): Promise<SuiteReport> {
  const { engine, timing, peaks } = context;
  const results: BenchmarkResult[] = [];
  const notes: string[] = [];
  for (const bench of kernelBenchmarks(context.quick)) {
    const prepared = bench.prepare(engine);
    try {
      const declared = await declaredWork(engine, prepared.record);
      const work = prepared.work ?? declared;
      // The peaks just before and just after the row: its fraction is of the adapter under the same load.
      const before = await context.samplePeaks();
      const time = await timeEngine(engine, prepared.record, timing);
      const rowPeaks = bestOfPeaks(before, await context.samplePeaks()) ?? peaks;
      const shapes = prepared.shapes ?? declared.shapes.join(' + ');
      const result = benchmarkResult(bench.name, shapes, bench.bound, time, work, rowPeaks, timing.repeats);
      results.push(result);
      context.log(`${bench.name}: ${result.medianMs.toFixed(3)} ms (batch ${time.batch}) ${shapes}`);
    } finally {
      prepared.dispose();
      await engine.sync();
      engine.storage.trim();
    }
  }
  return { results, peers: [], notes };
}

/** The peer cases of the kernel rows (matmul and convolution). */
export function peerCases(quick: boolean): PeerCase[] {
  return kernelBenchmarks(quick).flatMap((b) => (b.peer ? [b.peer] : []));
}

export const kernelSuite: BenchmarkSuite = { name: 'kernels', run: runKernelBenchmarks };
