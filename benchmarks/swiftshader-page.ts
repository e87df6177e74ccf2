// The browser half of benchmarks/swiftshader.ts: PoseGAN work on the page's WebGPU engine (SwiftShader in headless
// Chromium), timed by the page's kernel profiler (core/profiler.ts, the profile panel's), with the kernel families
// either all on their portable variants (the kernels posedyn had before it had variants) or on the engine's own
// choice for this adapter (measured at first use). Called through window.posedynSwiftShader.
import type { Engine } from '../core/engine.ts';
import { tensor } from '../core/creation.ts';
import { InitRandom } from '../core/nn/init.ts';
import { kernelTable, startProfiling } from '../core/profiler.ts';
import { conv1dForwardFamily, conv1dGradInputFamily, conv1dGradWeightFamily } from '../core/kernels/conv1d-families.ts';
import { groupNormBackwardFamily, groupNormForwardFamily } from '../core/kernels/group-norm-families.ts';
import { matmulFamily } from '../core/kernels/matmul-families.ts';
import { createBrowserEngine } from '../runtime-web/device.ts';
import { generatePoseSequence } from '../talking-head/inference/generate.ts';
import { defaultPoseGanConfig } from '../talking-head/posegan/config.ts';
import { PoseGenerator } from '../talking-head/posegan/generator.ts';
import { PoseGanTrainer } from '../talking-head/training/posegan-trainer.ts';

const FEATURES = 29;
const FAMILIES = [conv1dForwardFamily, conv1dGradInputFamily, conv1dGradWeightFamily, matmulFamily, groupNormForwardFamily, groupNormBackwardFamily];

const engine: Engine = await createBrowserEngine();

function workload(kind: 'generate' | 'train-step', seconds: number, batch: number): () => Promise<void> {
  const config = defaultPoseGanConfig(FEATURES);
  const random = new InitRandom(3);
  if (kind === 'generate') {
    const generator = new PoseGenerator(engine, config, new InitRandom(1)).train(false);
    const frames = Math.round(seconds * 30);
    const windows = engine.keep(tensor(engine, random.uniform(frames * FEATURES * 16, 1), [frames, FEATURES, 16]));
    return async () => {
      const out = engine.noGrad(() => engine.tidy(() => generatePoseSequence(generator, windows, tensor(engine, new Float32Array(6), [1, 6]))));
      await out.read();
      out.dispose();
    };
  }
  const trainer = new PoseGanTrainer(engine, config, { learningRate: 1e-4, seed: 1 });
  const data = {
    batch, length: 256, audio: random.uniform(batch * 256 * FEATURES * 16, 1), audioFrames: random.uniform(batch * 256 * FEATURES, 1),
    pose: random.uniform(batch * 256 * 6, 1), initial: random.uniform(batch * 6, 1),
  };
  return async () => {
    const losses = trainer.step(data);
    await losses.l2.read();
    engine.tidy(() => Object.values(losses).forEach((t) => t?.dispose()));
  };
}

const runs = new Map<string, () => Promise<void>>();

const api = {
  adapter: engine.info.adapter,
  /** One profiled run; portable: every family on its variants[0]. GPU ms by kernel, and the wall time. */
  async run(kind: 'generate' | 'train-step', seconds: number, batch: number, portable: boolean) {
    const key = `${kind}|${seconds}|${batch}`;
    let run = runs.get(key);
    if (!run) {
      run = workload(kind, seconds, batch);
      runs.set(key, run);
    }
    for (const f of FAMILIES) engine.kernels.force(f.name, portable ? f.variants[0]!.name : null);
    // An unprofiled run first: compiles, and (for the engine's own choice) measures new shape classes.
    await run();
    const profiler = startProfiling(engine);
    const started = performance.now();
    await run();
    const wallMs = performance.now() - started;
    const report = await profiler.collect();
    profiler.destroy();
    const rows = kernelTable(report, { groupBy: 'kernel' }).map((r) => ({ kernel: r.kernel, ms: r.totalMs, calls: r.calls }));
    return { wallMs, gpuMs: rows.reduce((s, r) => s + r.ms, 0), rows, choices: engine.kernels.choices().filter((c) => c.how !== 'forced') };
  },
};
(globalThis as unknown as { posedynSwiftShader: typeof api }).posedynSwiftShader = api;
