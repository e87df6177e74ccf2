// `posedyn profile train-step|generate`: times every kernel of a real PoseGAN or PGFace training step (or of
// a generation) on the GPU with the profiler (core/profiler.ts), after a warm-up that compiles pipelines,
// and prints the per-kernel table; --trace writes a Chrome trace (Perfetto, chrome://tracing).
import type { Engine } from '../../core/engine.ts';
import { formatKernelChoices } from '../../core/kernel-choices-table.ts';
import { formatProfileTable, startProfiling, toChromeTrace } from '../../core/profiler.ts';
import { tensor } from '../../core/creation.ts';
import { defaultPgFaceConfig } from '../../talking-head/pgface/config.ts';
import { defaultPoseGanConfig } from '../../talking-head/posegan/config.ts';
import { PgFaceTrainer } from '../../talking-head/training/pgface-trainer.ts';
import { PoseGanTrainer } from '../../talking-head/training/posegan-trainer.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { defaultFeatureConfig } from '../../talking-head/features/config.ts';
import { frameInputs, generatePoseSequence } from '../../talking-head/inference/pose-windows.ts';
import { PoseGenerator } from '../../talking-head/posegan/generator.ts';
import { createNodeEngine } from '../device.ts';
import { stderrLog } from '../cli/stderr-log.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { checkOutputFile } from '../files/output-folder.ts';
import { loadKernelChoices, saveKernelChoices } from './kernel-choices-file.ts';

export interface ProfileOptions {
  readonly target: 'train-step' | 'generate';
  readonly model: 'posegan' | 'pgface';
  readonly batch: number;
  readonly seconds: number;
  readonly trace?: string;
  readonly dawnOptions?: readonly string[];
  /** Kernel variants to run instead of the measured ones: [family, variant]. */
  readonly forced?: readonly (readonly [string, string])[];
  /** Kernel choices measured earlier on this adapter, to start from (runtime-node/profile/kernel-choices-file.ts). */
  readonly choices?: string;
  /** Where to write the measured kernel choices of this run. */
  readonly saveChoices?: string;
}

const FEATURES = 29;

function syntheticPoseBatch(batch: number, frames: number) {
  const random = new InitRandom(5);
  return {
    batch, length: frames,
    audio: random.uniform(batch * frames * FEATURES * 16, 1),
    audioFrames: random.uniform(batch * frames * FEATURES, 1),
    pose: random.uniform(batch * frames * 6, 1),
    initial: random.uniform(batch * 6, 1),
  };
}

/** Builds the work to profile: a function that records one step (or one generation) and reads its result. */
function workload(engine: Engine, options: ProfileOptions): { run: () => Promise<void>; dispose: () => void; label: string } {
  if (options.target === 'generate') {
    const config = defaultPoseGanConfig(FEATURES);
    const generator = new PoseGenerator(engine, config, new InitRandom(1)).train(false);
    const frames = Math.round(options.seconds * 30);
    // As inference runs it (talking-head/inference/generate.ts): per-frame features and the context windows cut from them
    const perFrame = engine.keep(tensor(engine, new InitRandom(2).uniform(frames * FEATURES, 1), [frames, FEATURES]));
    const { windows, features } = frameInputs(perFrame, config.windowFrames, defaultFeatureConfig.contextCentre);
    engine.keep(windows);
    return {
      label: `PoseGAN generation of ${options.seconds} s of audio (${frames} frames)`,
      run: async () => {
        const out = engine.noGrad(() => engine.tidy(() => generatePoseSequence(generator, windows, tensor(engine, [0, 0, 0, 0, 0, 0], [1, 6]), { features })));
        await out.read();
        out.dispose();
      },
      dispose: () => { generator.dispose(); windows.dispose(); perFrame.dispose(); },
    };
  }
  if (options.model === 'posegan') {
    const trainer = new PoseGanTrainer(engine, defaultPoseGanConfig(FEATURES), { learningRate: 1e-4, seed: 1 });
    const batch = syntheticPoseBatch(options.batch, 256);
    return {
      label: `PoseGAN training step, batch ${options.batch} x 256 frames`,
      run: async () => {
        const losses = trainer.step(batch);
        await losses.l2.read();
        engine.tidy(() => Object.values(losses).forEach((t) => t?.dispose()));
      },
      dispose: () => trainer.dispose(),
    };
  }
  const config = defaultPgFaceConfig(FEATURES);
  const random = new InitRandom(3);
  const q = random.uniform(144 * 144, 0.01);
  for (let i = 0; i < 144; i++) for (let j = 0; j < i; j++) q[i * 144 + j] = q[j * 144 + i]!;
  const trainer = new PgFaceTrainer(engine, config, engine.keep(tensor(engine, q, [144, 144])), { learningRate: 1e-4, seed: 1 });
  const rows = 2 * options.batch;
  const batch = { rows, audio: random.uniform(rows * FEATURES * 16, 1), pose: random.uniform(rows * 6, 1), face: random.uniform(rows * 144, 1) };
  return {
    label: `PGFace training step, batch ${options.batch} frame pairs`,
    run: async () => {
      const losses = trainer.step(batch);
      await losses.total.read();
      engine.tidy(() => Object.values(losses).forEach((t) => t.dispose()));
    },
    dispose: () => trainer.dispose(),
  };
}

export async function runProfile(options: ProfileOptions): Promise<void> {
  if (options.trace) await checkOutputFile(options.trace, '--trace');
  if (options.saveChoices) await checkOutputFile(options.saveChoices, '--save-choices');
  // Dawn quantises timestamps to 65.5 us unless told not to: short kernels would read as zero.
  const engine = await createNodeEngine({ log: stderrLog, dawnOptions: options.dawnOptions ?? ['disable-dawn-features=timestamp_quantization'] });
  for (const [family, variant] of options.forced ?? []) engine.kernels.force(family, variant);
  if (options.choices) stderrLog(`posedyn: ${await loadKernelChoices(engine, options.choices)} kernel choices from ${options.choices}`);
  const work = workload(engine, options);
  await work.run(); // warm-up: pipeline compilation is not what we measure
  const profiler = startProfiling(engine);
  const started = performance.now();
  await work.run();
  const wall = performance.now() - started;
  const report = await profiler.collect();
  console.log(`${work.label}: wall ${wall.toFixed(1)} ms`);
  console.log(formatProfileTable(report, { groupBy: 'kernel' }));
  console.log(formatKernelChoices(engine.kernels.choices(), engine.kernels.failures));
  if (options.saveChoices) console.log(`wrote ${await saveKernelChoices(engine, options.saveChoices)} measured kernel choices to ${options.saveChoices}`);
  if (options.trace) {
    await writeFileAtomic(options.trace, JSON.stringify(toChromeTrace(report)));
    console.log(`wrote ${options.trace} (open in ui.perfetto.dev or chrome://tracing)`);
  }
  profiler.destroy();
  work.dispose();
}
