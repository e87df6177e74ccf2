// The demo page in Chromium (WebGPU; SwiftShader when headless), served like `posedyn serve` serves it: it starts,
// generates for the built-in speech sample and draws the head; the head moves with the audio time and the mouse;
// a bad file is reported in plain words and the page keeps working; clips dropped on the personalise panel
// fine-tune PoseGAN in the page. Screenshots go to tests/output/web/.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import validator from 'gltf-validator';
import type { Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildWeb } from '../../runtime-web/build.mjs';
import { demoMounts } from '../../runtime-node/serve/serve-command.ts';
import { startServer } from '../../runtime-node/serve/server.ts';
import { headFrames } from '../../talking-head/export/head-frames.ts';
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import { deep3dMat, speechLikeWav } from '../data/synthetic-clips.ts';
import { OUTPUT, SKIP_MESSAGE, hasChromium, launchBrowser } from './browser.ts';
import { type Image, decodePng } from './png.ts';

/** Reads <body data-*>, the page's state for tests (runtime-web/demo/main.ts). */
function pageState(page: Page): Promise<Record<string, string | undefined>> {
  return page.evaluate(() => ({ ...document.body.dataset, error: document.getElementById('error-text')!.textContent ?? '' }));
}

async function waitForGeneration(page: Page, generation: number, timeout = 150_000): Promise<void> {
  await page.waitForFunction(
    (n) => document.body.dataset.state === 'ready' && Number(document.body.dataset.generation ?? 0) >= n,
    { timeout }, generation,
  );
}

/** Moves the time slider to `seconds` (as a user would) and waits until that frame was drawn. */
async function seek(page: Page, seconds: number): Promise<void> {
  await page.evaluate((s) => {
    const time = document.getElementById('time') as HTMLInputElement;
    time.value = String(s);
    time.dispatchEvent(new Event('input', { bubbles: true }));
  }, seconds);
  const generation = (await pageState(page)).generation;
  await page.waitForFunction((expected) => document.body.dataset.drawn === expected, {}, `${generation}:${Math.floor(seconds * 30)}`);
}

async function headShot(page: Page, name: string): Promise<Image> {
  const bytes = await (await page.$('#head'))!.screenshot({ type: 'png' });
  writeFileSync(join(OUTPUT, name), bytes);
  return decodePng(bytes);
}

/** Drops files on a drop zone the way a browser delivers a drag-and-drop (a DataTransfer in a drop event). */
async function dropFiles(page: Page, zone: string, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  const encoded = files.map((f) => ({ name: f.name, base64: Buffer.from(f.bytes).toString('base64') }));
  await page.evaluate((selector, list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
    document.querySelector(selector)!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, zone, encoded);
}

/** Pixels unlike the background (taken at (8, 8), inside the canvas's rounded corner), as a mask. */
function foreground(image: Image): Uint8Array {
  const p = image.pixels;
  const bg = 4 * (8 * image.width + 8);
  const mask = new Uint8Array(image.width * image.height);
  for (let i = 0; i < mask.length; i++) {
    const d = Math.abs(p[4 * i]! - p[bg]!) + Math.abs(p[4 * i + 1]! - p[bg + 1]!) + Math.abs(p[4 * i + 2]! - p[bg + 2]!);
    mask[i] = d > 24 ? 1 : 0;
  }
  return mask;
}

/** Fraction of the pixels in `mask` whose colour differs by more than 24 (sum over RGB) between a and b. */
function changedWithin(a: Image, b: Image, mask: Uint8Array): number {
  let inside = 0;
  let changed = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    inside++;
    const d = Math.abs(a.pixels[4 * i]! - b.pixels[4 * i]!) + Math.abs(a.pixels[4 * i + 1]! - b.pixels[4 * i + 1]!) + Math.abs(a.pixels[4 * i + 2]! - b.pixels[4 * i + 2]!);
    if (d > 24) changed++;
  }
  return inside ? changed / inside : 0;
}

const sum = (mask: Uint8Array) => mask.reduce((s, v) => s + v, 0);
const union = (a: Uint8Array, b: Uint8Array) => a.map((v, i) => v | b[i]!);

if (!hasChromium) {
  test.skip(SKIP_MESSAGE, () => undefined);
} else {
  const dist = join(OUTPUT, 'dist');
  await buildWeb({ outdir: dist, log: () => undefined });
  const server = await startServer(demoMounts(dist));
  const chromium = await launchBrowser();
  const page = await chromium.open(server.url);
  await page.setViewport({ width: 1200, height: 1000 });

  test('the demo page starts, generates for the built-in speech sample and draws a head (screenshot not blank)', async () => {
    await waitForGeneration(page, 1).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; page state ${JSON.stringify(await pageState(page))}; ${chromium.log.join('\n')}`);
    });
    const state = await pageState(page);
    assert.is(state.errors, undefined, `the page reported an error: ${state.error}`);
    assert.ok(Number(state.frames) > 200, `${state.frames} frames for 7.4 s of speech at 30 fps`);
    await seek(page, 0);
    const shot = await headShot(page, 'demo-head-start.png');
    await page.screenshot({ path: join(OUTPUT, 'demo-page.png') });
    const covered = sum(foreground(shot)) / (shot.width * shot.height);
    assert.ok(covered > 0.1 && covered < 0.9, `the head covers ${(100 * covered).toFixed(1)}% of the canvas, expected 10-90%`);
    const colours = new Set<number>();
    for (let i = 0; i < shot.pixels.length; i += 4) colours.add((shot.pixels[i]! << 16) | (shot.pixels[i + 1]! << 8) | shot.pixels[i + 2]!);
    assert.ok(colours.size > 50, `${colours.size} distinct colours: a shaded head has many`);
  });

  test('with the server\'s pretrained models the face network follows the identity: its personalised PGFace', async () => {
    const summary = () => page.$eval('#inputs-summary', (e) => e.textContent ?? '');
    const first = await page.$eval('#identity', (e) => (e as HTMLSelectElement).value);
    assert.match(await summary(), `PGFace: personal/${first}/pgface.safetensors`);
    const before = await pageState(page);
    await page.select('#identity', 'Obama');
    await waitForGeneration(page, Number(before.generation) + 1);
    assert.match(await summary(), 'PGFace: personal/Obama/pgface.safetensors');
    assert.is((await pageState(page)).errors, before.errors, 'no error');
  });

  test('two moments of the speech draw the head differently (screenshots at 1 s and 5 s differ where the head is)', async () => {
    await seek(page, 1);
    const early = await headShot(page, 'demo-head-1s.png');
    await seek(page, 5);
    const late = await headShot(page, 'demo-head-5s.png');
    const changed = changedWithin(early, late, union(foreground(early), foreground(late)));
    assert.ok(changed > 0.02, `${(100 * changed).toFixed(2)}% of the head's pixels changed between 1 s and 5 s`);
  });

  test('Play advances the head with the audio clock, Pause stops it', async () => {
    await seek(page, 0);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.body.dataset.drawn!.split(':')[1]) >= 15, { timeout: 20_000 });
    assert.is(await page.$eval('#play', (e) => e.textContent), 'Pause');
    await page.click('#play');
    // A frame already being drawn when Pause is clicked may still land (on a loaded software adapter a frame
    // takes hundreds of ms): wait until nothing lands for 500 ms, then nothing more may be drawn.
    let stopped = (await pageState(page)).drawn;
    for (let waited = 0; waited < 10_000; waited += 500) {
      await new Promise((done) => setTimeout(done, 500));
      const now = (await pageState(page)).drawn;
      if (now === stopped) break;
      stopped = now;
    }
    await new Promise((done) => setTimeout(done, 1000));
    assert.is((await pageState(page)).drawn, stopped, 'no new frame while paused');
    assert.is(await page.$eval('#play', (e) => e.textContent), 'Play');
  });

  test('dragging on the head orbits the camera', async () => {
    const before = await headShot(page, 'demo-orbit-before.png');
    const draws = Number((await pageState(page)).draws);
    const box = (await (await page.$('#head'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 20, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction((n) => Number(document.body.dataset.draws) > n && document.body.dataset.state === 'ready', {}, draws);
    await new Promise((done) => setTimeout(done, 500));
    const after = await headShot(page, 'demo-orbit-after.png');
    const changed = changedWithin(before, after, union(foreground(before), foreground(after)));
    assert.ok(changed > 0.1, `${(100 * changed).toFixed(2)}% of the head's pixels changed after orbiting`);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { clickCount: 2 });
  });

  test('a bad file dropped on the page is reported in plain words, and the page keeps working', async () => {
    const errors = Number((await pageState(page)).errors ?? 0);
    await dropFiles(page, '#inputs-drop', [{ name: 'speech.wav', bytes: new TextEncoder().encode('this is not audio at all') }]);
    await page.waitForFunction((n) => Number(document.body.dataset.errors ?? 0) > n && document.body.dataset.state === 'ready', {}, errors);
    const wav = await pageState(page);
    assert.match(wav.error!, /Loading speech\.wav failed: the file could not be read\. speech\.wav: is not a recognised audio file/);
    await dropFiles(page, '#inputs-drop', [{ name: 'posegan.safetensors', bytes: new Uint8Array(64).fill(7) }]);
    await page.waitForFunction((n) => Number(document.body.dataset.errors ?? 0) > n + 1 && document.body.dataset.state === 'ready', {}, errors);
    const checkpoint = await pageState(page);
    assert.match(checkpoint.error!, /Loading posegan\.safetensors failed: .*posegan\.safetensors/);
    await page.screenshot({ path: join(OUTPUT, 'demo-error.png') });
    assert.ok(await page.$eval('#error', (e) => !(e as HTMLElement).hidden), 'the error box is shown');

    const generation = Number(checkpoint.generation);
    await page.click('#generate');
    await waitForGeneration(page, generation + 1);
    const after = await pageState(page);
    assert.is(Number(after.errors), errors + 2, `no new error after the bad files: ${after.error}`);
    await seek(page, 2);
    const shot = await headShot(page, 'demo-head-after-error.png');
    assert.ok(sum(foreground(shot)) > 0.1 * shot.width * shot.height, 'the head is still drawn');
  });

  test('clips dropped on the personalise panel fine-tune PoseGAN in the page; the new checkpoint is offered and used', async () => {
    const before = await pageState(page);
    const generation = Number(before.generation);
    await dropFiles(page, '#clips-drop', [
      { name: 'alice_clip1.wav', bytes: speechLikeWav(300, 16000, 3) },
      { name: 'alice_clip1.mat', bytes: deep3dMat(300, 3) },
    ]);
    await page.waitForFunction(() => !(document.getElementById('fine-tune') as HTMLButtonElement).disabled);
    await page.$eval('#fine-tune-steps', (e) => ((e as HTMLInputElement).value = '3'));
    await page.click('#fine-tune');
    await waitForGeneration(page, generation + 1, 170_000);
    const state = await pageState(page);
    assert.is(state.errors, before.errors, `fine-tuning reported: ${state.error}`);
    assert.ok(await page.$eval('#download', (e) => !(e as HTMLElement).hidden), 'the download link is shown');
    assert.is(await page.$eval('#fine-tune-progress', (e) => (e as HTMLProgressElement).value), 1);
    assert.is(await page.$eval('#identity', (e) => (e as HTMLSelectElement).value), 'alice', 'the person\'s identity is first, and used');
    await page.screenshot({ path: join(OUTPUT, 'demo-personalised.png') });
  });

  /** The file behind the page's download link (a blob: URL), as bytes. */
  async function downloaded(): Promise<Uint8Array> {
    const base64 = await page.$eval('#download-link', async (a) => {
      const bytes = new Uint8Array(await (await fetch((a as HTMLAnchorElement).href)).arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    });
    return new Uint8Array(Buffer.from(base64, 'base64'));
  }

  function probe(file: string): { streams: { codec_type: string; codec_name: string; duration?: string }[]; format: { duration: string } } {
    const run = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,duration:format=duration', '-of', 'json', file], { encoding: 'utf8' });
    assert.is(run.status, 0, `ffprobe ${file}: ${run.stderr}`);
    return JSON.parse(run.stdout);
  }

  test('a page script gets each frame as data on the audio clock during playback (onHeadFrame), the values of result.json', async () => {
    await seek(page, 0);
    await page.evaluate(() => {
      const w = window as unknown as { received: unknown[]; stopFrames: () => void; posedynDemo: { onHeadFrame(cb: (f: unknown) => void): () => void } };
      w.received = [];
      w.stopFrames = w.posedynDemo.onHeadFrame((f) => w.received.push({ ...(f as object), expression: Array.from((f as { expression: Float32Array }).expression) }));
    });
    await page.click('#play');
    await page.waitForFunction(() => (window as unknown as { received: unknown[] }).received.length >= 12, { timeout: 30_000 });
    await page.click('#play');
    type Frame = { frame: number; time: number; rotation: number[]; translation: number[]; mouthOpening: number; expression: number[] };
    const { received, current } = await page.evaluate(() => {
      const w = window as unknown as { received: unknown[]; stopFrames: () => void; posedynDemo: { current(): { result: { pose: Float32Array; face: Float32Array; fps: number }; rest: number[] } } };
      w.stopFrames();
      const c = w.posedynDemo.current();
      return { received: w.received, current: { pose: Array.from(c.result.pose), face: Array.from(c.result.face), fps: c.result.fps, rest: c.rest } };
    }) as { received: Frame[]; current: { pose: number[]; face: number[]; fps: number; rest: number[] } };
    const expected = headFrames({ fps: current.fps, pose: current.pose, translationUnit: 'bfm', rest: current.rest, face: current.face }, defaultFaceModel());
    let previous = -1;
    for (const f of received) {
      assert.ok(f.frame > previous, `frames delivered in order: ${f.frame} after ${previous}`);
      previous = f.frame;
      assert.is(f.frame, Math.min(expected.frames - 1, Math.floor(f.time * current.fps)), 'the frame is the audio clock\'s');
      for (let k = 0; k < 4; k++) assert.ok(Math.abs(f.rotation[k]! - expected.rotation[4 * f.frame + k]!) < 1e-6, `frame ${f.frame} rotation`);
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(f.translation[k]! - expected.translation[3 * f.frame + k]!) < 1e-6, `frame ${f.frame} translation`);
      assert.ok(Math.abs(f.mouthOpening - expected.mouthOpening![f.frame]!) < 1e-5, `frame ${f.frame} mouth opening`);
      assert.ok(Math.abs(f.expression[0]! - current.face[f.frame * 144 + 80]!) < 1e-6, `frame ${f.frame} alpha_exp[0]`);
    }
    assert.ok(received[received.length - 1]!.frame >= 10, `played to frame ${previous}`);
  });

  test('Download GLB gives a glTF that passes the Khronos validator', async () => {
    await page.click('#download-glb');
    await page.waitForFunction(() => document.body.dataset.glb !== undefined && document.body.dataset.state === 'ready', { timeout: 60_000 });
    const glb = await downloaded();
    const report = await validator.validateBytes(glb);
    assert.is(report.issues.numErrors, 0, JSON.stringify(report.issues.messages));
    assert.ok(report.info.hasMorphTargets && report.info.animationCount === 1);
  });

  test('Download video (WebCodecs + mediabunny): H.264 with the speech, as long as the speech to within a frame', async () => {
    // a 2 s speech, so the video is quick to make
    const before = await pageState(page);
    const generation = Number(before.generation);
    await dropFiles(page, '#inputs-drop', [{ name: 'short.wav', bytes: speechLikeWav(60, 16000, 4) }]);
    await waitForGeneration(page, generation + 1);
    await page.click('#download-video');
    await page.waitForFunction(() => document.body.dataset.video !== undefined && document.body.dataset.state === 'ready', { timeout: 150_000 });
    const state = await pageState(page);
    assert.is(state.errors, before.errors, `the page reported: ${state.error}`);
    assert.match(state.video!, /^WebCodecs avc \+ (aac|opus)\|/);
    const file = join(OUTPUT, 'demo-video.mp4');
    writeFileSync(file, await downloaded());
    const p = probe(file);
    assert.equal(p.streams.map((s) => s.codec_type).sort(), ['audio', 'video']);
    assert.is(p.streams.find((s) => s.codec_type === 'video')!.codec_name, 'h264');
    for (const s of p.streams) assert.ok(Math.abs(Number(s.duration) - 2) <= 1 / 30, `${s.codec_type} lasts ${s.duration} s, the speech 2 s`);
  });

  test('Download video falls back to MediaRecorder where WebCodecs is missing (forced with ?video=mediarecorder): video with sound', async () => {
    await page.evaluate(() => history.replaceState(null, '', '?video=mediarecorder'));
    await page.evaluate(() => delete document.body.dataset.video);
    await page.click('#download-video');
    await page.waitForFunction(() => document.body.dataset.video !== undefined && document.body.dataset.state === 'ready', { timeout: 60_000 });
    assert.match((await pageState(page)).video!, /^MediaRecorder video\/webm/);
    const file = join(OUTPUT, 'demo-video-mediarecorder.webm');
    writeFileSync(file, await downloaded());
    const p = probe(file);
    assert.equal(p.streams.map((s) => s.codec_type).sort(), ['audio', 'video']);
    // recorded in real time: its length is the speech's give or take the recorder's start and stop
    assert.ok(Math.abs(Number(p.format.duration) - 2) < 0.5, `the recording lasts ${p.format.duration} s, the speech 2 s`);
    await page.evaluate(() => history.replaceState(null, '', location.pathname));
  });

  test.after(async () => {
    await chromium.close();
    await server.close();
  });
}

test.run();
