// The vertex-normal kernel (talking-head/render/vertex-normals.wgsl) against its float64 CPU reference on odd
// meshes and frame offsets, and the reference against geometry whose normals are known.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VertexNormals, vertexIncidence, vertexNormalsCpu } from '../../talking-head/render/vertex-normals.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { rng, uniform } from '../helpers/random.ts';

const engine = await testEngine();
const device = engine.device;

/** A random triangle soup over V vertices (with some degenerate triangles and some unused vertices). */
function randomMesh(vertices: number, triangles: number, seed: number): Uint32Array {
  const next = rng(seed);
  const out = new Uint32Array(3 * triangles);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(next() * Math.max(1, vertices - 2));
  if (triangles > 2) out.set([0, 0, 1], 3); // zero area
  return out;
}

/** Runs the kernel on frame `frame` of positions [frames, V * 3] and reads the normals back as [V * 3]. */
async function gpuNormals(positions: Float32Array, triangles: Uint32Array, vertices: number, frame: number): Promise<Float32Array> {
  const kernel = new VertexNormals(device, triangles, vertices);
  const buffer = device.createBuffer({ size: positions.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, positions.buffer as ArrayBuffer, positions.byteOffset, positions.byteLength);
  const normals = kernel.createNormalsBuffer('test normals');
  const params = kernel.createParamsBuffer('test params');
  kernel.writeParams(params, frame);
  const readback = device.createBuffer({ size: 16 * vertices, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  kernel.encode(pass, kernel.bind(buffer, normals, params));
  pass.end();
  encoder.copyBufferToBuffer(normals, 0, readback, 0, 16 * vertices);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const vec4 = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  for (const b of [buffer, normals, params, readback]) b.destroy();
  kernel.dispose();
  const out = new Float32Array(3 * vertices);
  for (let v = 0; v < vertices; v++) out.set(vec4.subarray(4 * v, 4 * v + 3), 3 * v);
  return out;
}

for (const { vertices, triangles, frames, frame } of [
  { vertices: 1, triangles: 0, frames: 1, frame: 0 },
  { vertices: 3, triangles: 1, frames: 2, frame: 1 },
  { vertices: 65, triangles: 97, frames: 3, frame: 2 },
  { vertices: 1001, triangles: 1999, frames: 2, frame: 1 },
]) {
  test(`vertex normals on the GPU match the float64 reference: ${vertices} vertices, ${triangles} triangles, frame ${frame} of ${frames}`, async () => {
    const tris = triangles === 1 ? Uint32Array.of(0, 1, 2) : randomMesh(vertices, triangles, vertices);
    const positions = uniform(frames * 3 * vertices, 7 + vertices, -3, 3);
    const expected = vertexNormalsCpu(positions.subarray(frame * 3 * vertices, (frame + 1) * 3 * vertices), tris, vertices);
    const actual = await gpuNormals(positions, tris, vertices, frame);
    assertClose(actual, expected, { atol: 2e-5, rtol: 1e-4 }, 'normals');
  });
}

test('the reference: one counter-clockwise triangle faces +z; a vertex of no triangle, or of degenerate ones only, gets 0', () => {
  const n = vertexNormalsCpu([0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 5, 5, 6, 6, 6], [0, 1, 2, 3, 4, 3], 5);
  assert.equal(Array.from(n.subarray(0, 9)), [0, 0, 1, 0, 0, 1, 0, 0, 1]);
  assert.equal(Array.from(n.subarray(9, 15)), [0, 0, 0, 0, 0, 0]);
});

test('the reference: on a closed outward-wound octahedron every vertex normal points away from the centre', () => {
  const p = [1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1];
  const t = [0, 2, 4, 2, 1, 4, 1, 3, 4, 3, 0, 4, 2, 0, 5, 1, 2, 5, 3, 1, 5, 0, 3, 5];
  const n = vertexNormalsCpu(p, t, 6);
  for (let v = 0; v < 6; v++) {
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(n[3 * v + k]! - p[3 * v + k]!) < 1e-12, `vertex ${v}: normal ${Array.from(n.subarray(3 * v, 3 * v + 3))}`);
  }
});

test('incidence lists name every triangle of every vertex, in ascending order', () => {
  const tris = randomMesh(40, 70, 3);
  const { offsets, triangles } = vertexIncidence(tris, 40);
  assert.is(offsets[40], tris.length);
  for (let v = 0; v < 40; v++) {
    const listed = Array.from(triangles.subarray(offsets[v]!, offsets[v + 1]!));
    const expected: number[] = [];
    for (let i = 0; i < tris.length; i++) if (tris[i] === v) expected.push(Math.floor(i / 3));
    assert.equal(listed, expected, `vertex ${v}`);
  }
  assert.throws(() => vertexIncidence([0, 1, 40], 40), /triangle index 40 at 2 is not a vertex \(0-39\)/);
});

test.run();
