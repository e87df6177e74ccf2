// Shared plumbing for the kernel experiments in this folder: an engine (with optional Dawn toggles from the
// command line), launches of WGSL strings that live in the experiment scripts, timing with the benchmarks'
// harness, and a correctness check against a CPU result. The experiments, not this file, hold the kernels.
//
// Common flags of every experiment script:
//   --only=a,b        run only these variants (risky shaders can then be tried one per process)
//   --dawn=TOGGLES    passed to Dawn's create(), e.g. --dawn=enable-dawn-features=disable_robustness
//   --rounds=N        timed rounds, every variant once a round, interleaved (default 3; medians printed)
import type { Engine } from '../../core/engine.ts';
import type { KernelLaunch, KernelSource, UniformValues } from '../../core/kernels/launch.ts';
import { createNodeEngine } from '../../runtime-node/device.ts';
import { fmaChainsLaunch, fmaSinkBytes } from '../../core/kernels/peak.ts';
import { median } from '../harness.ts';
import { syntheticValues } from '../synthetic-values.ts';

/** Deterministic values in [-1, 1) (kept under this name for the experiments). */
export const randomArray = syntheticValues;

export function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

export function selected(variant: string): boolean {
  const only = flag('only');
  return !only || only.split(',').includes(variant);
}

export async function labEngine(): Promise<Engine> {
  const dawn = flag('dawn');
  const engine = await createNodeEngine({ dawnOptions: dawn ? [dawn] : [] });
  console.log(`adapter: ${engine.info.adapter}${dawn ? `, Dawn options ${dawn}` : ''}; rounds ${flag('rounds') ?? 3}, interleaved`);
  return engine;
}

/** A kernel held in an experiment script; `file` names the script and variant (and keys the module cache). */
export function labKernel(file: string, code: string): KernelSource {
  return { name: file.split('#').at(-1) ?? file, file, code };
}

export function labLaunch(
  kernel: KernelSource, params: UniformValues, buffers: readonly GPUBuffer[], workgroups: readonly [number, number, number], flops: number, bytes = 0,
): KernelLaunch {
  return { kernel, entry: 'main', params, buffers, workgroups, flops, bytes, shapes: kernel.name };
}

export interface Variant {
  readonly name: string;
  readonly launch: KernelLaunch;
  /** Runs before the variant is first timed (clear its output); not timed. */
  readonly before?: () => void;
  /** Called once after the warm-up round: the variant's error against the expected output, if any. */
  readonly check?: () => Promise<number>;
}

export interface VariantTiming {
  readonly name: string;
  readonly medianMs: number;
  readonly gflops: number;
  readonly error: number | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Times the variants interleaved: a warm-up round (compiles, checks), then `--rounds` rounds (default 3), each
 * running every variant once (sync, dispatch, sleep 80% of its best time so far, sync). Foreign load on this
 * shared machine then hits every variant alike, which timing them one after the other would not.
 */
export async function compareVariants(engine: Engine, variants: readonly Variant[]): Promise<VariantTiming[]> {
  const rounds = Number(flag('rounds') ?? 3);
  const samples = variants.map(() => [] as number[]);
  const errors: (number | null)[] = variants.map(() => null);
  for (let round = -1; round < rounds; round++) {
    for (const [i, v] of variants.entries()) {
      if (round === -1) v.before?.();
      await engine.sync();
      const best = samples[i]!.length > 0 ? Math.min(...samples[i]!) : 0;
      const start = performance.now();
      engine.dispatch(v.launch);
      engine.flush();
      if (best > 2) await sleep(0.8 * best);
      await engine.sync();
      const ms = performance.now() - start;
      if (round === -1) {
        samples[i]!.push(ms);
        if (v.check) errors[i] = await v.check();
      } else {
        if (round === 0) samples[i] = [];
        samples[i]!.push(ms);
      }
    }
  }
  return variants.map((v, i) => {
    const medianMs = median(samples[i]!);
    return { name: v.name, medianMs, gflops: v.launch.flops / medianMs / 1e6, error: errors[i]! };
  });
}

/** The FMA peak kernel (core/kernels/peak.wgsl) as a variant, so the peak is measured interleaved with the rest. */
export function peakVariant(engine: Engine): Variant {
  const workgroups = 1024;
  const sink = engine.storage.acquire(fmaSinkBytes(workgroups), 'peak sink');
  return { name: 'fma peak (core/kernels/peak.wgsl)', launch: fmaChainsLaunch(sink, workgroups, 256) };
}

/** Prints the table: each variant's median, GFLOP/s, fraction of the interleaved FMA peak, speed vs baseline. */
export function printComparison(timings: readonly VariantTiming[], baseline: string): void {
  const peak = timings.find((t) => t.name.startsWith('fma peak'));
  const base = timings.find((t) => t.name === baseline);
  for (const t of timings) {
    console.log([
      t.name.padEnd(30), `${t.medianMs.toFixed(1).padStart(8)} ms`, `${t.gflops.toFixed(2).padStart(7)} GFLOP/s`,
      peak ? `${((100 * t.gflops) / peak.gflops).toFixed(1).padStart(5)}% of peak` : '',
      base ? `x${(base.medianMs / t.medianMs).toFixed(2)} vs ${baseline}` : '',
      t.error === null ? '' : `max err ${t.error.toExponential(1)}`,
    ].join('  '));
  }
}

/** The largest |actual - expected| / (1 + |expected|) over a buffer: a float32 kernel should give < 1e-4. */
export async function maxError(engine: Engine, buffer: GPUBuffer, expected: Float32Array): Promise<number> {
  const actual = new Float32Array(await engine.download(buffer, expected.length * 4));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  return worst;
}


export function upload(engine: Engine, data: Float32Array, label: string): GPUBuffer {
  const buffer = engine.storage.acquire(data.byteLength, label);
  engine.upload(buffer, data);
  return buffer;
}
