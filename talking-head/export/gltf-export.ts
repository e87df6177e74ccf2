// A talking head as one GLB (glTF 2.0, binary), written with @gltf-transform/core, for game engines and three.js:
//
//   scene "talking head"
//     node "head"     mesh "face", animated rotation + translation (the head pose) and morph weights
//   mesh "face", one primitive: POSITION, NORMAL, COLOR_0, indices; 64 morph targets (POSITION and NORMAL deltas)
//   animation "talking": one sampler a channel, LINEAR, key times f / fps (30 fps)
//
// The primitive's vertices are the head mesh's (talking-head/render/mesh/head-mesh.ts) without the neck and
// shoulders: first the face model's own vertices in its order (on MediaPipe's mesh, the 468 canonical vertices,
// so landmark 13 and 14 are the inner lips), then eyeballs, the inside of the mouth and the back of the head.
// Positions are the person's neutral face, S_mean + B_id mean(alpha_id), in metres (identity baked in: the mean
// over the frames of the generated or tracked alpha_id); morph target k is expression component k, B_exp[:, k]
// (metres per unit alpha_exp[k]), and its weight in the animation is alpha_exp[k] of each frame (any real number,
// as glTF allows). Normal deltas: the normals of the neutral face displaced by one unit of component k, minus the
// neutral normals (a linearisation; exact for the positions).
//
// Rotation and translation: talking-head/export/head-frames.ts (glTF's axes are posedyn's; translation relative to
// the rest pose, metres). Vertex colours are the renderer's albedo with its occlusion baked in (so the inside of
// the mouth is dark in any engine); linear, as glTF requires.
import { Document, WebIO } from '@gltf-transform/core';
import { EXP_COMPONENTS, FACE_COEFFICIENTS, ID_COMPONENTS } from '../face/face-model.ts';
import type { HeadMesh } from '../render/mesh/head-mesh.ts';
import { SURFACE_FLOATS } from '../render/mesh/head-mesh-builder.ts';
import { vertexNormalsCpu } from '../render/vertex-normals.ts';
import type { HeadFrames } from './head-frames.ts';

export interface GlbInput {
  readonly mesh: HeadMesh;
  /** [frames, 144] */
  readonly face: ArrayLike<number>;
  readonly frames: HeadFrames;
  /** the person's name (scene and node extras) */
  readonly name: string;
  /** what made it, for asset.generator and extras */
  readonly source: string;
}

/** Names of the morph targets, in mesh.extras.targetNames (three.js and Blender read them). */
export const MORPH_TARGET_NAMES = Array.from({ length: EXP_COMPONENTS }, (_, k) => `alpha_exp_${String(k).padStart(2, '0')}`);

/** The mean of alpha_id over frames: the identity baked into the neutral mesh. */
export function meanIdentity(face: ArrayLike<number>): Float64Array {
  const frames = face.length / FACE_COEFFICIENTS;
  const mean = new Float64Array(ID_COMPONENTS);
  for (let f = 0; f < frames; f++) for (let k = 0; k < ID_COMPONENTS; k++) mean[k]! += face[f * FACE_COEFFICIENTS + k]! / frames;
  return mean;
}

export async function talkingHeadGlb(input: GlbInput): Promise<Uint8Array> {
  const { mesh, frames } = input;
  const model = mesh.model;
  const V = mesh.parts.body.count > 0 ? mesh.parts.body.first : model.vertexCount;
  const triangles = mesh.headTriangles;
  const metres = mesh.cmPerUnit / 100;
  if (input.face.length !== frames.frames * FACE_COEFFICIENTS) {
    throw new RangeError(`talkingHeadGlb: ${input.face.length} face coefficients for ${frames.frames} frames, expected ${frames.frames} x ${FACE_COEFFICIENTS}`);
  }
  if (frames.frames < 1) throw new RangeError('talkingHeadGlb: no frames to animate');

  // neutral face of this person, metres
  const identity = meanIdentity(input.face);
  const neutral = new Float64Array(3 * V);
  for (let r = 0; r < 3 * V; r++) {
    let s = model.mean[r]!;
    for (let k = 0; k < ID_COMPONENTS; k++) s += model.idBasis[r * ID_COMPONENTS + k]! * identity[k]!;
    neutral[r] = s * metres;
  }
  const neutralNormals = vertexNormalsCpu(neutral, triangles, V);

  const doc = new Document();
  doc.getRoot().getAsset().generator = `posedyn (${input.source})`;
  const buffer = doc.createBuffer('talking head');
  const accessor = (name: string, type: 'SCALAR' | 'VEC3' | 'VEC4', array: Float32Array | Uint16Array | Uint32Array) =>
    doc.createAccessor(name).setType(type).setArray(array).setBuffer(buffer);

  const colours = new Float32Array(3 * V);
  for (let v = 0; v < V; v++) {
    const s = mesh.surface.subarray(v * SURFACE_FLOATS, (v + 1) * SURFACE_FLOATS);
    for (let c = 0; c < 3; c++) colours[3 * v + c] = Math.min(1, s[c]! * s[3]!);
  }
  const primitive = doc.createPrimitive()
    .setAttribute('POSITION', accessor('positions', 'VEC3', Float32Array.from(neutral)))
    .setAttribute('NORMAL', accessor('normals', 'VEC3', Float32Array.from(neutralNormals)))
    .setAttribute('COLOR_0', accessor('colours', 'VEC3', colours))
    .setIndices(accessor('triangles', 'SCALAR', V <= 65535 ? Uint16Array.from(triangles) : Uint32Array.from(triangles)))
    .setMaterial(doc.createMaterial('skin').setBaseColorFactor([1, 1, 1, 1]).setMetallicFactor(0).setRoughnessFactor(0.6).setDoubleSided(true));

  for (let k = 0; k < EXP_COMPONENTS; k++) {
    const delta = new Float64Array(3 * V);
    const displaced = new Float64Array(3 * V);
    for (let r = 0; r < 3 * V; r++) {
      delta[r] = model.expBasis[r * EXP_COMPONENTS + k]! * metres;
      displaced[r] = neutral[r]! + delta[r]!;
    }
    const displacedNormals = vertexNormalsCpu(displaced, triangles, V);
    const normalDelta = displacedNormals.map((n, i) => n - neutralNormals[i]!);
    primitive.addTarget(doc.createPrimitiveTarget(MORPH_TARGET_NAMES[k])
      .setAttribute('POSITION', accessor(`${MORPH_TARGET_NAMES[k]} positions`, 'VEC3', Float32Array.from(delta)))
      .setAttribute('NORMAL', accessor(`${MORPH_TARGET_NAMES[k]} normals`, 'VEC3', Float32Array.from(normalDelta))));
  }
  const faceMesh = doc.createMesh('face').addPrimitive(primitive).setWeights(new Array(EXP_COMPONENTS).fill(0))
    .setExtras({ targetNames: MORPH_TARGET_NAMES, faceModel: mesh.face.name, faceVertices: mesh.face.vertexCount });

  const head = doc.createNode('head').setMesh(faceMesh).setExtras({
    person: input.name,
    units: 'metres; glTF axes (y up, +z the face\'s front) = posedyn\'s pose frame',
    restTranslation: frames.restTranslation,
    poseConvention: 'R = Rz(roll) Ry(yaw) Rx(pitch); node translation = (t - t_rest) in metres; see docs/output-format.md',
  });
  doc.getRoot().setDefaultScene(doc.createScene('talking head').addChild(head).setExtras({ person: input.name }));

  const count = frames.frames;
  const times = Float32Array.from({ length: count }, (_, f) => f / frames.fps);
  const weights = new Float32Array(count * EXP_COMPONENTS);
  for (let f = 0; f < count; f++) {
    for (let k = 0; k < EXP_COMPONENTS; k++) weights[f * EXP_COMPONENTS + k] = input.face[f * FACE_COEFFICIENTS + ID_COMPONENTS + k]!;
  }
  const input0 = accessor('key times (s)', 'SCALAR', times);
  const animation = doc.createAnimation('talking');
  const channel = (path: 'rotation' | 'translation' | 'weights', type: 'SCALAR' | 'VEC3' | 'VEC4', values: Float32Array) => {
    // Samplers and channels stay unnamed: glTF defines no name for them (the validator warns on one).
    const sampler = doc.createAnimationSampler().setInput(input0).setOutput(accessor(`${path} keys`, type, values)).setInterpolation('LINEAR');
    animation.addSampler(sampler).addChannel(doc.createAnimationChannel().setTargetNode(head).setTargetPath(path).setSampler(sampler));
  };
  channel('rotation', 'VEC4', frames.rotation);
  channel('translation', 'VEC3', frames.translation);
  channel('weights', 'SCALAR', weights);
  return new WebIO().writeBinary(doc);
}
