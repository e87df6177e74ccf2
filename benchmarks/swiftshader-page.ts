// The browser half of benchmarks/swiftshader.ts: PoseGAN work and the audio front end on the page's WebGPU engine
// (SwiftShader in headless Chromium), timed by the page's kernel profiler (core/profiler.ts, the profile panel's). The same file is bundled
// twice: from this tree, and from a baseline tree (`git archive` of another commit, e.g. main) that may predate
// kernel families, so it imports nothing of them: it reaches `engine.kernels` only where the engine has one.
// With `portable`, every family runs its portable variant (variants[0], the kernels posedyn had before it had
// variants); otherwise the engine's own choice for this adapter (measured at first use). Called through
// window.posedynSwiftShader.
import type { Engine } from '../core/engine.ts';
import { tensor } from '../core/creation.ts';
import { InitRandom } from '../core/nn/init.ts';
import { kernelTable, startProfiling } from '../core/profiler.ts';
import { createBrowserEngine } from '../runtime-web/device.ts';
import { computeFrameFeatures } from '../talking-head/features/audio-features.ts';
import { defaultFeatureConfig } from '../talking-head/features/config.ts';
import { frameInputs, generatePoseSequence } from '../talking-head/inference/pose-windows.ts';
import { defaultPoseGanConfig } from '../talking-head/posegan/config.ts';
import { PoseGenerator } from '../talking-head/posegan/generator.ts';
import { PoseGanTrainer } from '../talking-head/training/posegan-trainer.ts';

const FEATURES = 29;
/** The families whose variants `portable` pins (core/kernels/*-families.ts), by name. */
const FAMILIES = ['conv1d.forward', 'conv1d.grad_input', 'conv1d.grad_weight', 'matmul', 'group-norm.forward', 'group-norm.backward', 'reduce.sum', 'layout.copy-box'];

/** What a tree with kernel families offers (core/kernel-selection.ts); absent in one without. */
interface Selector {
  force(family: string, variant: string | null): void;
  choices(): readonly { how: string }[];
}

const engine: Engine = await createBrowserEngine();
const selector = (engine as unknown as { kernels?: Selector }).kernels;

type Workload = 'generate' | 'train-step' | 'features';

function workload(kind: Workload, seconds: number, batch: number): () => Promise<void> {
  const config = defaultPoseGanConfig(FEATURES);
  const random = new InitRandom(3);
  if (kind === 'features') {
    // The front end of every generation (talking-head/features/audio-features.ts) on noise of speech's level.
    const samples = random.uniform(Math.round(seconds * defaultFeatureConfig.sampleRate), 0.3);
    return async () => {
      const out = engine.noGrad(() => engine.tidy(() => computeFrameFeatures(engine, samples, defaultFeatureConfig)));
      await out.read();
      out.dispose();
    };
  }
  if (kind === 'generate') {
    const generator = new PoseGenerator(engine, config, new InitRandom(1)).train(false);
    const frames = Math.round(seconds * 30);
    // As inference runs it (talking-head/inference/generate.ts): per-frame features and the context windows cut from them
    const perFrame = engine.keep(tensor(engine, random.uniform(frames * FEATURES, 1), [frames, FEATURES]));
    const { windows, features } = frameInputs(perFrame, 16, 8);
    engine.keep(windows);
    return async () => {
      const out = engine.noGrad(() => engine.tidy(() => generatePoseSequence(generator, windows, tensor(engine, new Float32Array(6), [1, 6]), { features })));
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

/** The family variant names this engine knows, for forcing the portable ones. */
const portableVariants = new Map<string, string>();

const runs = new Map<string, () => Promise<void>>();

const api = {
  adapter: engine.info.adapter,
  hasKernelFamilies: selector !== undefined,
  /** Tells the page each family's portable variant (the driver reads them from this tree's modules). */
  setPortable(variants: Record<string, string>) {
    for (const [family, variant] of Object.entries(variants)) if (FAMILIES.includes(family)) portableVariants.set(family, variant);
  },
  /** One profiled run (after an unprofiled one that compiles and tunes): GPU ms by kernel, and the wall time. */
  async run(kind: Workload, seconds: number, batch: number, portable: boolean) {
    const key = `${kind}|${seconds}|${batch}`;
    let run = runs.get(key);
    if (!run) {
      run = workload(kind, seconds, batch);
      runs.set(key, run);
    }
    if (selector) for (const f of FAMILIES) selector.force(f, portable ? portableVariants.get(f) ?? null : null);
    await run();
    const profiler = startProfiling(engine);
    const started = performance.now();
    await run();
    const wallMs = performance.now() - started;
    const report = await profiler.collect();
    profiler.destroy();
    const rows = kernelTable(report, { groupBy: 'kernel' }).map((r) => ({ kernel: r.kernel, ms: r.totalMs, calls: r.calls }));
    return { wallMs, gpuMs: rows.reduce((s, r) => s + r.ms, 0), rows, choices: selector ? selector.choices().filter((c) => c.how !== 'forced') : [] };
  },
};
(globalThis as unknown as { posedynSwiftShader: typeof api }).posedynSwiftShader = api;
