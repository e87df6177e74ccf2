// Experiment helper: where PoseGAN generation of 60 s of audio spends its GPU time, kernel by kernel and shape
// by shape (`posedyn profile generate` groups by kernel only). Warm-up run (compiles, tunes), then one profiled run.
// Run: timeout 600 node --import ./runtime-node/register.mjs benchmarks/experiments/generate-profile.ts [--seconds=60] [--top=40] [--choices]
import { tensor } from '../../core/creation.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { formatProfileTable, startProfiling } from '../../core/profiler.ts';
import { defaultFeatureConfig } from '../../talking-head/features/config.ts';
import { defaultPoseGanConfig } from '../../talking-head/posegan/config.ts';
import { PoseGenerator } from '../../talking-head/posegan/generator.ts';
import { frameInputs, generatePoseSequence } from '../../talking-head/inference/pose-windows.ts';
import { createNodeEngine } from '../../runtime-node/device.ts';
import { flag } from './lab.ts';

const FEATURES = 29;
const frames = Math.round(Number(flag('seconds') ?? 60) * 30);
const engine = await createNodeEngine({ dawnOptions: ['disable-dawn-features=timestamp_quantization'] });
const generator = new PoseGenerator(engine, defaultPoseGanConfig(FEATURES), new InitRandom(1)).train(false);
// As inference runs it (talking-head/inference/generate.ts): per-frame features and the context windows cut from them
const perFrame = engine.keep(tensor(engine, new InitRandom(2).uniform(frames * FEATURES, 1), [frames, FEATURES]));
const { windows, features } = frameInputs(perFrame, 16, defaultFeatureConfig.contextCentre);
engine.keep(windows);
const run = async () => {
  const out = engine.noGrad(() => engine.tidy(() => generatePoseSequence(generator, windows, tensor(engine, [0, 0, 0, 0, 0, 0], [1, 6]), { features })));
  await out.read();
  out.dispose();
};
await run();
const walls: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  await run();
  walls.push(performance.now() - t);
}
console.log(`wall ms of 3 runs: ${walls.map((w) => w.toFixed(1)).join(', ')}`);
const profiler = startProfiling(engine);
await run();
const report = await profiler.collect();
const table = formatProfileTable(report, { groupBy: 'kernel+shapes' }).split('\n');
console.log(table.slice(0, 3 + Number(flag('top') ?? 40)).join('\n'));
if (process.argv.includes('--choices')) for (const c of engine.kernels.choices()) console.log(`${c.family} ${c.shapeClass} (${c.example}): ${c.variant} (${c.how}${c.timings ? `: ${c.timings.map((t) => `${t.variant} ${t.ms.toFixed(3)}`).join(', ')}` : ''})`);
process.exit(0);
