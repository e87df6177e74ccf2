// The head mesh built on a face model (talking-head/render/mesh/): the face's vertices first and unchanged, a
// consistently wound surface closed everywhere but the eye openings, parts that follow the face as they should,
// and a model without MediaPipe's topology drawn as its face alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXPRESSION_COMPONENTS, proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { EXP_COMPONENTS, type FaceModel, ID_COMPONENTS, decodeFaceCpu } from '../../talking-head/face/face-model.ts';
import { LEFT_EYE_CORNERS, RIGHT_EYE_OPENING, LEFT_EYE_OPENING } from '../../talking-head/render/mesh/contours.ts';
import { buildHeadMesh } from '../../talking-head/render/mesh/head-mesh.ts';
import { vertexNormalsCpu } from '../../talking-head/render/vertex-normals.ts';
import { uniform } from '../helpers/random.ts';

const face = proceduralFaceModel();
const head = buildHeadMesh(face);
const model = head.model;
const { eyes, mouth, shell, body } = head.parts;

const edgeCounts = (triangles: ArrayLike<number>, keep: (v: number) => boolean) => {
  const directed = new Map<string, number>();
  const undirected = new Map<string, number>();
  for (let t = 0; t < triangles.length; t += 3) {
    const ids = [triangles[t]!, triangles[t + 1]!, triangles[t + 2]!];
    if (!ids.every(keep)) continue;
    for (let e = 0; e < 3; e++) {
      const [a, b] = [ids[e]!, ids[(e + 1) % 3]!];
      directed.set(`${a}>${b}`, (directed.get(`${a}>${b}`) ?? 0) + 1);
      const key = a < b ? `${a}-${b}` : `${b}-${a}`;
      undirected.set(key, (undirected.get(key) ?? 0) + 1);
    }
  }
  return { directed, undirected };
};

test('the face model\'s vertices come first, unchanged, and the parts follow in order (eyes, mouth, shell, body last)', () => {
  assert.is(head.parts.face.count, face.vertexCount);
  assert.equal(Array.from(model.mean.subarray(0, 3 * face.vertexCount)), Array.from(face.mean));
  assert.equal(Array.from(model.expBasis.subarray(0, face.expBasis.length)), Array.from(face.expBasis));
  assert.equal(Array.from(model.idBasis.subarray(0, face.idBasis.length)), Array.from(face.idBasis));
  assert.is(eyes.first, face.vertexCount);
  assert.is(mouth.first, eyes.first + eyes.count);
  assert.is(shell.first, mouth.first + mouth.count);
  assert.is(body.first, shell.first + shell.count);
  assert.is(body.first + body.count, model.vertexCount);
  assert.ok(eyes.count > 100 && mouth.count > 40 && shell.count > 200 && body.count > 100, JSON.stringify(head.parts));
  assert.ok(head.headTriangles.every((v) => v < body.first), 'the head\'s triangles use no body vertex');
});

test('the winding is consistent over the whole head: no directed edge is used twice', () => {
  for (const [edge, count] of edgeCounts(model.triangles, () => true).directed) assert.is(count, 1, `directed edge ${edge}`);
});

test('face, shell and mouth make one surface closed everywhere but the two eye openings (where the eyeballs show)', () => {
  const surface = (v: number) => v < eyes.first || (v >= shell.first && v < body.first) || (v >= mouth.first && v < shell.first);
  const open = [...edgeCounts(model.triangles, surface).undirected].filter(([, c]) => c === 1).map(([e]) => e);
  // the teeth are open strips inside the mouth: leave their vertices out
  const teeth = new Set<number>();
  for (let v = mouth.first; v < shell.first; v++) if (head.surface[8 * v] !== undefined && head.surface[8 * v]! > 0.6) teeth.add(v);
  const boundary = open.filter((e) => !e.split('-').map(Number).some((v) => teeth.has(v)));
  const eyeRings = new Set<number>([...RIGHT_EYE_OPENING, ...LEFT_EYE_OPENING]);
  assert.is(boundary.length, RIGHT_EYE_OPENING.length + LEFT_EYE_OPENING.length, `open edges: ${boundary.join(' ')}`);
  assert.ok(boundary.every((e) => e.split('-').map(Number).every((v) => eyeRings.has(v))), `open edges off the eye rings: ${boundary.join(' ')}`);
});

test('normals of the back of the head point outward (away from the skull centre)', () => {
  const normals = vertexNormalsCpu(model.mean, model.triangles, model.vertexCount);
  let centre = [0, 0, 0];
  for (let v = shell.first; v < body.first; v++) centre = centre.map((c, k) => c + model.mean[3 * v + k]! / shell.count);
  let outward = 0;
  for (let v = shell.first; v < body.first; v++) {
    let d = 0;
    for (let k = 0; k < 3; k++) d += normals[3 * v + k]! * (model.mean[3 * v + k]! - centre[k]!);
    if (d > 0) outward++;
  }
  assert.ok(outward / shell.count > 0.97, `${outward} of ${shell.count} shell normals point outward`);
});

test('eyeballs move with the eye corners, the back of the skull and the shoulders stay put, the shell\'s rim follows the face', () => {
  const alphaId = uniform(ID_COMPONENTS, 3, -2, 2);
  const alphaExp = new Float32Array(EXP_COMPONENTS);
  alphaExp[EXPRESSION_COMPONENTS.indexOf('jawOpen')] = 1;
  alphaExp[EXPRESSION_COMPONENTS.indexOf('browRaise')] = 1;
  const moved = decodeFaceCpu(model, alphaId, alphaExp);
  const displacement = (v: number) => [0, 1, 2].map((k) => moved[3 * v + k]! - model.mean[3 * v + k]!);
  const leftCorners = LEFT_EYE_CORNERS.map(displacement);
  const leftBall = displacement(eyes.first + eyes.count - 1);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(leftBall[k]! - (leftCorners[0]![k]! + leftCorners[1]![k]!) / 2) < 1e-5, `eyeball ${leftBall} vs corners ${leftCorners}`);
  const pole = displacement(body.first - 1);
  assert.ok(Math.hypot(...pole) < 1e-6, `the back pole moved by ${pole}`);
  const shoulder = displacement(model.vertexCount - 1);
  assert.ok(Math.hypot(...shoulder) < 1e-6, `a shoulder vertex moved by ${shoulder}`);
  const chin = displacement(152);
  const firstRing = displacement(shell.first + 18); // oval index 18 is the chin (152)
  assert.ok(Math.hypot(...chin) > 0.5 && Math.hypot(...firstRing) > 0.5 * Math.hypot(...chin), `chin moved ${chin}, the shell beside it ${firstRing}`);
});

test('a face model not on MediaPipe\'s mesh is drawn as its face alone', () => {
  const tetra: FaceModel = {
    name: 'tetra', vertexCount: 4, mean: Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1),
    idBasis: new Float32Array(12 * ID_COMPONENTS), expBasis: new Float32Array(12 * EXP_COMPONENTS),
    triangles: Uint32Array.of(0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3), lowerFaceMask: new Float32Array(4).fill(1), units: 'dm',
  };
  const mesh = buildHeadMesh(tetra);
  assert.is(mesh.model.vertexCount, 4);
  assert.equal(Array.from(mesh.model.triangles), Array.from(tetra.triangles));
  assert.is(mesh.parts.eyes.count + mesh.parts.mouth.count + mesh.parts.shell.count + mesh.parts.body.count, 0);
  assert.is(mesh.cmPerUnit, 10);
  assert.throws(() => buildHeadMesh({ ...tetra, units: 'furlong' }), /units 'furlong' unknown/);
});

test.run();
