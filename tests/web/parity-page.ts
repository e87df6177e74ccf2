// The browser half of the parity test: the shared task (parity-task.ts) on the page's WebGPU engine, called by
// the test through window.posedynParity. Bytes cross as base64, numbers as plain arrays.
import { createBrowserEngine } from '../../runtime-web/device.ts';
import { generateParity, parityPgFaceCheckpoint, trainParity } from './parity-task.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const toBase64 = (bytes: Uint8Array) => {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
};

const engine = await createBrowserEngine();
const api = {
  adapter: engine.info.adapter,
  async train() {
    const { losses, checkpoint } = await trainParity(engine);
    return { losses, checkpoint: toBase64(checkpoint) };
  },
  async pgface() {
    return toBase64(await parityPgFaceCheckpoint(engine));
  },
  async generate(posegan: string, pgface: string) {
    const r = await generateParity(engine, fromBase64(posegan), fromBase64(pgface));
    return { frames: r.frames, pose: Array.from(r.pose), face: Array.from(r.face) };
  },
};
(globalThis as unknown as { posedynParity: typeof api }).posedynParity = api;
