// Reading and writing checkpoint files on disk (atomically), and assembling a checkpoint from trainers.
import type { Module } from '../../core/nn/module.ts';
import type { Adam } from '../../core/optim/adam.ts';
import { type Checkpoint, type CheckpointMeta, decodeCheckpoint, encodeCheckpoint, readModuleTensors, readOptimizerTensors } from '../../talking-head/checkpoint/checkpoint.ts';
import type { Float32Tensor } from '../../core/formats/safetensors.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { readFileBytes } from '../files/read-file.ts';

export interface SavedModule {
  readonly prefix: string;
  readonly module: Module;
  /** Included for resumable checkpoints. */
  readonly optimizer?: Adam;
}

export async function saveCheckpoint(path: string, meta: CheckpointMeta, modules: readonly SavedModule[], withOptimizer: boolean): Promise<void> {
  const tensors = new Map<string, Float32Tensor>();
  for (const m of modules) {
    await readModuleTensors(m.module, m.prefix, tensors);
    if (withOptimizer && m.optimizer) await readOptimizerTensors(m.optimizer, m.module, `optimizer.${m.prefix.replace(/\.$/, '')}`, tensors);
  }
  await writeFileAtomic(path, encodeCheckpoint({ meta, tensors }));
}

export async function readCheckpointFile(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(await readFileBytes(path), path);
}
