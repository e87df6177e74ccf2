// The one checkpoint writer of every workflow (train, resume, fine-tune, the page's personalisation): modules
// living on the GPU read back under their dotted names (prefix first: 'generator.', 'discriminator.',
// 'pgface.'), with Adam's moments for a resumable checkpoint, and the metadata, as safetensors bytes. Runtimes
// only put the bytes somewhere: a file written atomically (runtime-node), a download (runtime-web).
import type { Engine } from '../../core/engine.ts';
import type { Float32Tensor } from '../../core/formats/safetensors.ts';
import type { Module } from '../../core/nn/module.ts';
import type { Adam } from '../../core/optim/adam.ts';
import {
  type Checkpoint, type CheckpointMeta, encodeCheckpoint, loadModuleTensors, loadOptimizerTensors, readModuleTensors, readOptimizerTensors,
} from '../checkpoint/checkpoint.ts';

/** A module saved under `prefix`, with its optimizer when the checkpoint is to be resumable. */
export interface CheckpointPart {
  readonly prefix: string;
  readonly module: Module;
  readonly optimizer?: Adam;
}

/** The optimizer state's names: `optimizer.<prefix without its dot>.{m,v}.<parameter>` and `.step`. */
const optimizerPrefix = (part: CheckpointPart) => `optimizer.${part.prefix.replace(/\.$/, '')}`;

/** Reads every part's parameters (and, when `resumable`, its optimizer state) and encodes the checkpoint. */
export async function encodeModulesCheckpoint(meta: CheckpointMeta, parts: readonly CheckpointPart[], options: { readonly resumable?: boolean } = {}): Promise<Uint8Array> {
  const tensors = new Map<string, Float32Tensor>();
  for (const part of parts) {
    await readModuleTensors(part.module, part.prefix, tensors);
    if (options.resumable && part.optimizer) await readOptimizerTensors(part.optimizer, part.module, optimizerPrefix(part), tensors);
  }
  return encodeCheckpoint({ meta, tensors });
}

/**
 * Uploads a checkpoint into the parts: every parameter (a missing or misshapen one throws naming it), and with
 * `resumable` each part's optimizer state too. Parts whose prefix the checkpoint lacks entirely are left as
 * they are when `optional` names them (a CNN checkpoint has no discriminator).
 */
export function restoreModules(engine: Engine, parts: readonly CheckpointPart[], checkpoint: Checkpoint, source: string, options: { readonly resumable?: boolean; readonly optional?: readonly string[] } = {}): void {
  const names = [...checkpoint.tensors.keys()];
  for (const part of parts) {
    if (options.optional?.includes(part.prefix) && !names.some((n) => n.startsWith(part.prefix))) continue;
    loadModuleTensors(part.module, part.prefix, checkpoint.tensors, source);
    if (options.resumable && part.optimizer) loadOptimizerTensors(engine, part.optimizer, part.module, optimizerPrefix(part), checkpoint.tensors, source);
  }
}
