import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalFaceMesh, LANDMARK } from '../../talking-head/face/canonical-mesh.ts';

const mesh = canonicalFaceMesh();
const position = (v: number) => [0, 1, 2].map((c) => mesh.positions[3 * v + c]!) as [number, number, number];

test('the canonical mesh has 468 vertices and 898 triangles of three distinct valid indices', () => {
  assert.is(mesh.vertexCount, 468);
  assert.is(mesh.positions.length, 468 * 3);
  assert.is(mesh.uvs.length, 468 * 2);
  assert.is(mesh.triangles.length, 898 * 3);
  for (let t = 0; t < mesh.triangles.length; t += 3) {
    const [a, b, c] = mesh.triangles.subarray(t, t + 3);
    assert.ok(a! < 468 && b! < 468 && c! < 468, `triangle ${t / 3} indexes past the last vertex`);
    assert.ok(a !== b && b !== c && a !== c, `triangle ${t / 3} is degenerate`);
  }
  assert.ok(mesh.positions.every(Number.isFinite));
});

test('the winding is consistent (no directed edge twice) and nearly every triangle faces the camera (+z)', () => {
  const directed = new Set<string>();
  let facing = 0;
  for (let t = 0; t < mesh.triangles.length; t += 3) {
    const ids = [...mesh.triangles.subarray(t, t + 3)];
    for (let k = 0; k < 3; k++) {
      const edge = `${ids[k]}>${ids[(k + 1) % 3]}`;
      assert.not.ok(directed.has(edge), `directed edge ${edge} is used by two triangles: their windings disagree`);
      directed.add(edge);
    }
    const [p, q, r] = [position(ids[0]!), position(ids[1]!), position(ids[2]!)];
    const normalZ = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
    if (normalZ > 0) facing++;
  }
  // The 10 that do not are on the steep sides of the head, seen edge-on.
  assert.ok(facing / 898 > 0.97, `${facing} of 898 triangles face +z`);
});

test('centimetres, y up, face toward +z: the nose tip is in front, the chin below, the right eye at x < 0', () => {
  const nose = position(LANDMARK.noseTip);
  const chin = position(LANDMARK.chin);
  const forehead = position(LANDMARK.foreheadTop);
  assert.ok(nose[2] > 7 && nose[2] < 8, `nose tip z ${nose[2]} cm`);
  assert.ok(chin[1] < nose[1] && nose[1] < forehead[1]);
  const height = forehead[1] - chin[1];
  assert.ok(height > 15 && height < 20, `chin to forehead ${height.toFixed(1)} cm`);
  assert.ok(position(LANDMARK.eyeOuterRight)[0] < 0 && position(LANDMARK.eyeOuterLeft)[0] > 0);
});

test('the NOTICE names MediaPipe, its authors, the Apache-2.0 licence and the package version', () => {
  const notice = readFileSync(new URL('../../talking-head/face/mediapipe-mesh/NOTICE', import.meta.url), 'utf8');
  const version = JSON.parse(readFileSync(new URL('../../node_modules/@mediapipe/face_mesh/package.json', import.meta.url), 'utf8')).version as string;
  assert.match(notice, 'Copyright The MediaPipe Authors');
  assert.match(notice, 'Apache License, Version 2.0');
  assert.match(notice, `@mediapipe/face_mesh, version ${version}`);
});

test.run();
