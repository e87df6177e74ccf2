// Writes a talking head's GLB (talking-head/export/gltf-export.ts) atomically, for `posedyn export`,
// `posedyn generate --glb` and the demo.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { FaceModel } from '../../talking-head/face/face-model.ts';
import { headFrames } from '../../talking-head/export/head-frames.ts';
import { talkingHeadGlb } from '../../talking-head/export/gltf-export.ts';
import { buildHeadMesh } from '../../talking-head/render/mesh/head-mesh.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

export interface GlbMotion {
  readonly fps: number;
  readonly pose: Float32Array;
  readonly translationUnit: string;
  readonly rest: readonly number[];
  readonly face: Float32Array;
}

export async function writeTalkingHeadGlb(path: string, faceModel: FaceModel, motion: GlbMotion, name: string, source: string): Promise<void> {
  const mesh = buildHeadMesh(faceModel);
  const frames = headFrames(motion, faceModel);
  const bytes = await talkingHeadGlb({ mesh, face: motion.face, frames, name, source });
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFileAtomic(path, bytes);
  console.log(`wrote ${path} (glTF 2.0: ${mesh.parts.body.first} vertices, ${frames.frames} frames at ${frames.fps} fps, 64 morph targets)`);
}
