// Re-centring a face network for personalisation: after the bias shift, its mean prediction over the frames
// it was centred on equals their mean target, and nothing but the output bias changed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { InitRandom } from '../../core/nn/init.ts';
import { faceBatch, facePairs } from '../../talking-head/data/dataset.ts';
import { defaultPgFaceConfig } from '../../talking-head/pgface/config.ts';
import { PgFace } from '../../talking-head/pgface/pgface.ts';
import { recentreFaceOutput } from '../../talking-head/training/recentre-face-output.ts';
import { removeFolders } from '../data/synthetic-clips.ts';
import { testEngine } from '../helpers/engine.ts';
import { TINY_PGFACE, loadDatasetFolder, tinyDataset } from './tiny-setup.ts';

const engine = await testEngine();
const { folder, clips } = await tinyDataset(engine);
const dataset = await loadDatasetFolder(folder);

async function meanResidual(model: PgFace, refs: ReturnType<typeof facePairs>): Promise<Float64Array> {
  const batch = faceBatch(dataset, refs);
  const out = engine.noGrad(() => engine.tidy(() => model.forward(tensor(engine, batch.audio, [batch.rows, 29, 16]), tensor(engine, batch.pose, [batch.rows, 6]))));
  const predicted = await out.read();
  out.dispose();
  const mean = new Float64Array(144);
  predicted.forEach((p, i) => { mean[i % 144]! += (batch.face[i]! - p) / batch.rows; });
  return mean;
}

test('after recentreFaceOutput the mean prediction over the frames equals their mean target; only the output bias moved', async () => {
  const model = new PgFace(engine, defaultPgFaceConfig(29, TINY_PGFACE), new InitRandom(3));
  model.train(false);
  const refs = facePairs(dataset, 'train').slice(0, 150);
  const before = await meanResidual(model, refs);
  assert.ok(before.some((r) => Math.abs(r) > 0.05), 'a random network is off-centre');
  const parameters = async () => new Map(await Promise.all(model.namedParameters().map(async ([n, p]) => [n, await p.read()] as const)));
  const old = await parameters();
  const shift = await recentreFaceOutput(engine, model, dataset, refs, 64);
  shift.forEach((s, k) => assert.ok(Math.abs(s - before[k]!) < 1e-4, `shift ${k}: ${s} vs mean residual ${before[k]}`));
  const after = await meanResidual(model, refs);
  after.forEach((r, k) => assert.ok(Math.abs(r) < 1e-4, `coefficient ${k}: mean residual ${r} after re-centring`));
  for (const [name, values] of await parameters()) {
    const moved = values.some((v, i) => v !== old.get(name)![i]);
    assert.is(moved, name === 'output.bias', `${name} ${moved ? 'moved' : 'kept'}`);
  }
  model.dispose();
});

test.after(() => removeFolders(folder, clips));

test.run();
