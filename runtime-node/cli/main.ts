// The posedyn command line. Each subcommand lives in its own file; this one only wires them up.
import { Command } from 'commander';
import { runSelfCheck } from './selfcheck.ts';

const program = new Command()
  .name('posedyn')
  .description('WebGPU engine and PoseGAN/PGFace talking-head models (Zhang et al., 3D Talking Face with Personalized Pose Dynamics)')
  .showHelpAfterError();

program
  .command('selfcheck')
  .description('print the WebGPU adapter and train a tiny conv1d network on a synthetic sequence task')
  .option('--steps <n>', 'training steps', '300')
  .option('--seed <n>', 'random seed', '1')
  .action(async (options: { steps: string; seed: string }) => {
    await runSelfCheck({ steps: positiveInt(options.steps, '--steps'), seed: positiveInt(options.seed, '--seed') });
  });

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} expects a non-negative integer, got '${value}'`);
  return n;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`posedyn: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
