// Shared plumbing for the kernel experiments in this folder: an engine (with optional Dawn toggles from the
// command line), launches of WGSL strings that live in the experiment scripts, timing with the benchmarks'
// harness, and a correctness check against a CPU result. The experiments, not this file, hold the kernels.
//
// Common flags of every experiment script:
//   --only=a,b        run only these variants (risky shaders can then be tried one per process)
//   --dawn=TOGGLES    passed to Dawn's create(), e.g. --dawn=enable-dawn-features=disable_robustness
//   --repeats=N       timed repeats a variant (default 3; the median is printed)
import type { Engine } from '../../engine/engine.ts';
import type { KernelLaunch, KernelSource, UniformValue } from '../../kernels/launch.ts';
import { createNodeEngine } from '../../runtime-node/device.ts';
import { type Peaks, timeEngine } from '../harness.ts';
import { measurePeaks } from '../peak.ts';

export function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

export function selected(variant: string): boolean {
  const only = flag('only');
  return !only || only.split(',').includes(variant);
}

export async function labEngine(): Promise<{ engine: Engine; peaks: Peaks }> {
  const dawn = flag('dawn');
  const engine = await createNodeEngine({ verbose: false, dawnOptions: dawn ? [dawn] : [] });
  const peaks = await measurePeaks(engine, { runs: 3 });
  console.log(`adapter: ${engine.info.adapter}${dawn ? `, Dawn options ${dawn}` : ''}`);
  console.log(`peaks this run: FMA ${peaks.fmaGflops.toFixed(1)} GFLOP/s, copy ${peaks.copyGBps.toFixed(2)} GB/s`);
  return { engine, peaks };
}

/** A kernel held in an experiment script; `file` names the script and variant (and keys the module cache). */
export function labKernel(file: string, code: string): KernelSource {
  return { name: file.split('#').at(-1) ?? file, file, code };
}

export function labLaunch(
  kernel: KernelSource, params: readonly UniformValue[], buffers: readonly GPUBuffer[], workgroups: readonly [number, number, number], flops: number, bytes = 0,
): KernelLaunch {
  return { kernel, entry: 'main', params, buffers, workgroups, flops, bytes, shapes: kernel.name };
}

/** Median ms of one launch over `--repeats` repeats, after one warm-up that also compiles the pipeline. */
export async function timeLaunch(engine: Engine, launch: KernelLaunch): Promise<number> {
  const repeats = Number(flag('repeats') ?? 3);
  const timing = await timeEngine(engine, () => engine.dispatch(launch), { warmup: 1, repeats, batch: 1, sleepFraction: 0.8 });
  return timing.medianMs;
}

/** The largest |actual - expected| / (1 + |expected|) over a buffer: a float32 kernel should give < 1e-4. */
export async function maxError(engine: Engine, buffer: GPUBuffer, expected: Float32Array): Promise<number> {
  const actual = new Float32Array(await engine.download(buffer, expected.length * 4));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  return worst;
}

export function randomArray(n: number, seed: number): Float32Array {
  const values = new Float32Array(n);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

export function upload(engine: Engine, data: Float32Array, label: string): GPUBuffer {
  const buffer = engine.storage.acquire(data.byteLength, label);
  engine.upload(buffer, data);
  return buffer;
}

/** One printed row: ms, GFLOP/s, fraction of the FMA peak and the speed relative to a baseline from the same run. */
export function report(variant: string, ms: number, flops: number, peaks: Peaks, baselineMs: number | null, error: number | null): void {
  const gflops = flops / ms / 1e6;
  const cells = [
    variant.padEnd(28), `${ms.toFixed(1).padStart(8)} ms`, `${gflops.toFixed(2).padStart(6)} GFLOP/s`,
    `${((100 * gflops) / peaks.fmaGflops).toFixed(1).padStart(5)}% of FMA peak`,
    baselineMs === null ? '' : `x${(baselineMs / ms).toFixed(2)} vs real kernel`,
    error === null ? '' : `max err ${error.toExponential(1)}`,
  ];
  console.log(cells.join('  '));
}
