// What the page starts with: the server's pretrained checkpoints (talking-head/pretrained/, served by `posedyn serve`)
// when it has them, else a seeded untrained pair made here; and the built-in speech sample. With the pretrained
// pair, the face network follows the chosen identity: the PGFace personalised to that person when the server
// has one (talking-head/pretrained/personal/<identity>/pgface.safetensors), as `posedyn generate` does.
import type { Engine } from '../../core/engine.ts';
import { untrainedCheckpointPair } from '../../talking-head/checkpoint/untrained-checkpoints.ts';
import type { PageFile } from './file-drop.ts';

export const PRETRAINED_URLS = { posegan: 'pretrained/posegan.safetensors', pgface: 'pretrained/pgface.safetensors' } as const;
export const SAMPLE_URL = 'assets/sample.wav';

/** The file's bytes, or null when the server does not have it (404). */
async function fetchFile(url: string): Promise<PageFile | null> {
  const response = await fetch(url);
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText} for ${url}`);
  return { name: url.split('/').pop()!, bytes: new Uint8Array(await response.arrayBuffer()) };
}

export async function defaultCheckpoints(engine: Engine): Promise<{ posegan: PageFile; pgface: PageFile; pretrained: boolean }> {
  const [posegan, pgface] = await Promise.all([fetchFile(PRETRAINED_URLS.posegan), fetchFile(PRETRAINED_URLS.pgface)]);
  if (posegan && pgface) return { posegan, pgface, pretrained: true };
  const pair = await untrainedCheckpointPair(engine);
  return {
    posegan: { name: 'untrained-posegan.safetensors', bytes: pair.posegan },
    pgface: { name: 'untrained-pgface.safetensors', bytes: pair.pgface },
    pretrained: false,
  };
}

/** The server's PGFace personalised to `identity`, or null when it has none. */
export function personalFace(identity: string): Promise<PageFile | null> {
  return fetchFile(`pretrained/personal/${encodeURIComponent(identity)}/pgface.safetensors`)
    .then((file) => file && { ...file, name: `personal/${identity}/pgface.safetensors` });
}

export async function sampleSpeech(): Promise<PageFile> {
  const file = await fetchFile(SAMPLE_URL);
  if (!file) throw new Error(`the built-in speech sample ${SAMPLE_URL} is missing on the server (run npm run build:web)`);
  return file;
}
