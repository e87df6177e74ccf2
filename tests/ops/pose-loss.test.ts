import { test } from 'uvu';
import { tensor } from '../../core/creation.ts';
import { poseReconstructionLosses } from '../../talking-head/ops/pose-loss.ts';
import { poseReconstructionLossesReference } from '../../talking-head/reference/pose-loss.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

test('L_pose and L_motion (Eq. 3, 4) match the float64 reference for T = 1, 2, 7, 256, 257', async () => {
  for (const [batch, frames, channels] of [[1, 1, 6], [2, 2, 6], [3, 7, 6], [4, 256, 6], [1, 257, 1]] as const) {
    const n = batch * frames * channels;
    const generated = uniform(n, 1);
    const real = uniform(n, 2);
    const initial = uniform(batch * channels, 3);
    const out = poseReconstructionLosses(tensor(engine, generated, [batch, frames, channels]), tensor(engine, real, [batch, frames, channels]), tensor(engine, initial, [batch, channels]));
    const expected = poseReconstructionLossesReference(generated, real, initial, batch, frames, channels);
    assertClose(await out.read(), expected, { atol: 1e-4, rtol: 1e-5 }, `pose losses [${batch},${frames},${channels}]`);
  }
});

test('pose losses backward matches finite differences (both terms, first and last frames included)', async () => {
  const [batch, frames, channels] = [2, 9, 6];
  const real = tensor(engine, uniform(batch * frames * channels, 5), [batch, frames, channels]);
  const initial = tensor(engine, uniform(batch * channels, 6), [batch, channels]);
  const realData = await real.read();
  const initialData = await initial.read();
  await gradCheck(engine, {
    name: 'poseReconstructionLosses',
    inputs: [{ shape: [batch, frames, channels], data: uniform(batch * frames * channels, 4) }],
    gpu: ([g]) => poseReconstructionLosses(g!, real, initial),
    reference: ([g]) => poseReconstructionLossesReference(g!, realData, initialData, batch, frames, channels),
  });
});

test('a generated sequence equal to the real one, starting at the initial pose, has zero loss', async () => {
  const data = uniform(2 * 5 * 6, 9);
  const y = tensor(engine, data, [2, 5, 6]);
  const initial = tensor(engine, [...data.slice(0, 6), ...data.slice(30, 36)], [2, 6]);
  assertClose(await poseReconstructionLosses(y, y, initial).read(), [0, 0, 0, 0], { atol: 1e-7, rtol: 0 }, 'zero loss');
});

test.run();
