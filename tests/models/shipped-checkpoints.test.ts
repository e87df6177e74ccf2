// The checkpoints in talking-head/pretrained/ load, agree with each other on features and normalisation, and the
// generate command picks the PGFace personalised to the chosen identity (falling back to the shared one).
import { readFile } from 'node:fs/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPgFace, loadPoseGan } from '../../talking-head/inference/load-models.ts';
import { PRETRAINED, defaultFaceCheckpoint, personalFacePath } from '../../runtime-node/files/pretrained.ts';
import { testEngine } from '../helpers/engine.ts';

const engine = await testEngine();
const bytes = async (path: string) => new Uint8Array(await readFile(path));
const posegan = loadPoseGan(engine, await bytes(PRETRAINED.posegan), PRETRAINED.posegan);
const identities = posegan.checkpoint.meta.identities.map((i) => i.name);

test('every identity of the shipped PoseGAN has a personalised PGFace and baseline with the same statistics', async () => {
  assert.ok(identities.length >= 2, `identities: ${identities.join(', ')}`);
  const pooled = loadPgFace(engine, await bytes(PRETRAINED.pgface), PRETRAINED.pgface);
  for (const name of identities) {
    for (const variant of ['pgface', 'fixed-identity']) {
      const path = personalFacePath(PRETRAINED.personalFace, name, variant);
      const face = loadPgFace(engine, await bytes(path), path);
      assert.equal(face.config.variant, variant, path);
      assert.equal(face.checkpoint.meta.normalisation, pooled.checkpoint.meta.normalisation, `${path}: normalisation of the pretrained PGFace`);
      assert.equal(face.featureConfig, posegan.featureConfig, `${path}: PoseGAN's audio features`);
      face.model.dispose();
    }
  }
  pooled.model.dispose();
});

test('generate uses the PGFace personalised to the identity, and the shared one for an identity without one', async () => {
  for (const name of identities) assert.is(await defaultFaceCheckpoint(name), personalFacePath(PRETRAINED.personalFace, name, 'pgface'));
  assert.is(await defaultFaceCheckpoint('someone-else'), PRETRAINED.pgface);
});

test.after(() => posegan.generator.dispose());

test.run();
