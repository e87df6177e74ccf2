// posedyn's kernels one at a time, at the model's shapes: median time, achieved GFLOP/s or GB/s (from the
// launches' declared flops and bytes, see core/kernels/launch.ts), and the fraction of the adapter's measured peak.
//
// Matmul and convolution rows dispatch their launches directly on preallocated buffers, so they time the
// kernel and nothing else; layout, filter, norm and optimizer rows go through their ops (what the model calls).
// Inputs are random values in [-1, 1] uploaded once; every output is overwritten each run.
import type { Engine } from '../core/engine.ts';
import { concat } from '../core/ops/layout.ts';
import { Tensor } from '../core/tensor.ts';
import {
  type Conv1dGeometry, conv1dForwardLaunch, conv1dGradInputLaunch, conv1dGradWeightLaunch, conv1dGradWeightSplits,
} from '../core/kernels/conv1d.ts';
import { binaryLaunch } from '../core/kernels/elementwise.ts';
import { matmulLaunch } from '../core/kernels/matmul.ts';
import { sumAxisLaunch } from '../core/kernels/reduce.ts';
import {
  type BenchmarkResult, type BenchmarkSuite, type SuiteContext, type SuiteReport, benchmarkResult, bestOfPeaks, declaredWork, timeEngine,
} from './harness.ts';
import { type Conv1dCase, type ConvDirection, type MatmulCase, type PeerCase, convOutputLength } from './peers/cases.ts';
import { syntheticValues as randomValues } from './synthetic-values.ts';

/** A benchmark ready to run: `record` records one run's dispatches; `dispose` frees its tensors. */
interface PreparedBenchmark {
  readonly shapes: string;
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
  /** The prepared benchmark, or a sentence saying why it is skipped. */
  prepare(engine: Engine): Promise<PreparedBenchmark | string>;
}

// ------------------------------------------------------------------------------------------------ inputs


/** A tensor of random values, kept out of every scope (the benchmark disposes it). */
function input(engine: Engine, shape: readonly number[], seed: number, name: string): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  return engine.keep(Tensor.fromArray(engine, randomValues(size, seed), shape, name));
}

/** An output tensor the kernels overwrite, kept out of every scope. */
const output = (engine: Engine, shape: readonly number[], name: string): Tensor => engine.keep(Tensor.empty(engine, shape, name));

const disposeAll = (tensors: readonly Tensor[]) => () => tensors.forEach((t) => t.dispose());

// ------------------------------------------------------------------------------------------------ cases

function matmulBenchmark(c: MatmulCase): KernelBenchmark {
  return {
    name: c.name, bound: 'compute', peer: c,
    async prepare(engine) {
      const a = input(engine, [c.m, c.k], 1, 'a');
      const b = input(engine, c.transposeB ? [c.n, c.k] : [c.k, c.n], 2, 'b');
      const bias = c.bias ? input(engine, [c.n], 3, 'bias') : null;
      const out = output(engine, [c.m, c.n], 'c');
      const launch = matmulLaunch(a.buffer, b.buffer, bias?.buffer ?? null, out.buffer, {
        batch: 1, m: c.m, n: c.n, k: c.k, transposeA: false, transposeB: c.transposeB, aBatchStride: 0, bBatchStride: 0,
      });
      return { shapes: launch.shapes, record: () => engine.dispatch(launch), dispose: disposeAll([a, b, out, ...(bias ? [bias] : [])]) };
    },
  };
}

function convBenchmark(c: Conv1dCase): KernelBenchmark {
  return {
    name: c.name, bound: 'compute', peer: c,
    async prepare(engine) {
      const g: Conv1dGeometry = {
        batch: c.batch, inChannels: c.inChannels, inLength: c.length, outChannels: c.outChannels,
        outLength: convOutputLength(c), kernelSize: c.kernelSize, stride: c.stride, padding: c.padding, dilation: 1,
      };
      const x = input(engine, [g.batch, g.inChannels, g.inLength], 1, 'x');
      const w = input(engine, [g.outChannels, g.inChannels, g.kernelSize], 2, 'w');
      const y = input(engine, [g.batch, g.outChannels, g.outLength], 3, 'y');
      const tensors = [x, w, y];
      let record: () => void;
      let shapes: string;
      if (c.direction === 'forward') {
        const launch = conv1dForwardLaunch(g, x.buffer, w.buffer, null, y.buffer);
        record = () => engine.dispatch(launch);
        shapes = launch.shapes;
      } else if (c.direction === 'grad_input') {
        const launch = conv1dGradInputLaunch(g, y.buffer, w.buffer, null, x.buffer);
        record = () => engine.dispatch(launch);
        shapes = launch.shapes;
      } else {
        // As core/ops/conv1d.ts does: a long (batch, time) sum over few weights is split, then summed.
        const splits = conv1dGradWeightSplits(g);
        const weights = w.size;
        const partial = splits > 1 ? output(engine, [splits, weights], 'dw.partial') : w;
        if (splits > 1) tensors.push(partial);
        const launch = conv1dGradWeightLaunch(g, y.buffer, x.buffer, partial.buffer, splits);
        const sum = splits > 1 ? sumAxisLaunch(partial.buffer, w.buffer, 1, splits, weights, 1) : null;
        record = () => {
          engine.dispatch(launch);
          if (sum) engine.dispatch(sum);
        };
        shapes = launch.shapes;
      }
      return { shapes, record, dispose: disposeAll(tensors) };
    },
  };
}

function concatBenchmark(name: string, shape: readonly [number, number, number]): KernelBenchmark {
  return {
    name, bound: 'memory',
    async prepare(engine) {
      const a = input(engine, shape, 1, 'decoder');
      const b = input(engine, shape, 2, 'skip');
      const bytes = 2 * 2 * 4 * a.size;
      return {
        shapes: `concat([${shape.join(',')}], [${shape.join(',')}], axis 1)`,
        record: () => engine.tidy(() => void concat([a, b], 1)),
        work: { flops: 0, bytes },
        dispose: disposeAll([a, b]),
      };
    },
  };
}

function addBenchmark(name: string, n: number): KernelBenchmark {
  return {
    name, bound: 'memory',
    async prepare(engine) {
      const a = input(engine, [n], 1, 'a');
      const b = input(engine, [n], 2, 'b');
      const out = output(engine, [n], 'sum');
      const launch = binaryLaunch('add', a.buffer, b.buffer, out.buffer, [n], [1], [1], true);
      return { shapes: launch.shapes, record: () => engine.dispatch(launch), dispose: disposeAll([a, b, out]) };
    },
  };
}

/** Sum of x viewed as [outer, axis, inner] over its middle axis. */
function reduceBenchmark(name: string, outer: number, axis: number, inner: number): KernelBenchmark {
  return {
    name, bound: 'memory',
    async prepare(engine) {
      const x = input(engine, [outer, axis, inner], 1, 'x');
      const out = output(engine, [outer, inner], 'sum');
      const launch = sumAxisLaunch(x.buffer, out.buffer, outer, axis, inner, 1);
      return { shapes: `sum ${launch.shapes} over axis 1`, record: () => engine.dispatch(launch), dispose: disposeAll([x, out]) };
    },
  };
}

/** Ops written by other engineers: imported when the run starts, skipped with a note when missing or broken. */
async function optionalModule<T>(load: () => Promise<T>, what: string): Promise<T | string> {
  try {
    return await load();
  } catch (error) {
    return `${what} unavailable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

function gaussianFilterBenchmark(name: string, shape: readonly [number, number, number], sigma: number): KernelBenchmark {
  return {
    name, bound: 'memory',
    async prepare(engine) {
      const module = await optionalModule(() => import('../talking-head/ops/gaussian-filter.ts'), 'talking-head/ops/gaussian-filter.ts');
      if (typeof module === 'string') return module;
      const x = input(engine, shape, 1, 'poses');
      return {
        shapes: `gaussianTemporalFilter [${shape.join(',')}] sigma ${sigma}`,
        record: () => engine.noGrad(() => engine.tidy(() => void module.gaussianTemporalFilter(x, { sigma }))),
        dispose: disposeAll([x]),
      };
    },
  };
}

function groupNormBenchmark(name: string, shape: readonly [number, number, number], groups: number): KernelBenchmark {
  return {
    name, bound: 'memory',
    async prepare(engine) {
      const module = await optionalModule(() => import('../core/ops/group-norm.ts'), 'core/ops/group-norm.ts');
      if (typeof module === 'string') return module;
      const x = input(engine, shape, 1, 'x');
      const gamma = input(engine, [shape[1]], 2, 'gamma');
      const beta = input(engine, [shape[1]], 3, 'beta');
      return {
        shapes: `groupNorm [${shape.join(',')}] G${groups} forward`,
        record: () => engine.noGrad(() => engine.tidy(() => void module.groupNorm(x, { groups, gamma, beta }))),
        dispose: disposeAll([x, gamma, beta]),
      };
    },
  };
}

/** One Adam step over parameters of the given shapes (each with a gradient): one dispatch a parameter. */
function adamBenchmark(name: string, shapes: readonly (readonly number[])[]): KernelBenchmark {
  return {
    name, bound: 'memory',
    async prepare(engine) {
      const module = await optionalModule(() => import('../core/optim/adam.ts'), 'core/optim/adam.ts');
      if (typeof module === 'string') return module;
      const params = shapes.map((shape, i) => {
        const p = input(engine, shape, 2 * i + 1, `param${i}`);
        p.requiresGrad = true;
        p.grad = input(engine, shape, 2 * i + 2, `param${i}.grad`);
        return p;
      });
      const optimizer = new module.Adam(params, { lr: 1e-4 });
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

const conv = (name: string, direction: ConvDirection, batch: number, channels: number, length: number, kernelSize: number, stride: number, padding: number): Conv1dCase => ({
  kind: 'conv1d', name, direction, batch, inChannels: channels, outChannels: channels, length, kernelSize, stride, padding,
});

/**
 * The benchmarks, at the model's shapes or (quick) tiny ones with the same names. Row names are stable: the
 * JSON, the peers and the test refer to them.
 */
export function kernelBenchmarks(quick: boolean): KernelBenchmark[] {
  const q = <T>(full: T, tiny: T): T => (quick ? tiny : full);
  const batch = q(64, 2);
  const frames = q(256, 16);
  const convCases = (['forward', 'grad_input', 'grad_weight'] as const).flatMap((direction) => [
    // U-Net level 1: 64 -> 64 channels at full resolution, K5 "same".
    conv(`conv1d.${direction}.level1`, direction, batch, q(64, 8), frames, 5, 1, 2),
    // A 2x down-sampling: 128 -> 128 channels, K4 stride 2.
    conv(`conv1d.${direction}.down2`, direction, batch, q(128, 8), q(64, 8), 4, 2, 1),
  ]);
  // Adam over ~1M parameters in the shapes of a U-Net's conv layers: 12 weights of [128, 128, 5] plus biases.
  const adamShapes = q<number[][]>(
    [...Array.from({ length: 12 }, () => [128, 128, 5]), ...Array.from({ length: 12 }, () => [128]), [64, 128, 5]],
    [[8, 8, 5], [8]],
  );
  return [
    matmulBenchmark({ kind: 'matmul', name: 'matmul.square', m: q(1024, 32), n: q(1024, 32), k: q(1024, 32), transposeB: false, bias: false }),
    // A linear layer on every frame of a batch: x [64*256, 128] times W [128, 128]ᵀ + bias.
    matmulBenchmark({ kind: 'matmul', name: 'matmul.linear', m: batch * frames, n: q(128, 16), k: q(128, 16), transposeB: true, bias: true }),
    // Face decoding: 144 coefficients a frame times the [144, 1404] basis (468 vertices x 3).
    matmulBenchmark({ kind: 'matmul', name: 'matmul.face-decode', m: q(256, 8), n: q(1404, 36), k: 144, transposeB: false, bias: false }),
    ...convCases.map(convBenchmark),
    concatBenchmark('concat.skip', [batch, q(64, 8), frames]),
    addBenchmark('elementwise.add', q(1 << 24, 4096)),
    // The bias gradient of matmul.linear: dy [64*256, 128] summed over its rows (few outputs, a long axis).
    reduceBenchmark('reduce.rows', 1, batch * frames, q(128, 16)),
    // Everything to one value (a loss).
    reduceBenchmark('reduce.all', 1, q(1 << 24, 4096), 1),
    gaussianFilterBenchmark('gaussian-filter.poses', [batch, q(64, 6), frames], 2),
    groupNormBenchmark('group-norm.forward', [batch, q(64, 8), frames], q(8, 2)),
    adamBenchmark('adam.step', adamShapes),
  ];
}

/** The kernel rows, and the peer cases they compare with. */
export async function runKernelBenchmarks(context: SuiteContext): Promise<SuiteReport> {
  const { engine, timing, peaks } = context;
  const results: BenchmarkResult[] = [];
  const notes: string[] = [];
  for (const bench of kernelBenchmarks(context.quick)) {
    const prepared = await bench.prepare(engine);
    if (typeof prepared === 'string') {
      notes.push(`${bench.name}: skipped: ${prepared}`);
      context.log(`${bench.name}: skipped: ${prepared}`);
      continue;
    }
    try {
      const declared = await declaredWork(engine, prepared.record);
      const work = prepared.work ?? declared;
      // The peaks just before and just after the row: its fraction is of the adapter under the same load.
      const before = await context.samplePeaks();
      const time = await timeEngine(engine, prepared.record, timing);
      const rowPeaks = bestOfPeaks(before, await context.samplePeaks()) ?? peaks;
      const result = benchmarkResult(bench.name, prepared.shapes, bench.bound, time, work, rowPeaks, timing.repeats);
      results.push(result);
      context.log(`${bench.name}: ${result.medianMs.toFixed(3)} ms (batch ${time.batch}) ${prepared.shapes}`);
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
