// `posedyn export --from result.json|track.json|coefficients.mat --glb out.glb [--identity NAME]`: the head and its
// motion as a GLB for game engines (talking-head/export/gltf-export.ts). The translation is drawn relative to a
// rest pose: the file's own (result.json), or with --identity that person's rest pose from the PoseGAN
// checkpoint (the pose generation starts from), else the mean pose of the file's frames.
import { basename, extname } from 'node:path';
import { findIdentity } from '../../talking-head/inference/generate.ts';
import { decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { readFileBytes } from '../files/read-file.ts';
import { loadFaceModelOption } from '../training/face-model-option.ts';
import { headFromMotion, readMotionFile } from '../video/video-output.ts';
import { writeTalkingHeadGlb } from './glb-output.ts';

export interface ExportCommandOptions {
  readonly from: string;
  readonly glb: string;
  readonly identity?: string;
  /** PoseGAN checkpoint holding the identities' rest poses (for --identity) */
  readonly checkpoint: string;
  readonly faceModel: string;
}

export async function runExport(options: ExportCommandOptions): Promise<void> {
  const motion = await readMotionFile(options.from);
  let rest = headFromMotion(motion, '').rest;
  if (options.identity !== undefined) {
    const meta = decodeCheckpoint(await readFileBytes(options.checkpoint), options.checkpoint).meta;
    rest = findIdentity(meta, options.identity, options.checkpoint).meanPose;
  }
  const name = options.identity ?? motion.identity ?? basename(options.from, extname(options.from));
  const faceModel = await loadFaceModelOption(options.faceModel);
  await writeTalkingHeadGlb(options.glb, faceModel, { ...motion, rest }, name, `posedyn export --from ${basename(options.from)}`);
}
