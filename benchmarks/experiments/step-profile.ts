// Experiment helper: where a PoseGAN training step's GPU time goes, kernel by kernel and shape by shape
// (`posedyn profile` groups by kernel only). Warm-up step, then one profiled step.
// Run: timeout 900 node --import ./runtime-node/register.mjs benchmarks/experiments/step-profile.ts [--batch=64] [--top=40]
import { formatProfileTable, startProfiling } from '../../core/profiler.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { defaultPoseGanConfig } from '../../talking-head/posegan/config.ts';
import { PoseGanTrainer } from '../../talking-head/training/posegan-trainer.ts';
import { createNodeEngine } from '../../runtime-node/device.ts';
import { flag } from './lab.ts';

const FEATURES = 29;
const batch = Number(flag('batch') ?? 64);
const engine = await createNodeEngine({ dawnOptions: ['disable-dawn-features=timestamp_quantization'] });
const trainer = new PoseGanTrainer(engine, defaultPoseGanConfig(FEATURES), { learningRate: 1e-4, seed: 1 });
const random = new InitRandom(5);
const data = {
  batch, length: 256,
  audio: random.uniform(batch * 256 * FEATURES * 16, 1), audioFrames: random.uniform(batch * 256 * FEATURES, 1),
  pose: random.uniform(batch * 256 * 6, 1), initial: random.uniform(batch * 6, 1),
};
const step = async () => {
  const losses = trainer.step(data);
  await losses.l2.read();
  engine.tidy(() => Object.values(losses).forEach((t) => t?.dispose()));
};
await step();
const profiler = startProfiling(engine);
await step();
const report = await profiler.collect();
const table = formatProfileTable(report, { groupBy: 'kernel+shapes' }).split('\n');
console.log(table.slice(0, 3 + Number(flag('top') ?? 40)).join('\n'));
process.exit(0);
