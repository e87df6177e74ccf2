// The face tracker in the demo page (Chromium, served as `posedyn serve` serves it): a dropped styletalk clip is
// tracked in the page and gives the track Node's `posedyn track` gives for the same file (the same code after
// the landmarks; only the decoder differs: the page's <video> against ffmpeg); the tracked motion replays on the
// head; a video with sound dropped on the personalise panel fine-tunes PoseGAN and PGFace in the page; the
// webcam (Chromium's fake camera playing the clip) is tracked; a file the browser cannot play is reported.
// Screenshots go to tests/output/web/.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import { LandmarkFaceFit } from '../../talking-head/tracking/landmark-face-fit.ts';
import { type FaceTrackFile, parseFaceTrack } from '../../talking-head/tracking/track-format.ts';
import { buildWeb } from '../../runtime-web/build.mjs';
import { demoMounts } from '../../runtime-node/serve/serve-command.ts';
import { startServer } from '../../runtime-node/serve/server.ts';
import { ChromiumFaceTracker } from '../../runtime-node/tracking/chromium-tracker.ts';
import { trackVideoFile } from '../../runtime-node/tracking/track-video.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';
import { sharedData } from '../formats/paths.ts';
import { hasFfmpeg } from '../tracking/tools.ts';
import { OUTPUT, SKIP_MESSAGE, hasChromium, launchBrowser } from './browser.ts';

function pageState(page: Page): Promise<Record<string, string | undefined>> {
  return page.evaluate(() => ({ ...document.body.dataset, error: document.getElementById('error-text')!.textContent ?? '' }));
}

async function waitReady(page: Page, condition: string, timeout = 240_000): Promise<void> {
  await page.waitForFunction(`document.body.dataset.state === 'ready' && (${condition})`, { timeout }).catch(async (error: unknown) => {
    throw new Error(`${String(error)}; page state ${JSON.stringify(await pageState(page))}`);
  });
}

/** The track.json the page offers for download. */
async function downloadedTrack(page: Page): Promise<FaceTrackFile> {
  const text = await page.evaluate(async () => (await fetch((document.getElementById('track-download') as HTMLAnchorElement).href)).text());
  return parseFaceTrack(text, 'the page\'s track.json');
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) (ma += a[i]!), (mb += b[i]!);
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) (ab += (a[i]! - ma) * (b[i]! - mb)), (aa += (a[i]! - ma) ** 2), (bb += (b[i]! - mb) ** 2);
  return ab / Math.sqrt(aa * bb);
}

const channel = (pose: Float32Array, c: number) => Float64Array.from({ length: pose.length / 6 }, (_, f) => pose[f * 6 + c]!);

const clip = sharedData('styletalk-video/feifeili_clip3.mp4', 'the page\'s face tracker');
const speech = sharedData('styletalk/feifeili_clip3.wav', 'personalising in the page from a video with sound');

if (!hasChromium || !hasFfmpeg || !clip || !speech) {
  test.skip(!hasChromium ? SKIP_MESSAGE : 'the page\'s face tracker: needs ffmpeg and ../shared/data/styletalk-video, styletalk', () => undefined);
} else {
  const work = await tempFolder('page-tracker');
  const dist = join(OUTPUT, 'dist');
  await buildWeb({ outdir: dist, log: () => undefined });
  const server = await startServer(demoMounts(dist));
  // Chromium's fake camera plays the clip (as a y4m file) to getUserMedia.
  const camera = join(work, 'camera.y4m');
  assert.is(spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', clip, '-pix_fmt', 'yuv420p', camera]).status, 0, 'ffmpeg made the fake camera\'s y4m');
  const chromium = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]);
  const page = await chromium.open(server.url);
  await page.setViewport({ width: 1200, height: 1500 });
  await waitReady(page, 'Number(document.body.dataset.generation ?? 0) >= 1');

  test('a dropped clip is tracked in the page: every frame, and the same poses and mouth as `posedyn track` gives in Node', async () => {
    const before = Number((await pageState(page)).generation);
    await (await page.$('input#video-file'))!.uploadFile(clip);
    await waitReady(page, `document.body.dataset.trackedSource === 'feifeili_clip3.mp4' && Number(document.body.dataset.generation) > ${before}`);
    const state = await pageState(page);
    assert.is(state.errors, undefined, `the page reported an error: ${state.error}`);
    const inPage = await downloadedTrack(page);
    const tracker = await ChromiumFaceTracker.launch();
    let inNode;
    try {
      inNode = (await trackVideoFile(clip, { tracker, faceFit: new LandmarkFaceFit(defaultFaceModel()) })).track;
    } finally {
      await tracker.close();
    }
    assert.is(inPage.frames, inNode.frames, 'frames at 30 fps');
    assert.is(inPage.success.reduce((s, v) => s + v, 0), inPage.frames, 'a face in every frame');
    for (const [c, name] of ['pitch', 'yaw', 'roll'].entries()) {
      const r = correlation(channel(inPage.pose, c), channel(inNode.pose, c));
      assert.ok(r > 0.98, `${name}: page vs Node r = ${r.toFixed(4)}`);
    }
    const mouth = correlation(inPage.mouthOpening, inNode.mouthOpening);
    assert.ok(mouth > 0.95, `mouth opening: page vs Node r = ${mouth.toFixed(4)}`);
    await (await page.$('#track-panel'))!.screenshot({ path: join(OUTPUT, 'tracker-panel.png') });
    await (await page.$('#head'))!.screenshot({ path: join(OUTPUT, 'tracker-head.png') });
  });

  test('a video with sound dropped on the personalise panel fine-tunes PoseGAN and PGFace in the page; the head speaks as the person', async () => {
    const video = join(work, 'newperson.mp4');
    // The styletalk video has 2 frames before its speech starts (video frame k + 2 = .wav frame k): dropped here,
    // as a real recording has its sound and picture together.
    const made = spawnSync('ffmpeg', [
      '-v', 'error', '-y', '-i', clip, '-i', speech, '-map', '0:v:0', '-map', '1:a:0', '-vf', 'trim=start_frame=2,setpts=PTS-STARTPTS',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', video,
    ]);
    assert.is(made.status, 0, `ffmpeg muxed the clip with its speech: ${made.stderr}`);
    const before = Number((await pageState(page)).generation);
    await (await page.$('input#clips-file'))!.uploadFile(video);
    await page.$eval('#fine-tune-steps', (e) => ((e as HTMLInputElement).value = '2'));
    await page.waitForFunction(() => !(document.getElementById('fine-tune') as HTMLButtonElement).disabled);
    await page.click('#fine-tune');
    await waitReady(page, `Number(document.body.dataset.generation) > ${before}`, 400_000);
    const state = await pageState(page);
    assert.is(state.errors, undefined, `the page reported an error: ${state.error}`);
    assert.is(await page.$eval('#identity', (e) => (e as HTMLSelectElement).value), 'newperson');
    assert.not.ok(await page.$eval('#download', (e) => (e as HTMLAnchorElement).hidden), 'the PoseGAN offered for download');
    assert.not.ok(await page.$eval('#download-face', (e) => (e as HTMLAnchorElement).hidden), 'the PGFace offered for download');
    assert.match(await page.$eval('#inputs-summary', (e) => e.textContent ?? ''), 'PGFace: pgface-personalised.safetensors');
    await page.screenshot({ path: join(OUTPUT, 'tracker-personalised-page.png') });
  });

  test('the webcam is tracked while it runs and stops on the button', async () => {
    const errors = (await pageState(page)).errors;
    await page.click('#camera');
    await page.waitForFunction(() => document.getElementById('camera')!.textContent === 'Stop the camera');
    await new Promise((r) => setTimeout(r, 4000));
    await page.click('#camera');
    await waitReady(page, "document.body.dataset.trackedSource === 'camera'");
    const state = await pageState(page);
    assert.is(state.errors, errors, `the page reported an error: ${state.error}`);
    assert.ok(Number(state.trackedFaces) > 10, `${state.trackedFaces} camera frames with a face`);
    await (await page.$('#track-panel'))!.screenshot({ path: join(OUTPUT, 'tracker-camera.png') });
  });

  test('a file the browser cannot play as video is reported in plain words and the page keeps working', async () => {
    const errors = Number((await pageState(page)).errors ?? 0);
    await (await page.$('input#video-file'))!.uploadFile(speech);
    await page.waitForFunction((n) => Number(document.body.dataset.errors ?? 0) > n && document.body.dataset.state === 'ready', {}, errors);
    assert.match((await pageState(page)).error ?? '', /Tracking the face in feifeili_clip3\.wav failed: feifeili_clip3\.wav: (no video stream|this browser cannot play the video)/);
  });

  test.after(async () => {
    await chromium.close();
    await server.close();
    await removeFolders(work);
  });
}

test.run();
