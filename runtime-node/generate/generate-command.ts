// `posedyn generate`: speech file in, DIR/result.json (fps, frames, identity, pose, face, and per frame the head
// rotation and translation in glTF's frame and the mouth opening: docs/output-format.md) and an OBJ of one frame
// out; with --video an MP4 of the talking head with the speech, with --glb a GLB. Uses the project's pretrained
// checkpoints unless others are given: the PoseGAN and the PGFace personalised to the chosen identity when the
// project ships them (talking-head/pretrained/personal/), else the ones pretrained on every identity (which have
// no identity input: the shared PoseGAN moves every person's head alike on speech it has never heard, and the
// shared PGFace infers whose face from the speech).
import { rm } from 'node:fs/promises';
import { decodeAudio } from '../../talking-head/audio/decode.ts';
import { decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { POSE_CHANNEL_NAMES } from '../../talking-head/pose/pose-convention.ts';
import { faceFrameObj } from '../../talking-head/face/obj-export.ts';
import { headFrames } from '../../talking-head/export/head-frames.ts';
import { frameDataFields, jsonRows } from '../../talking-head/export/result-fields.ts';
import { checkpointTranslationUnit } from '../../talking-head/render/head-placement.ts';
import { type TalkingHeadResult, findIdentity, generateTalkingHead } from '../../talking-head/inference/generate.ts';
import { loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { REPRODUCIBLE_KERNELS, createNodeEngine } from '../device.ts';
import { stderrLog } from '../cli/stderr-log.ts';
import { checkOutputFile, checkOutputFolder, writeOutputFiles } from '../files/output-folder.ts';
import { pathExists } from '../files/path-exists.ts';
import { PRETRAINED, defaultFaceCheckpoint, defaultPoseCheckpoint } from '../files/pretrained.ts';
import { readFileBytes } from '../files/read-file.ts';
import { loadFaceModelOption } from '../training/face-model-option.ts';
import { writeTalkingHeadGlb } from '../export/glb-output.ts';
import { type VideoRequest, writeTalkingHeadVideo } from '../video/video-output.ts';

export interface GenerateCommandOptions {
  readonly audio: string;
  readonly out: string;
  /** default: defaultPoseCheckpoint(the identity) */
  readonly checkpoint?: string;
  /** default: defaultFaceCheckpoint(the identity) */
  readonly faceCheckpoint?: string;
  readonly identity?: string;
  readonly motionScale: number;
  readonly smooth: number;
  /** 'default', 'procedural' or a BFM path: the OBJ, mouthOpening, the video and the GLB use it */
  readonly faceModel: string;
  /** an MP4 of the talking head with the speech */
  readonly video?: Omit<VideoRequest, 'faceModel'>;
  /** a GLB of the head and its animation */
  readonly glb?: string;
}

export async function runGenerate(options: GenerateCommandOptions): Promise<TalkingHeadResult> {
  // Everything that can be wrong with the inputs or the output folder is found before the GPU works.
  await checkOutputFolder(options.out, '--out');
  if (options.video) await checkOutputFile(options.video.video, '--video');
  if (options.glb) await checkOutputFile(options.glb, '--glb');
  const samples = decodeAudio(await readFileBytes(options.audio), options.audio);
  const faceModel = await loadFaceModelOption(options.faceModel);
  // The identity is named in (or defaults from) the given checkpoint, else the shared pretrained one.
  const named = options.checkpoint ?? PRETRAINED.posegan;
  const identity = findIdentity(decodeCheckpoint(await readFileBytes(named), named).meta, options.identity, named).name;
  const poseCheckpoint = options.checkpoint ?? (await defaultPoseCheckpoint(identity));
  console.log(`PoseGAN: ${poseCheckpoint}`);
  const engine = await createNodeEngine({ log: stderrLog, ...REPRODUCIBLE_KERNELS });
  const posegan = loadPoseGan(engine, await readFileBytes(poseCheckpoint), poseCheckpoint);
  const faceCheckpoint = options.faceCheckpoint ?? (await defaultFaceCheckpoint(identity));
  console.log(`PGFace: ${faceCheckpoint}`);
  const pgface = loadPgFace(engine, await readFileBytes(faceCheckpoint), faceCheckpoint);
  const started = performance.now();
  const result = await generateTalkingHead(engine, posegan, pgface, samples, {
    identity, motionScale: options.motionScale, smoothSigma: options.smooth,
    names: { audio: options.audio, posegan: poseCheckpoint, pgface: faceCheckpoint },
  });
  const seconds = (performance.now() - started) / 1000;
  const rest = findIdentity(posegan.checkpoint.meta, result.identity, poseCheckpoint).meanPose;
  const translationUnit = checkpointTranslationUnit(posegan.checkpoint.meta.training, rest);
  const motion = { fps: result.fps, pose: result.pose, translationUnit, rest, face: result.face };
  const frame = Math.floor(result.frames / 2);
  const duration = samples.length / 16000;
  console.log(`generated ${result.frames} frames (${duration.toFixed(2)} s of audio) for identity '${result.identity}' in ${seconds.toFixed(2)} s (real-time factor ${(seconds / Math.max(duration, 1e-9)).toFixed(3)})`);
  // The video and the GLB first (the parts that can still fail), the result files last; a failure removes the
  // files this command made, so it leaves nothing behind.
  const made: string[] = [];
  try {
    for (const path of [options.video?.video, options.glb]) if (path !== undefined && !(await pathExists(path))) made.push(path);
    if (options.video) await writeTalkingHeadVideo(engine, { label: `generated (${result.identity})`, ...motion }, options.audio, { ...options.video, faceModel });
    if (options.glb) await writeTalkingHeadGlb(options.glb, faceModel, motion, result.identity, `posedyn generate --audio ${options.audio}`);
    const written = await writeOutputFiles(options.out, [
      {
        name: `frame-${frame}.obj`,
        content: faceFrameObj(faceModel, result.face.subarray(frame * 144, (frame + 1) * 144), result.pose.subarray(frame * 6, (frame + 1) * 6), `posedyn: frame ${frame} of ${options.audio}`),
      },
      {
        name: 'result.json',
        content: JSON.stringify({
          fps: result.fps,
          frames: result.frames,
          identity: result.identity,
          audio: options.audio,
          poseChannels: POSE_CHANNEL_NAMES,
          poseUnits: { angles: 'radians', translation: translationUnit },
          restPose: rest,
          faceModel: faceModel.name,
          pose: jsonRows(result.pose, 6),
          face: jsonRows(result.face, 144),
          ...frameDataFields(headFrames(motion, faceModel)),
        }),
      },
    ]);
    for (const path of written) console.log(`wrote ${path}`);
  } catch (error) {
    for (const path of made) await rm(path, { force: true });
    throw error;
  }
  return result;
}
