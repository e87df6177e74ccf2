// Node (Dawn) and Chromium (WebGPU, SwiftShader headless) run the same engine and model code: the same 20
// PoseGAN training steps from the same seed give the same losses, and the same checkpoints generate the same
// head poses and face coefficients, within float32 tolerances.
//
// Tolerances: the two adapters may round differently (fused multiply-add, exp/log, the order of partial sums),
// about 1e-7 relative a kernel. Measured on lavapipe vs SwiftShader: losses within 2e-7 relative at every step,
// generated poses within 1e-6 and face coefficients within 5e-6 of a channel's range. Held to 1e-4 both, room
// for hardware adapters whose arithmetic differs more, and still far below any visible or training difference.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root } from '../../runtime-web/build.mjs';
import { startServer } from '../../runtime-node/serve/server.ts';
import { testEngine } from '../helpers/engine.ts';
import { SKIP_MESSAGE, buildTestPage, hasChromium, launchBrowser } from './browser.ts';
import { PARITY_STEPS, type StepLosses, generateParity, parityPgFaceCheckpoint, trainParity } from './parity-task.ts';

const LOSS_TOLERANCE = 1e-4;
const GENERATION_TOLERANCE = 1e-4;

interface PageApi {
  adapter: string;
  train(): Promise<{ losses: StepLosses[]; checkpoint: string }>;
  pgface(): Promise<string>;
  generate(posegan: string, pgface: string): Promise<{ frames: number; pose: number[]; face: number[] }>;
}
declare const posedynParity: PageApi;

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-6);
}

/** Largest |a - b| over each channel's range of a, for row-major [rows, channels]. */
function worstOverRange(a: ArrayLike<number>, b: ArrayLike<number>, channels: number): number {
  let worst = 0;
  for (let c = 0; c < channels; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = c; i < a.length; i += channels) {
      lo = Math.min(lo, a[i]!);
      hi = Math.max(hi, a[i]!);
    }
    const span = Math.max(hi - lo, 1e-3);
    for (let i = c; i < a.length; i += channels) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / span);
  }
  return worst;
}

if (!hasChromium) {
  test.skip(SKIP_MESSAGE, () => undefined);
} else {
  const engine = await testEngine();
  const dir = await buildTestPage('parity', join(root, 'tests/web/parity-page.ts'));
  const server = await startServer([{ prefix: '/', dir }]);
  const chromium = await launchBrowser();
  const page = await chromium.open(server.url);
  await page.waitForFunction(() => 'posedynParity' in globalThis, { timeout: 60_000 }).catch(() => {
    throw new Error(`the parity page did not start: ${chromium.log.join('\n')}`);
  });
  const node = await trainParity(engine);
  const browser = await page.evaluate(() => posedynParity.train());
  const adapters = `Node: ${engine.info.adapter}; Chromium: ${await page.evaluate(() => posedynParity.adapter)}`;

  test(`the same ${PARITY_STEPS} PoseGAN training steps give the same losses in Node and in Chromium (within ${LOSS_TOLERANCE} relative)`, () => {
    assert.is(browser.losses.length, PARITY_STEPS);
    const rows = node.losses.map((n, step) => {
      const b = browser.losses[step]!;
      return { step, worst: Math.max(relative(n.l2, b.l2), relative(n.adversarial, b.adversarial), relative(n.discriminator, b.discriminator)), n, b };
    });
    console.log(`  ${adapters}\n  worst relative loss difference a step: ${rows.map((r) => r.worst.toExponential(1)).join(' ')}`);
    for (const r of rows) {
      assert.ok(r.worst <= LOSS_TOLERANCE, `step ${r.step}: Node ${JSON.stringify(r.n)} vs Chromium ${JSON.stringify(r.b)} (relative ${r.worst})`);
    }
  });

  test(`the same checkpoints generate the same poses and face coefficients in Node and in Chromium (within ${GENERATION_TOLERANCE} of each channel's range)`, async () => {
    const pgface = await parityPgFaceCheckpoint(engine);
    const pgfaceInPage = await page.evaluate(() => posedynParity.pgface());
    assert.is(pgfaceInPage, Buffer.from(pgface).toString('base64'), 'seeded initialisation gives the same PGFace checkpoint bytes in both runtimes');
    const expected = await generateParity(engine, node.checkpoint, pgface);
    const got = await page.evaluate((g, f) => posedynParity.generate(g, f), Buffer.from(node.checkpoint).toString('base64'), pgfaceInPage);
    assert.is(got.frames, expected.frames);
    assert.ok(expected.frames > 32, `${expected.frames} frames: two PoseGAN windows, the second chained from the first`);
    const pose = worstOverRange(expected.pose, got.pose, 6);
    const face = worstOverRange(expected.face, got.face, 144);
    console.log(`  worst difference over channel range: pose ${pose.toExponential(2)}, face ${face.toExponential(2)}`);
    assert.ok(pose <= GENERATION_TOLERANCE, `poses differ by ${pose} of a channel's range`);
    assert.ok(face <= GENERATION_TOLERANCE, `face coefficients differ by ${face} of a channel's range`);
  });

  test.after(async () => {
    await chromium.close();
    await server.close();
  });
}

test.run();
