// Extracts MediaPipe's canonical face mesh (468 vertices, 898 triangles) from the installed
// `@mediapipe/face_mesh` npm package and writes canonical-face-mesh.json and NOTICE next to this script.
// Run it by hand after changing the package version: node talking-head/face/mediapipe-mesh/extract.mjs
//
// Where the mesh is: the package ships its models in one packed Emscripten data file,
// face_mesh_solution_packed_assets.data, whose file table (name, start, end) is the argument of the
// `loadPackage({...})` call at the end of face_mesh_solution_packed_assets_loader.js. One of those files,
// geometry_pipeline_metadata_landmarks.binarypb, is a serialised `GeometryPipelineMetadata` protobuf
// (mediapipe/modules/face_geometry/protos/geometry_pipeline_metadata.proto) whose field 1, `canonical_mesh`,
// is a `Mesh3d` (mesh_3d.proto):
//   1 vertex_type    (enum, 0 = VERTEX_PT: 5 floats a vertex, x y z u v)
//   2 primitive_type (enum, 0 = TRIANGLE)
//   3 vertex_buffer  (repeated float)
//   4 index_buffer   (repeated uint32, 3 a triangle, 0-based)
// That is the same mesh as MediaPipe's canonical_face_model.obj: positions in centimetres, y up, the face
// looking toward +z, the metric space of MediaPipe's face geometry module.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('@mediapipe/face_mesh/package.json'));
const packageJson = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const LOADER = 'face_mesh_solution_packed_assets_loader.js';
const DATA = 'face_mesh_solution_packed_assets.data';
const METADATA = 'geometry_pipeline_metadata_landmarks.binarypb';

function fail(message) {
  console.error(`extract.mjs: ${message}`);
  process.exit(1);
}

// ---- the packed file table
const loader = readFileSync(join(packageDir, LOADER), 'utf8');
const call = /loadPackage\((\{"files":.*?\})\);/s.exec(loader);
if (!call) fail(`${LOADER}: no loadPackage({"files": ...}) call found`);
const table = JSON.parse(call[1]).files;
const entry = table.find((f) => f.filename.endsWith(`/${METADATA}`));
if (!entry) fail(`${LOADER}: the packed file table has no ${METADATA} (files: ${table.map((f) => f.filename).join(', ')})`);
const packed = readFileSync(join(packageDir, DATA));
const metadata = packed.subarray(entry.start, entry.end);

// ---- a minimal protobuf reader: (field, wire type, value) triples of one message
function* fields(bytes, where) {
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length) fail(`${where}: truncated varint`);
      const b = bytes[at++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return value;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { field, wire, value: varint() };
    else if (wire === 1) { yield { field, wire, value: bytes.subarray(at, at + 8) }; at += 8; }
    else if (wire === 2) { const n = varint(); yield { field, wire, value: bytes.subarray(at, at + n) }; at += n; }
    else if (wire === 5) { yield { field, wire, value: bytes.readFloatLE(at) }; at += 4; }
    else fail(`${where}: unsupported protobuf wire type ${wire} at byte ${at}`);
  }
}

// A packed repeated uint32: varints back to back, without keys.
function packedVarints(bytes) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const b of bytes) {
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) {
      out.push(value);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

let meshBytes = null;
for (const f of fields(metadata, METADATA)) if (f.field === 1 && f.wire === 2) meshBytes = f.value;
if (!meshBytes) fail(`${METADATA}: no canonical_mesh (field 1)`);

const vertexBuffer = [];
const indexBuffer = [];
let vertexType = 0;
let primitiveType = 0;
for (const f of fields(meshBytes, `${METADATA} canonical_mesh`)) {
  if (f.field === 1) vertexType = f.value;
  else if (f.field === 2) primitiveType = f.value;
  else if (f.field === 3 && f.wire === 5) vertexBuffer.push(f.value);
  else if (f.field === 3 && f.wire === 2) for (let i = 0; i < f.value.length; i += 4) vertexBuffer.push(f.value.readFloatLE(i));
  else if (f.field === 4 && f.wire === 0) indexBuffer.push(f.value);
  else if (f.field === 4 && f.wire === 2) indexBuffer.push(...packedVarints(f.value));
}
if (vertexType !== 0) fail(`canonical_mesh has vertex_type ${vertexType}, expected 0 (VERTEX_PT)`);
if (primitiveType !== 0) fail(`canonical_mesh has primitive_type ${primitiveType}, expected 0 (TRIANGLE)`);
if (vertexBuffer.length % 5 !== 0) fail(`vertex_buffer has ${vertexBuffer.length} floats, not a multiple of 5 (x y z u v)`);
if (indexBuffer.length % 3 !== 0) fail(`index_buffer has ${indexBuffer.length} indices, not a multiple of 3`);
const vertexCount = vertexBuffer.length / 5;
if (vertexCount !== 468) fail(`canonical mesh has ${vertexCount} vertices, expected 468`);
if (indexBuffer.length / 3 !== 898) fail(`canonical mesh has ${indexBuffer.length / 3} triangles, expected 898`);
if (indexBuffer.some((i) => i >= vertexCount)) fail('index_buffer refers past the last vertex');

// The shortest decimal that reads back as the same float32: the file keeps MediaPipe's values exactly.
function float32Text(value) {
  for (let digits = 1; digits <= 9; digits++) {
    const text = Number(value.toPrecision(digits)).toString();
    if (Math.fround(Number(text)) === value) return text;
  }
  return value.toString();
}

const positions = [];
const uvs = [];
for (let v = 0; v < vertexCount; v++) {
  positions.push(vertexBuffer.slice(5 * v, 5 * v + 3).map(float32Text).join(','));
  uvs.push(vertexBuffer.slice(5 * v + 3, 5 * v + 5).map(float32Text).join(','));
}
const triangles = [];
for (let t = 0; t < indexBuffer.length; t += 3) triangles.push(indexBuffer.slice(t, t + 3).join(','));

const sourceNote = `@mediapipe/face_mesh ${packageJson.version}, ${DATA}: ${entry.filename}, GeometryPipelineMetadata.canonical_mesh`;
const json = [
  '{',
  `  "source": ${JSON.stringify(sourceNote)},`,
  `  "license": "Apache-2.0, Copyright The MediaPipe Authors (see NOTICE)",`,
  '  "units": "cm",',
  '  "axes": "x toward the subject\'s left (their right eye has x < 0), y up, z out of the face toward the camera",',
  `  "vertexCount": ${vertexCount},`,
  `  "triangleCount": ${indexBuffer.length / 3},`,
  '  "positions": [',
  positions.map((p) => `    ${p}`).join(',\n'),
  '  ],',
  '  "uvs": [',
  uvs.map((p) => `    ${p}`).join(',\n'),
  '  ],',
  '  "triangles": [',
  triangles.map((t) => `    ${t}`).join(',\n'),
  '  ]',
  '}',
  '',
].join('\n');
writeFileSync(join(here, 'canonical-face-mesh.json'), json);

const notice = `canonical-face-mesh.json in this folder is derived from MediaPipe.

  MediaPipe
  Copyright The MediaPipe Authors.
  Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
  compliance with the License. You may obtain a copy of the License at
      http://www.apache.org/licenses/LICENSE-2.0
  Unless required by applicable law or agreed to in writing, software distributed under the License is
  distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
  See the License for the specific language governing permissions and limitations under the License.

Source: the npm package @mediapipe/face_mesh, version ${packageJson.version} (license: ${packageJson.license}),
file ${DATA}, packed entry ${entry.filename}
(bytes ${entry.start}-${entry.end}), a GeometryPipelineMetadata protobuf.

Extracted: its canonical_mesh (MediaPipe's canonical face model, the same mesh as canonical_face_model.obj):
the ${vertexCount} vertex positions (centimetres) and texture coordinates, and the ${indexBuffer.length / 3} triangles
(0-based vertex indices), unchanged apart from the change of container from protobuf to JSON.
Extracted by talking-head/face/mediapipe-mesh/extract.mjs.
`;
writeFileSync(join(here, 'NOTICE'), notice);
console.log(`wrote canonical-face-mesh.json (${vertexCount} vertices, ${indexBuffer.length / 3} triangles) and NOTICE from ${sourceNote}`);
