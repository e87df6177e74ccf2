// The head renderer (talking-head/render/) on Dawn, offscreen, as `posedyn render` uses it: screenshots for a person
// to look at (tests/output/render/), and checks that what matters shows: a head that fills the frame like a
// talking-head video, an open mouth that is dark inside, eyes that are white when open and covered when the lids
// close. The procedural face model is used by name: its expression components are named (jawOpen, eyelidsClose).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { FaceDecoder } from '../../talking-head/face/decode.ts';
import { EXPRESSION_COMPONENTS, proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { videoCamera } from '../../talking-head/render/camera.ts';
import { headMatrix, torsoMatrix } from '../../talking-head/render/head-placement.ts';
import { HeadRenderer } from '../../talking-head/render/head-renderer.ts';
import { INNER_LIPS, LEFT_EYE_OPENING, RIGHT_EYE_OPENING } from '../../talking-head/render/mesh/contours.ts';
import { buildHeadMesh } from '../../talking-head/render/mesh/head-mesh.ts';
import { OffscreenFrame } from '../../talking-head/render/offscreen-frame.ts';
import { REPO_ROOT } from '../formats/paths.ts';
import { testEngine } from '../helpers/engine.ts';
import { encodePng } from '../helpers/png-encode.ts';

const OUTPUT = join(REPO_ROOT, 'tests/output/render');
mkdirSync(OUTPUT, { recursive: true });
const SIZE = 384;
const BACKGROUND: [number, number, number] = [0.16, 0.19, 0.24];

const engine = await testEngine();
const mesh = buildHeadMesh(proceduralFaceModel());
const decoder = new FaceDecoder(engine, mesh.model);
const renderer = new HeadRenderer(engine.device, mesh);
const frame = new OffscreenFrame(engine.device, SIZE, SIZE);
const camera = videoCamera(mesh, 1);

const expression = (named: Record<string, number>) => {
  const c = new Float32Array(144);
  for (const [name, value] of Object.entries(named)) c[80 + EXPRESSION_COMPONENTS.indexOf(name as (typeof EXPRESSION_COMPONENTS)[number])] = value;
  return c;
};
const SHOTS = {
  neutral: { coefficients: expression({}), pose: [0, 0, 0] },
  open: { coefficients: expression({ jawOpen: 1.2 }), pose: [0, 0, 0] },
  blink: { coefficients: expression({ eyelidsClose: 1 }), pose: [0, 0, 0] },
  turned: { coefficients: expression({ jawOpen: 0.6, smile: 0.6 }), pose: [0.15, 0.55, 0.08] },
};
const names = Object.keys(SHOTS) as (keyof typeof SHOTS)[];
const coefficients = new Float32Array(names.length * 144);
names.forEach((name, i) => coefficients.set(SHOTS[name].coefficients, i * 144));
const vertices = engine.keep(decoder.decode(tensor(engine, coefficients, [names.length, 144])));
const decoded = await vertices.read();

const shots = {} as Record<keyof typeof SHOTS, Uint8Array>;
for (const [i, name] of names.entries()) {
  const head = headMatrix([...SHOTS[name].pose, 0, 0, 0], [0, 0, 0, 0, 0, 0], 10, mesh.cmPerUnit);
  shots[name] = await frame.render((encoder, target) => renderer.encode(encoder, target, [{
    positions: vertices.buffer, frame: i, head, torso: torsoMatrix(mesh.cmPerUnit), viewProjection: camera.viewProjection, eye: camera.eye,
  }], BACKGROUND));
  writeFileSync(join(OUTPUT, `head-${name}.png`), encodePng(shots[name], SIZE, SIZE));
}

/** Pixel box around vertices of frame i (facing the camera, no rotation), with a margin in pixels. */
function box(i: number, ids: readonly number[], margin: number): { x0: number; x1: number; y0: number; y1: number } {
  const m = camera.viewProjection;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const v of ids) {
    const p = [0, 1, 2].map((k) => decoded[i * 3 * mesh.model.vertexCount + 3 * v + k]! * mesh.cmPerUnit);
    const clip = [0, 1, 3].map((r) => m[r]! * p[0]! + m[4 + r]! * p[1]! + m[8 + r]! * p[2]! + m[12 + r]!);
    xs.push(((clip[0]! / clip[2]! + 1) / 2) * SIZE);
    ys.push(((1 - clip[1]! / clip[2]!) / 2) * SIZE);
  }
  return { x0: Math.floor(Math.min(...xs) - margin), x1: Math.ceil(Math.max(...xs) + margin), y0: Math.floor(Math.min(...ys) - margin), y1: Math.ceil(Math.max(...ys) + margin) };
}

function count(pixels: Uint8Array, region: ReturnType<typeof box>, keep: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let y = region.y0; y < region.y1; y++) {
    for (let x = region.x0; x < region.x1; x++) {
      const i = 4 * (y * SIZE + x);
      if (keep(pixels[i]!, pixels[i + 1]!, pixels[i + 2]!)) n++;
    }
  }
  return n;
}

const whole = { x0: 0, x1: SIZE, y0: 0, y1: SIZE };
const bg = BACKGROUND.map((c) => Math.round(255 * c));
const notBackground = (r: number, g: number, b: number) => Math.abs(r - bg[0]!) + Math.abs(g - bg[1]!) + Math.abs(b - bg[2]!) > 60;
const dark = (r: number, g: number, b: number) => Math.max(r, g, b) < 60;
// the sclera: light and grey (skin is as light but warm: red well above blue)
const white = (r: number, g: number, b: number) => Math.min(r, g, b) > 130 && Math.max(r, g, b) - Math.min(r, g, b) < 30;

test('the head fills a talking-head frame: 20-75% of the pixels, smoothly shaded (thousands of colours)', () => {
  for (const name of names) {
    const covered = count(shots[name], whole, notBackground) / (SIZE * SIZE);
    assert.ok(covered > 0.2 && covered < 0.75, `${name}: the head covers ${(100 * covered).toFixed(1)}% of the frame`);
  }
  const colours = new Set<number>();
  const p = shots.neutral;
  for (let i = 0; i < p.length; i += 4) colours.add((p[i]! << 16) | (p[i + 1]! << 8) | p[i + 2]!);
  assert.ok(colours.size > 3000, `${colours.size} distinct colours`);
});

test('an open mouth is dark inside: the mouth region has many more dark pixels open than closed, and changes', () => {
  const region = box(1, [...INNER_LIPS, 61, 291, 17, 0], 4);
  const openDark = count(shots.open, region, dark);
  const closedDark = count(shots.neutral, region, dark);
  let changed = 0;
  for (let y = region.y0; y < region.y1; y++) {
    for (let x = region.x0; x < region.x1; x++) {
      const i = 4 * (y * SIZE + x);
      const d = Math.abs(shots.open[i]! - shots.neutral[i]!) + Math.abs(shots.open[i + 1]! - shots.neutral[i + 1]!) + Math.abs(shots.open[i + 2]! - shots.neutral[i + 2]!);
      if (d > 40) changed++;
    }
  }
  const area = (region.x1 - region.x0) * (region.y1 - region.y0);
  assert.ok(openDark > 3 * closedDark + 40, `dark pixels in the mouth region: open ${openDark}, closed ${closedDark} (region ${area} px)`);
  assert.ok(changed > 0.15 * area, `${changed} of ${area} mouth-region pixels changed between the closed and the open mouth`);
  console.log(`  mouth region (${area} px): ${openDark} dark pixels open, ${closedDark} closed; ${changed} changed`);
});

test('eyes show white when open and are covered when the eyelids close (a blink)', () => {
  for (const ring of [RIGHT_EYE_OPENING, LEFT_EYE_OPENING]) {
    const region = box(0, ring, 1);
    const open = count(shots.neutral, region, white);
    const closed = count(shots.blink, region, white);
    assert.ok(open > 15, `${open} white pixels in the open eye`);
    assert.ok(closed < 0.2 * open, `white pixels: open ${open}, lids closed ${closed}`);
    console.log(`  eye: ${open} white pixels open, ${closed} closed`);
  }
});

test.after(() => {
  vertices.dispose();
  renderer.dispose();
  frame.dispose();
  decoder.dispose();
});

test.run();
