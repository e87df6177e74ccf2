// PoseGAN's L_pose and L_motion (Eq. 3, 4) against their reference and finite differences: declared in
// talking-head/ops/declarations/pose-loss.ts, checked by tests/ops/op-registry.test.ts. Here: the zero point.
import { test } from 'uvu';
import { tensor } from '../../core/creation.ts';
import { poseReconstructionLosses } from '../../talking-head/ops/pose-loss.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();

test('a generated sequence equal to the real one, starting at the initial pose, has zero loss', async () => {
  const data = uniform(2 * 5 * 6, 9);
  const y = tensor(engine, data, [2, 5, 6]);
  const initial = tensor(engine, [...data.slice(0, 6), ...data.slice(30, 36)], [2, 6]);
  assertClose(await poseReconstructionLosses(y, y, initial).read(), [0, 0, 0, 0], { atol: 1e-7, rtol: 0 }, 'zero loss');
});

test.run();
