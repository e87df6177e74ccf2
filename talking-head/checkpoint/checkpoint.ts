// Checkpoints are safetensors files (readable by Python's `safetensors`): every parameter and optimizer
// moment as an F32 tensor under its dotted name, and everything needed to use the model again in the string
// metadata, each value a JSON document:
//   posedyn_format  "posedyn-checkpoint-v1"
//   kind            "posegan" | "pgface"
//   model_config    the network's config (widths, loss weights, variant)
//   feature_config  the audio front end's config (a model only makes sense on the features it was trained on)
//   normalisation   per-channel mean/std of poses, face coefficients and features (train split)
//   identities      names and rest (mean) poses of the identities seen in training
//   training        epoch, step, seed, best validation loss, and what produced the checkpoint
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import type { Module } from '../../core/nn/module.ts';
import type { Adam } from '../../core/optim/adam.ts';
import { formatShape, sameShape } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';
import type { ChannelStats, IdentityEntry } from '../data/dataset-format.ts';
import { type Float32Tensor, parseSafetensors, writeSafetensors } from '../../core/formats/safetensors.ts';
import { findNonFinite } from '../../core/ops/non-finite.ts';

export const CHECKPOINT_FORMAT = 'posedyn-checkpoint-v1';

export type ModelKind = 'posegan' | 'pgface';

export interface Normalisation {
  readonly pose: ChannelStats;
  readonly face: ChannelStats | null;
  readonly features: ChannelStats;
}

export interface TrainingRecord {
  readonly epoch: number;
  readonly step: number;
  readonly seed: number;
  readonly bestValidation: number | null;
  /** The command or call that produced this checkpoint, for the record. */
  readonly producedBy: string;
  readonly [extra: string]: unknown;
}

export interface CheckpointMeta {
  readonly kind: ModelKind;
  readonly modelConfig: Record<string, unknown>;
  readonly featureConfig: Record<string, unknown>;
  readonly normalisation: Normalisation;
  readonly identities: readonly IdentityEntry[];
  readonly training: TrainingRecord;
}

export interface Checkpoint {
  readonly meta: CheckpointMeta;
  readonly tensors: ReadonlyMap<string, Float32Tensor>;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const m = checkpoint.meta;
  return writeSafetensors(checkpoint.tensors, {
    posedyn_format: CHECKPOINT_FORMAT,
    kind: m.kind,
    model_config: JSON.stringify(m.modelConfig),
    feature_config: JSON.stringify(m.featureConfig),
    normalisation: JSON.stringify(m.normalisation),
    identities: JSON.stringify(m.identities),
    training: JSON.stringify(m.training),
  });
}

export function decodeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const file = parseSafetensors(bytes, source);
  const md = file.metadata;
  if (md.posedyn_format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${source}: not a posedyn checkpoint (metadata posedyn_format is ${JSON.stringify(md.posedyn_format)}, expected "${CHECKPOINT_FORMAT}")`);
  }
  const json = (key: string): never => {
    const text = md[key];
    if (text === undefined) throw new CheckpointError(`${source}: metadata field '${key}' is missing`);
    try {
      return JSON.parse(text) as never;
    } catch (error) {
      throw new CheckpointError(`${source}: metadata field '${key}' is not valid JSON (${(error as Error).message})`);
    }
  };
  const kind = md.kind;
  if (kind !== 'posegan' && kind !== 'pgface') throw new CheckpointError(`${source}: metadata field 'kind' is ${JSON.stringify(kind)}, expected "posegan" or "pgface"`);
  const tensors = new Map<string, Float32Tensor>();
  for (const [name, t] of file.tensors) {
    if (!(t.data instanceof Float32Array)) throw new CheckpointError(`${source}: tensor '${name}' is ${t.dtype}, expected F32`);
    // The values are on the CPU here, so the numeric guard of every checkpoint read is a scan of them.
    const bad = findNonFinite(t.data);
    if (bad.count > 0) {
      throw new CheckpointError(`${source}: tensor '${name}' holds ${bad.count} non-finite values of ${t.data.length} (the first, at index ${bad.first}, is ${bad.value}); the checkpoint is unusable (saved from a training that diverged?)`);
    }
    tensors.set(name, { shape: t.shape, data: t.data });
  }
  return {
    meta: {
      kind, modelConfig: json('model_config'), featureConfig: json('feature_config'),
      normalisation: json('normalisation'), identities: json('identities'), training: json('training'),
    },
    tensors,
  };
}

/**
 * Reads a module's parameters back from the GPU, keyed `prefix + dotted name` (a download a tensor; the
 * workflows' checkpoint writer reads everything in one guarded download instead: workflows/checkpoint-writer.ts).
 */
export async function readModuleTensors(module: Module, prefix: string, into: Map<string, Float32Tensor>): Promise<void> {
  for (const [name, p] of module.namedParameters(prefix)) into.set(name, { shape: [...p.shape], data: await p.read() });
}

/** Reads an optimizer's moments back, keyed `prefix.m.<param name>` and `prefix.v.<param name>`, and its step. */
export async function readOptimizerTensors(optimizer: Adam, module: Module, prefix: string, into: Map<string, Float32Tensor>): Promise<void> {
  const state = optimizer.getState();
  const names = module.namedParameters().map(([n]) => n);
  for (let i = 0; i < names.length; i++) {
    into.set(`${prefix}.m.${names[i]}`, { shape: [...state.m[i]!.shape], data: await state.m[i]!.read() });
    into.set(`${prefix}.v.${names[i]}`, { shape: [...state.v[i]!.shape], data: await state.v[i]!.read() });
  }
  into.set(`${prefix}.step`, { shape: [1], data: Float32Array.of(state.step) });
}

function expectTensor(tensors: ReadonlyMap<string, Float32Tensor>, name: string, shape: readonly number[], source: string): Float32Tensor {
  const t = tensors.get(name);
  if (!t) throw new CheckpointError(`${source}: tensor '${name}' is missing (the checkpoint was made for a different model or config)`);
  if (!sameShape(t.shape, shape)) {
    throw new CheckpointError(`${source}: tensor '${name}' has shape ${formatShape(t.shape)}, the model expects ${formatShape(shape)} (the checkpoint was made with a different config)`);
  }
  return t;
}

/** Uploads checkpoint tensors into a module's parameters; every parameter must be present with its shape. */
export function loadModuleTensors(module: Module, prefix: string, tensors: ReadonlyMap<string, Float32Tensor>, source: string): void {
  for (const [name, p] of module.namedParameters(prefix)) {
    const t = expectTensor(tensors, name, p.shape, source);
    if (p.size > 0) p.engine.upload(p.buffer, t.data);
  }
}

/** Restores an optimizer's moments and step from a checkpoint written by readOptimizerTensors. */
export function loadOptimizerTensors(engine: Engine, optimizer: Adam, module: Module, prefix: string, tensors: ReadonlyMap<string, Float32Tensor>, source: string): void {
  const named = module.namedParameters();
  const load = (what: 'm' | 'v') => named.map(([n, p]): Tensor => tensor(engine, expectTensor(tensors, `${prefix}.${what}.${n}`, p.shape, source).data, p.shape));
  const step = expectTensor(tensors, `${prefix}.step`, [1], source).data[0]!;
  engine.tidy(() => optimizer.loadState({ step, m: load('m'), v: load('v') }));
}

/** Throws naming the field when a checkpoint's config differs from what the caller needs. */
export function assertConfigMatches(what: string, expected: Record<string, unknown>, actual: Record<string, unknown>, source: string): void {
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    if (JSON.stringify(expected[key]) !== JSON.stringify(actual[key])) {
      throw new CheckpointError(`${source}: ${what} field '${key}' is ${JSON.stringify(actual[key])}, expected ${JSON.stringify(expected[key])}`);
    }
  }
}
