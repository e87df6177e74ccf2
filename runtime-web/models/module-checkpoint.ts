// A checkpoint file from modules living on the GPU: every parameter read back under its dotted name (prefix
// first, as loadPoseGan and loadPgFace expect: 'generator.', 'discriminator.', 'pgface.'), with the metadata.
import type { Module } from '../../core/nn/module.ts';
import { type CheckpointMeta, encodeCheckpoint, readModuleTensors } from '../../talking-head/checkpoint/checkpoint.ts';
import type { Float32Tensor } from '../../core/formats/safetensors.ts';

export interface CheckpointPart {
  readonly module: Module;
  readonly prefix: string;
}

export async function encodeModuleCheckpoint(meta: CheckpointMeta, parts: readonly CheckpointPart[]): Promise<Uint8Array> {
  const tensors = new Map<string, Float32Tensor>();
  for (const { module, prefix } of parts) await readModuleTensors(module, prefix, tensors);
  return encodeCheckpoint({ meta, tensors });
}
