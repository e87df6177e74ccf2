// The checkpoints and speech sample that ship with posedyn (talking-head/pretrained/, also in the installed
// package), as file paths, and the choice of PoseGAN and face network `posedyn generate` makes by default.
import { join } from 'node:path';
import { packageRoot } from './package-root.ts';
import { pathExists } from './path-exists.ts';

const folder = join(packageRoot(), 'talking-head/pretrained');

export const PRETRAINED = {
  posegan: join(folder, 'posegan.safetensors'),
  /** The paper's CNN baseline (PoseGAN's generator trained with L_L2 only), trained as posegan.safetensors was: shipped for evaluation. */
  cnn: join(folder, 'cnn.safetensors'),
  pgface: join(folder, 'pgface.safetensors'),
  /** Table 3's baseline (PGFace generating expression only), shipped for evaluation. */
  fixedIdentityFace: join(folder, 'pgface-fixed-identity.safetensors'),
  sampleSpeech: join(folder, 'sample-speech.wav'),
  /** PoseGAN, PGFace and the face baseline personalised to each identity (Sec. 5.1): <identity>/{posegan,pgface,fixed-identity}.safetensors */
  personalFace: join(folder, 'personal'),
};

/** Where personalised face networks lie (talking-head/pretrained/personal/, or eval --personal-face): <folder>/<identity>/<variant>.safetensors. */
export function personalFacePath(personalFolder: string, identity: string, variant: string): string {
  return join(personalFolder, identity, `${variant}.safetensors`);
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
