// A posedyn GLB in three.js (npm three, GLTFLoader + AnimationMixer) in headless Chromium, as a web game developer
// would use it: it loads, has the 64 morph targets, and playing the animation moves the head and the face: two
// moments render differently. Screenshots in tests/output/web/three-*.png.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer } from '../../runtime-node/serve/server.ts';
import { root } from '../../runtime-web/build.mjs';
import { EXPRESSION_COMPONENTS, proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { headFrames } from '../../talking-head/export/head-frames.ts';
import { talkingHeadGlb } from '../../talking-head/export/gltf-export.ts';
import { buildHeadMesh } from '../../talking-head/render/mesh/head-mesh.ts';
import { OUTPUT, SKIP_MESSAGE, buildTestPage, hasChromium, launchBrowser } from './browser.ts';
import { decodePng } from './png.ts';

if (!hasChromium) {
  test.skip(SKIP_MESSAGE, () => undefined);
} else {
  // 3 s at 30 fps: the head turns and the mouth opens in the second half.
  const face = proceduralFaceModel();
  const frames = 90;
  const jaw = EXPRESSION_COMPONENTS.indexOf('jawOpen');
  const pose = new Float32Array(frames * 6);
  const coefficients = new Float32Array(frames * 144);
  for (let f = 0; f < frames; f++) {
    pose.set([0.1 * Math.sin(f / 9), 0.45 * Math.sin(f / 20), 0.05 * Math.sin(f / 13), 0, 0.01 * Math.sin(f / 7), 0], f * 6);
    coefficients[f * 144 + 80 + jaw] = f < 45 ? 0 : 1;
  }
  const data = headFrames({ fps: 30, pose, translationUnit: 'bfm', rest: [0, 0, 0, 0, 0, 0], face: coefficients }, face);
  const glb = await talkingHeadGlb({ mesh: buildHeadMesh(face), face: coefficients, frames: data, name: 'test', source: 'three-gltf.test.ts' });
  const dir = await buildTestPage('three', join(root, 'tests/web/three-page.ts'));
  writeFileSync(join(dir, 'head.glb'), glb);
  const server = await startServer([{ prefix: '/', dir }]);
  const chromium = await launchBrowser();
  const page = await chromium.open(server.url);

  const shot = async (seconds: number, name: string) => {
    const shown = await page.evaluate((s) => window.showAt!(s), seconds);
    const bytes = await (await page.$('#scene'))!.screenshot({ type: 'png' });
    writeFileSync(join(OUTPUT, name), bytes);
    return { shown, image: decodePng(bytes) };
  };

  test('three.js loads the GLB with its 64 morph targets and plays the animation: two moments render differently', async () => {
    await page.waitForFunction(() => document.body.dataset.ready !== undefined, { timeout: 60_000 });
    const failure = await page.evaluate(() => window.failure ?? null);
    assert.is(failure, null, `${failure}\n${chromium.log.join('\n')}`);
    const early = await shot(0.5, 'three-0.5s.png');
    const late = await shot(2.5, 'three-2.5s.png');
    assert.is(early.shown.morphTargets, 64);
    assert.ok(Math.abs(early.shown.influences[jaw]!) < 1e-6 && Math.abs(late.shown.influences[jaw]! - 1) < 1e-6, `jawOpen weight ${early.shown.influences[jaw]} at 0.5 s, ${late.shown.influences[jaw]} at 2.5 s`);
    const f = 75; // 2.5 s
    const q = Array.from(data.rotation.subarray(4 * f, 4 * f + 4));
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(late.shown.quaternion[k]! - q[k]!) < 1e-5, `head quaternion ${late.shown.quaternion} vs the GLB's ${q}`);
    let changed = 0;
    let covered = 0;
    const { pixels } = early.image;
    const background = [pixels[0]!, pixels[1]!, pixels[2]!];
    for (let i = 0; i < pixels.length; i += 4) {
      const d = [0, 1, 2].reduce((s, k) => s + Math.abs(pixels[i + k]! - late.image.pixels[i + k]!), 0);
      if (d > 30) changed++;
      if ([0, 1, 2].reduce((s, k) => s + Math.abs(pixels[i + k]! - background[k]!), 0) > 30) covered++;
    }
    assert.ok(covered > 0.1 * (pixels.length / 4), `the head covers ${covered} pixels`);
    assert.ok(changed > 0.05 * covered, `${changed} pixels changed between 0.5 s and 2.5 s (head ${covered} pixels)`);
  });

  test.after(async () => {
    await chromium.close();
    await server.close();
  });
}

test.run();
