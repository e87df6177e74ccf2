// The GLB of a talking head (talking-head/export/gltf-export.ts): valid glTF 2.0 by the Khronos validator, and
// holding what docs/output-format.md says: the neutral face with the identity baked in (the first 468 vertices are
// MediaPipe's, in order, in metres), the 64 expression components as morph targets, and one 30 fps animation of the
// morph weights (alpha_exp) and the head node's rotation and translation.
import { WebIO } from '@gltf-transform/core';
import validator from 'gltf-validator';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXP_COMPONENTS, ID_COMPONENTS } from '../../talking-head/face/face-model.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { headFrames } from '../../talking-head/export/head-frames.ts';
import { MORPH_TARGET_NAMES, meanIdentity, talkingHeadGlb } from '../../talking-head/export/gltf-export.ts';
import { buildHeadMesh } from '../../talking-head/render/mesh/head-mesh.ts';
import { uniform } from '../helpers/random.ts';

const face = proceduralFaceModel();
const mesh = buildHeadMesh(face);
const FRAMES = 45;
const pose = uniform(FRAMES * 6, 11, -0.3, 0.3);
const coefficients = uniform(FRAMES * 144, 12, -1, 1);
const rest = [0, 0, 0, 0.05, -0.02, 0.1];
const frames = headFrames({ fps: 30, pose, translationUnit: 'bfm', rest, face: coefficients }, face);
const glb = await talkingHeadGlb({ mesh, face: coefficients, frames, name: 'tester', source: 'gltf.test.ts' });

test('the GLB passes the Khronos glTF validator with no errors and no warnings', async () => {
  const report = await validator.validateBytes(glb, { maxIssues: 100 });
  const issues = report.issues.messages.map((m: { code: string; pointer?: string; message: string }) => `${m.code} ${m.pointer ?? ''}: ${m.message}`);
  assert.is(report.issues.numErrors, 0, issues.join('\n'));
  assert.is(report.issues.numWarnings, 0, issues.join('\n'));
  assert.is(report.info.animationCount, 1);
  assert.ok(report.info.hasMorphTargets);
});

test('the first 468 vertices are the MediaPipe vertices of the neutral face with the mean identity, in metres', async () => {
  const doc = await new WebIO().readBinary(glb);
  const [primitive] = doc.getRoot().listMeshes()[0]!.listPrimitives();
  const positions = primitive!.getAttribute('POSITION')!.getArray()!;
  assert.is(positions.length / 3, mesh.parts.body.first, 'the head without neck and shoulders');
  const identity = meanIdentity(coefficients);
  for (let r = 0; r < 3 * face.vertexCount; r++) {
    let s = face.mean[r]!;
    for (let k = 0; k < ID_COMPONENTS; k++) s += face.idBasis[r * ID_COMPONENTS + k]! * identity[k]!;
    assert.ok(Math.abs(positions[r]! - 0.01 * s) < 1e-6, `coordinate ${r}: ${positions[r]} vs ${0.01 * s}`);
  }
  const targets = primitive!.listTargets();
  assert.is(targets.length, EXP_COMPONENTS);
  const k = 7;
  const delta = targets[k]!.getAttribute('POSITION')!.getArray()!;
  for (let r = 0; r < 3 * face.vertexCount; r++) assert.ok(Math.abs(delta[r]! - 0.01 * face.expBasis[r * EXP_COMPONENTS + k]!) < 1e-7, `target ${k} coordinate ${r}`);
  assert.equal(doc.getRoot().listMeshes()[0]!.getExtras().targetNames, MORPH_TARGET_NAMES);
});

test('one animation at 30 fps: morph weights are alpha_exp, rotation and translation the head frames', async () => {
  const doc = await new WebIO().readBinary(glb);
  const [animation] = doc.getRoot().listAnimations();
  const channels = animation!.listChannels();
  assert.equal(channels.map((c) => c.getTargetPath()).sort(), ['rotation', 'translation', 'weights']);
  for (const channel of channels) {
    assert.is(channel.getTargetNode()!.getName(), 'head');
    const sampler = channel.getSampler()!;
    const times = sampler.getInput()!.getArray()!;
    assert.is(times.length, FRAMES);
    assert.ok(Math.abs(times[FRAMES - 1]! - (FRAMES - 1) / 30) < 1e-6);
    const values = sampler.getOutput()!.getArray()!;
    const path = channel.getTargetPath();
    if (path === 'weights') {
      assert.is(values.length, FRAMES * EXP_COMPONENTS);
      assert.ok(Math.abs(values[3 * EXP_COMPONENTS + 5]! - coefficients[3 * 144 + 80 + 5]!) < 1e-7);
    } else if (path === 'rotation') {
      assert.equal(Array.from(values), Array.from(frames.rotation));
    } else {
      assert.equal(Array.from(values), Array.from(frames.translation));
    }
  }
});

test.run();
