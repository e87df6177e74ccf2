// `posedyn render --from result.json|track.json|coefficients.mat --video out.mp4`: the talking head of a file, as a
// video with its speech (the file's, the .wav beside it, or --audio), optionally beside another (--compare).
import { basename } from 'node:path';
import { REPRODUCIBLE_KERNELS, createNodeEngine } from '../device.ts';
import { loadFaceModelOption } from '../training/face-model-option.ts';
import { type VideoRequest, headFromMotion, readMotionFile, speechFor, writeTalkingHeadVideo } from './video-output.ts';

export interface RenderCommandOptions extends Omit<VideoRequest, 'faceModel'> {
  readonly from: string;
  readonly audio?: string;
  readonly faceModel: string;
}

export async function runRender(options: RenderCommandOptions): Promise<void> {
  const motion = await readMotionFile(options.from);
  const audio = speechFor(motion, options.from, options.audio);
  const faceModel = await loadFaceModelOption(options.faceModel);
  const engine = await createNodeEngine(REPRODUCIBLE_KERNELS);
  const label = motion.kind === 'result' ? `generated (${motion.identity ?? basename(options.from)})` : basename(options.from);
  await writeTalkingHeadVideo(engine, headFromMotion(motion, label), audio, { ...options, faceModel });
}
