// `posedyn generate`: speech file in, DIR/result.json (fps, frames, identity, pose, face) and an OBJ of
// one frame out. Uses the project's pretrained checkpoints unless others are given: the PoseGAN and the PGFace
// personalised to the chosen identity when the project ships them (models/pretrained/personal/), else the
// ones pretrained on every identity (which have no identity input: the shared PoseGAN moves every person's
// head alike on speech it has never heard, and the shared PGFace infers whose face from the speech).
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudio } from '../../models/audio/decode.ts';
import { decodeCheckpoint } from '../../models/checkpoint/checkpoint.ts';
import { faceFrameObj } from '../../models/face/obj-export.ts';
import { type TalkingHeadResult, findIdentity, generateTalkingHead } from '../../models/inference/generate.ts';
import { loadPgFace, loadPoseGan } from '../../models/inference/load-models.ts';
import { createNodeEngine } from '../device.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { pathExists } from '../files/path-exists.ts';
import { readFileBytes } from '../files/read-file.ts';
import { loadFaceModelOption } from '../training/face-model-option.ts';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PRETRAINED = {
  posegan: join(repositoryRoot, 'models/pretrained/posegan.safetensors'),
  pgface: join(repositoryRoot, 'models/pretrained/pgface.safetensors'),
  /** Table 3's baseline (PGFace generating expression only), shipped for evaluation. */
  fixedIdentityFace: join(repositoryRoot, 'models/pretrained/pgface-fixed-identity.safetensors'),
  sampleSpeech: join(repositoryRoot, 'models/pretrained/sample-speech.wav'),
  /** PoseGAN, PGFace and the face baseline personalised to each identity (Sec. 5.1): <identity>/{posegan,pgface,fixed-identity}.safetensors */
  personalFace: join(repositoryRoot, 'models/pretrained/personal'),
};

/** Where personalised face networks lie (models/pretrained/personal/, or eval --personal-face): <folder>/<identity>/<variant>.safetensors. */
export function personalFacePath(folder: string, identity: string, variant: string): string {
  return join(folder, identity, `${variant}.safetensors`);
}

/** The shipped PGFace personalised to `identity` when there is one, else the pretrained PGFace. */
export async function defaultFaceCheckpoint(identity: string): Promise<string> {
  const personal = personalFacePath(PRETRAINED.personalFace, identity, 'pgface');
  return (await pathExists(personal)) ? personal : PRETRAINED.pgface;
}

/** The shipped PoseGAN personalised to `identity` when there is one, else the pretrained PoseGAN. */
export async function defaultPoseCheckpoint(identity: string): Promise<string> {
  const personal = personalFacePath(PRETRAINED.personalFace, identity, 'posegan');
  return (await pathExists(personal)) ? personal : PRETRAINED.posegan;
}

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
  readonly faceModel: string;
}

/** Rows of a flat [frames, width] array as nested arrays, rounded to float32 precision for a compact JSON. */
function rows(values: Float32Array, width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += width) out.push(Array.from(values.subarray(i, i + width), (v) => Number(v.toPrecision(7))));
  return out;
}

export async function runGenerate(options: GenerateCommandOptions): Promise<TalkingHeadResult> {
  const engine = await createNodeEngine();
  const samples = decodeAudio(await readFileBytes(options.audio), options.audio);
  // The identity is named in (or defaults to the first of) the given checkpoint, else the shared pretrained one.
  const named = options.checkpoint ?? PRETRAINED.posegan;
  const identity = findIdentity(decodeCheckpoint(await readFileBytes(named), named).meta.identities, options.identity, named).name;
  const poseCheckpoint = options.checkpoint ?? (await defaultPoseCheckpoint(identity));
  console.log(`PoseGAN: ${poseCheckpoint}`);
  const posegan = loadPoseGan(engine, await readFileBytes(poseCheckpoint), poseCheckpoint);
  const faceCheckpoint = options.faceCheckpoint ?? (await defaultFaceCheckpoint(identity));
  console.log(`PGFace: ${faceCheckpoint}`);
  const pgface = loadPgFace(engine, await readFileBytes(faceCheckpoint), faceCheckpoint);
  const started = performance.now();
  const result = await generateTalkingHead(engine, posegan, pgface, samples, {
    identity, motionScale: options.motionScale, smoothSigma: options.smooth,
  });
  const seconds = (performance.now() - started) / 1000;
  await mkdir(options.out, { recursive: true });
  const resultPath = join(options.out, 'result.json');
  await writeFileAtomic(resultPath, JSON.stringify({
    fps: result.fps,
    frames: result.frames,
    identity: result.identity,
    audio: options.audio,
    poseChannels: ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz'],
    poseUnits: { angles: 'radians', translation: String(posegan.checkpoint.meta.training.poseUnit ?? 'unknown') },
    pose: rows(result.pose, 6),
    face: rows(result.face, 144),
  }));
  if (result.frames > 0) {
    const faceModel = await loadFaceModelOption(options.faceModel);
    const frame = Math.floor(result.frames / 2);
    const objPath = join(options.out, `frame-${frame}.obj`);
    await writeFileAtomic(objPath, faceFrameObj(faceModel, result.face.subarray(frame * 144, (frame + 1) * 144), result.pose.subarray(frame * 6, (frame + 1) * 6), `posedyn: frame ${frame} of ${options.audio}`));
    console.log(`wrote ${objPath}`);
  }
  const duration = samples.length / 16000;
  console.log(`generated ${result.frames} frames (${duration.toFixed(2)} s of audio) for identity '${result.identity}' in ${seconds.toFixed(2)} s (real-time factor ${(seconds / Math.max(duration, 1e-9)).toFixed(3)})`);
  console.log(`wrote ${resultPath}`);
  return result;
}
