// `posedyn generate`: speech file in, DIR/result.json (fps, frames, identity, pose, face, and per frame the head
// rotation and translation in glTF's frame and the mouth opening: docs/output-format.md) and an OBJ of one frame
// out; with --video an MP4 of the talking head with the speech, with --glb a GLB. Uses the project's pretrained
// checkpoints unless others are given: PoseGAN, and the PGFace personalised to the chosen identity when the
// project ships one (talking-head/pretrained/personal/), else the PGFace pretrained on every identity (which has
// no identity input and infers whose face from the speech).
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudio } from '../../talking-head/audio/decode.ts';
import { faceFrameObj } from '../../talking-head/face/obj-export.ts';
import { headFrames } from '../../talking-head/export/head-frames.ts';
import { frameDataFields, jsonRows } from '../../talking-head/export/result-fields.ts';
import { checkpointTranslationUnit } from '../../talking-head/render/head-placement.ts';
import { type TalkingHeadResult, findIdentity, generateTalkingHead } from '../../talking-head/inference/generate.ts';
import { loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { createNodeEngine } from '../device.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { pathExists } from '../files/path-exists.ts';
import { readFileBytes } from '../files/read-file.ts';
import { loadFaceModelOption } from '../training/face-model-option.ts';
import { writeTalkingHeadGlb } from '../export/glb-output.ts';
import { type VideoRequest, writeTalkingHeadVideo } from '../video/video-output.ts';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PRETRAINED = {
  posegan: join(repositoryRoot, 'talking-head/pretrained/posegan.safetensors'),
  pgface: join(repositoryRoot, 'talking-head/pretrained/pgface.safetensors'),
  /** Table 3's baseline (PGFace generating expression only), shipped for evaluation. */
  fixedIdentityFace: join(repositoryRoot, 'talking-head/pretrained/pgface-fixed-identity.safetensors'),
  sampleSpeech: join(repositoryRoot, 'talking-head/pretrained/sample-speech.wav'),
  /** PGFace and the baseline personalised to each identity (Sec. 5.1): <identity>/{pgface,fixed-identity}.safetensors */
  personalFace: join(repositoryRoot, 'talking-head/pretrained/personal'),
};

/** Where personalised face networks lie (talking-head/pretrained/personal/, or eval --personal-face): <folder>/<identity>/<variant>.safetensors. */
export function personalFacePath(folder: string, identity: string, variant: string): string {
  return join(folder, identity, `${variant}.safetensors`);
}

/** The shipped PGFace personalised to `identity` when there is one, else the pretrained PGFace. */
export async function defaultFaceCheckpoint(identity: string): Promise<string> {
  const personal = personalFacePath(PRETRAINED.personalFace, identity, 'pgface');
  return (await pathExists(personal)) ? personal : PRETRAINED.pgface;
}

export interface GenerateCommandOptions {
  readonly audio: string;
  readonly out: string;
  readonly checkpoint: string;
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
  const engine = await createNodeEngine();
  const samples = decodeAudio(await readFileBytes(options.audio), options.audio);
  const posegan = loadPoseGan(engine, await readFileBytes(options.checkpoint), options.checkpoint);
  const identity = findIdentity(posegan.checkpoint.meta, options.identity, options.checkpoint).name;
  const faceCheckpoint = options.faceCheckpoint ?? (await defaultFaceCheckpoint(identity));
  console.log(`PGFace: ${faceCheckpoint}`);
  const pgface = loadPgFace(engine, await readFileBytes(faceCheckpoint), faceCheckpoint);
  const started = performance.now();
  const result = await generateTalkingHead(engine, posegan, pgface, samples, {
    identity: options.identity, motionScale: options.motionScale, smoothSigma: options.smooth,
  });
  const seconds = (performance.now() - started) / 1000;
  await mkdir(options.out, { recursive: true });
  const resultPath = join(options.out, 'result.json');
  const rest = findIdentity(posegan.checkpoint.meta, result.identity, options.checkpoint).meanPose;
  const translationUnit = checkpointTranslationUnit(posegan.checkpoint.meta.training, rest);
  const faceModel = await loadFaceModelOption(options.faceModel);
  const motion = { fps: result.fps, pose: result.pose, translationUnit, rest, face: result.face };
  await writeFileAtomic(resultPath, JSON.stringify({
    fps: result.fps,
    frames: result.frames,
    identity: result.identity,
    audio: options.audio,
    poseChannels: ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz'],
    poseUnits: { angles: 'radians', translation: translationUnit },
    restPose: rest,
    faceModel: faceModel.name,
    pose: jsonRows(result.pose, 6),
    face: jsonRows(result.face, 144),
    ...frameDataFields(headFrames(motion, faceModel)),
  }));
  if (result.frames > 0) {
    const frame = Math.floor(result.frames / 2);
    const objPath = join(options.out, `frame-${frame}.obj`);
    await writeFileAtomic(objPath, faceFrameObj(faceModel, result.face.subarray(frame * 144, (frame + 1) * 144), result.pose.subarray(frame * 6, (frame + 1) * 6), `posedyn: frame ${frame} of ${options.audio}`));
    console.log(`wrote ${objPath}`);
  }
  const duration = samples.length / 16000;
  console.log(`generated ${result.frames} frames (${duration.toFixed(2)} s of audio) for identity '${result.identity}' in ${seconds.toFixed(2)} s (real-time factor ${(seconds / Math.max(duration, 1e-9)).toFixed(3)})`);
  console.log(`wrote ${resultPath}`);
  if (options.video && result.frames > 0) {
    await writeTalkingHeadVideo(engine, { label: `generated (${result.identity})`, ...motion }, options.audio, { ...options.video, faceModel });
  }
  if (options.glb && result.frames > 0) {
    await writeTalkingHeadGlb(options.glb, faceModel, motion, result.identity, `posedyn generate --audio ${options.audio}`);
  }
  return result;
}
