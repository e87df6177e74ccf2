// `posedyn selfcheck`: which adapter runs the kernels, and proof that training works on it.
import { trainSequenceTask } from '../../core/selfcheck/sequence-task.ts';
import { REPRODUCIBLE_KERNELS, createNodeEngine } from '../device.ts';

export async function runSelfCheck(options: { steps: number; seed: number }): Promise<void> {
  const engine = await createNodeEngine(REPRODUCIBLE_KERNELS);
  const limits = engine.device.limits;
  console.log(`adapter: ${engine.info.adapter} (${engine.info.isSoftwareAdapter ? 'software' : 'hardware'})`);
  console.log(`limits: ${limits.maxStorageBuffersPerShaderStage} storage buffers a stage, max buffer ${(limits.maxBufferSize / 2 ** 20).toFixed(0)} MiB, ${limits.maxComputeWorkgroupStorageSize / 1024} KiB workgroup memory; timestamp-query ${engine.device.features.has('timestamp-query') ? 'on' : 'off'}`);
  console.log(`training a tiny conv1d network (2 layers, 16 channels) on a synthetic sequence task for ${options.steps} steps:`);
  const started = performance.now();
  const losses = await trainSequenceTask(engine, {
    steps: options.steps,
    seed: options.seed,
    onLoss: (step, loss) => console.log(`  step ${String(step).padStart(4)}  loss ${loss.toExponential(3)}`),
  });
  const first = losses[0]!.loss;
  const last = losses.at(-1)!.loss;
  const seconds = (performance.now() - started) / 1000;
  console.log(`loss fell ${(first / last).toFixed(1)}x in ${seconds.toFixed(1)} s (${(options.steps / seconds).toFixed(1)} steps/s); memory in use ${(engine.memory().inUseBytes / 1024).toFixed(0)} KiB`);
  if (!(last < first / 10)) {
    throw new Error(`self-check failed: the loss fell only from ${first} to ${last} (expected at least 10x)`);
  }
  console.log('self-check passed');
}
