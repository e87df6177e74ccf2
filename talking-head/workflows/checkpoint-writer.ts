// The one checkpoint writer of every workflow (train, resume, fine-tune, the page's personalisation): modules
// living on the GPU read back under their dotted names (prefix first: 'generator.', 'discriminator.',
// 'pgface.'), with Adam's moments for a resumable checkpoint, and the metadata, as safetensors bytes. Runtimes
// only put the bytes somewhere: a file written atomically (runtime-node), a download (runtime-web).
// Numeric guard: the tensors come back in few downloads together with the GPU's count of their non-finite
// values, and a checkpoint with a NaN or infinite value is refused (naming the tensor), never encoded.
import type { Engine } from '../../core/engine.ts';
import type { Float32Tensor } from '../../core/formats/safetensors.ts';
import type { Module } from '../../core/nn/module.ts';
import { NonFiniteError, readWithNonFiniteCounts } from '../../core/ops/non-finite.ts';
import type { Adam } from '../../core/optim/adam.ts';
import type { Tensor } from '../../core/tensor.ts';
import { type Checkpoint, type CheckpointMeta, encodeCheckpoint, loadModuleTensors, loadOptimizerTensors } from '../checkpoint/checkpoint.ts';

/** A module saved under `prefix`, with its optimizer when the checkpoint is to be resumable. */
export interface CheckpointPart {
  readonly prefix: string;
  readonly module: Module;
  readonly optimizer?: Adam;
}

/** The optimizer state's names: `optimizer.<prefix without its dot>.{m,v}.<parameter>` and `.step`. */
const optimizerPrefix = (part: CheckpointPart) => `optimizer.${part.prefix.replace(/\.$/, '')}`;

/** Values read back in one download at most (well below any adapter's buffer limit). */
const READBACK_CHUNK_BYTES = 32 << 20;

/**
 * Reads every part's parameters (and, when `resumable`, its optimizer moments) with their non-finite counts and
 * encodes the checkpoint; throws a NonFiniteError naming the first tensor with a NaN or infinite value.
 */
export async function encodeModulesCheckpoint(meta: CheckpointMeta, parts: readonly CheckpointPart[], options: { readonly resumable?: boolean } = {}): Promise<Uint8Array> {
  const named: [string, Tensor][] = [];
  const steps = new Map<number, [string, number]>();
  for (const part of parts) {
    named.push(...part.module.namedParameters(part.prefix), ...part.module.namedState(part.prefix));
    if (!options.resumable || !part.optimizer) continue;
    const state = part.optimizer.getState();
    part.module.namedParameters().forEach(([name], i) => named.push([`${optimizerPrefix(part)}.m.${name}`, state.m[i]!], [`${optimizerPrefix(part)}.v.${name}`, state.v[i]!]));
    steps.set(named.length, [`${optimizerPrefix(part)}.step`, state.step]);
  }
  const tensors = new Map<string, Float32Tensor>();
  for (let from = 0; from < named.length;) {
    let to = from + 1;
    for (let bytes = 4 * named[from]![1].size; to < named.length && bytes + 4 * named[to]![1].size <= READBACK_CHUNK_BYTES; to++) bytes += 4 * named[to]![1].size;
    const chunk = named.slice(from, to);
    const engine = chunk[0]![1].engine;
    const { values, nonFinite } = await readWithNonFiniteCounts(engine, chunk.map(([, t]) => t), chunk.map(([, t]) => [t]));
    const bad = nonFinite.findIndex((count) => count > 0);
    if (bad >= 0) {
      const [name, t] = chunk[bad]!;
      throw new NonFiniteError(`tensor '${name}' has ${nonFinite[bad]} NaN or infinite values of ${t.size}; the checkpoint was not written`);
    }
    chunk.forEach(([name, t], k) => {
      tensors.set(name, { shape: [...t.shape], data: values[k]! });
      const step = steps.get(from + k + 1);
      if (step) tensors.set(step[0], { shape: [1], data: Float32Array.of(step[1]) });
    });
    from = to;
  }
  return encodeCheckpoint({ meta, tensors });
}

/**
 * Uploads a module's persistent state (Module.namedState) where the checkpoint has it; a checkpoint written before
 * a module had state (e.g. a spectral norm's u before it was saved) leaves the module's initial state.
 */
function loadModuleState(module: Module, prefix: string, tensors: Checkpoint['tensors'], source: string): void {
  for (const [name, t] of module.namedState(prefix)) {
    const saved = tensors.get(name);
    if (!saved) continue;
    if (saved.shape.length !== t.shape.length || saved.shape.some((d, i) => d !== t.shape[i])) {
      throw new Error(`${source}: state tensor '${name}' has shape [${saved.shape.join(', ')}], the model expects [${t.shape.join(', ')}] (the checkpoint was made with a different config)`);
    }
    if (t.size > 0) t.engine.upload(t.buffer, saved.data);
  }
}

/**
 * Uploads a checkpoint into the parts: every parameter (a missing or misshapen one throws naming it), the modules'
 * state where saved, and with
 * `resumable` each part's optimizer state too. Parts whose prefix the checkpoint lacks entirely are left as
 * they are when `optional` names them (a CNN checkpoint has no discriminator).
 */
export function restoreModules(engine: Engine, parts: readonly CheckpointPart[], checkpoint: Checkpoint, source: string, options: { readonly resumable?: boolean; readonly optional?: readonly string[] } = {}): void {
  const names = [...checkpoint.tensors.keys()];
  for (const part of parts) {
    if (options.optional?.includes(part.prefix) && !names.some((n) => n.startsWith(part.prefix))) continue;
    loadModuleTensors(part.module, part.prefix, checkpoint.tensors, source);
    loadModuleState(part.module, part.prefix, checkpoint.tensors, source);
    if (options.resumable && part.optimizer) loadOptimizerTensors(engine, part.optimizer, part.module, optimizerPrefix(part), checkpoint.tensors, source);
  }
}
