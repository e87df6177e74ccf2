import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor } from '../../core/creation.ts';
import { groupNorm } from '../../core/ops/group-norm.ts';
import { slice } from '../../core/ops/layout.ts';
import { groupNormReference } from '../../core/reference/group-norm.ts';
import { assertClose } from '../helpers/compare.ts';
import { testEngine } from '../helpers/engine.ts';
import { gradCheck } from '../helpers/gradcheck.ts';
import { uniform } from '../helpers/random.ts';

const engine = await testEngine();
const TOLERANCE = { atol: 2e-5, rtol: 1e-4 };

type Case = { shape: [number, number, number]; groups: number; what: string };
const CASES: Case[] = [
  { shape: [1, 1, 1], groups: 1, what: 'one value (variance 0: y = beta)' },
  { shape: [2, 6, 7], groups: 3, what: 'odd length' },
  { shape: [1, 8, 255], groups: 8, what: 'InstanceNorm (groups = channels)' },
  { shape: [2, 4, 257], groups: 1, what: 'LayerNorm over channels and time (groups = 1)' },
  { shape: [3, 32, 256], groups: 8, what: 'a posedyn U-Net block' },
  { shape: [1, 4, 1000], groups: 2, what: 'rows longer than a workgroup' },
  { shape: [2, 512, 3], groups: 2, what: 'many short rows a group' },
];

for (const affine of [true, false]) {
  test(`groupNorm forward ${affine ? 'with' : 'without'} gamma and beta matches the float64 reference: ${CASES.map((c) => `[${c.shape}] G${c.groups}`).join(', ')}`, async () => {
    for (const { shape, groups, what } of CASES) {
      const [, channels] = shape;
      const data = uniform(shape[0] * shape[1] * shape[2], channels + groups, -2, 3);
      const gammaData = uniform(channels, 5, 0.5, 1.5);
      const betaData = uniform(channels, 6, -1, 1);
      const y = engine.tidy(() =>
        groupNorm(tensor(engine, data, shape), {
          groups, gamma: affine ? tensor(engine, gammaData, [channels]) : null, beta: affine ? tensor(engine, betaData, [channels]) : null,
        }),
      );
      const expected = groupNormReference(data, shape, groups, affine ? gammaData : null, affine ? betaData : null);
      assertClose(await y.read(), expected, TOLERANCE, `groupNorm [${shape}] G${groups}, ${what}`);
      y.dispose();
    }
  });
}

test('groupNorm of one sample equals that sample inside a batch (no batch dependence: streaming at batch 1 is exact)', async () => {
  const shape: [number, number, number] = [4, 16, 64];
  const x = tensor(engine, uniform(4 * 16 * 64, 9, -3, 3), shape);
  const gamma = tensor(engine, uniform(16, 10, 0.5, 1.5), [16]);
  const beta = tensor(engine, uniform(16, 11), [16]);
  const batched = await groupNorm(x, { groups: 4, gamma, beta }).read();
  const alone = await groupNorm(slice(x, [2, 0, 0], [1, 16, 64]), { groups: 4, gamma, beta }).read();
  assert.equal([...alone], [...batched.subarray(2 * 16 * 64, 3 * 16 * 64)]);
});

test('groupNorm backward for x, gamma and beta matches finite differences', async () => {
  const cases: { shape: [number, number, number]; groups: number }[] = [
    { shape: [2, 4, 5], groups: 2 },
    { shape: [1, 3, 7], groups: 3 },
    { shape: [2, 6, 3], groups: 1 },
  ];
  for (const { shape, groups } of cases) {
    const channels = shape[1];
    const x = { shape, data: uniform(shape[0] * shape[1] * shape[2], 30 + groups, -2, 2) };
    const gamma = { shape: [channels], data: uniform(channels, 31, 0.5, 1.5) };
    const beta = { shape: [channels], data: uniform(channels, 32) };
    await gradCheck(engine, {
      name: `groupNorm [${shape}] G${groups}`, inputs: [x, gamma, beta],
      gpu: ([xt, g, b]) => groupNorm(xt!, { groups, gamma: g!, beta: b! }),
      reference: ([xd, g, b]) => groupNormReference(xd!, shape, groups, g!, b!),
    });
    await gradCheck(engine, {
      name: `groupNorm [${shape}] G${groups} without affine`, inputs: [x],
      gpu: ([xt]) => groupNorm(xt!, { groups }),
      reference: ([xd]) => groupNormReference(xd!, shape, groups, null, null),
    });
  }
});

test('groupNorm rejects groups that do not divide the channels and a gamma of the wrong shape, naming both shapes', () => {
  const x = tensor(engine, uniform(2 * 6 * 4, 1), [2, 6, 4]);
  assert.throws(() => groupNorm(x, { groups: 4 }), (e: Error) => /groupNorm/.test(e.message) && e.message.includes('[2,6,4]'));
  const gamma = tensor(engine, uniform(4, 2), [4]);
  const beta = tensor(engine, uniform(6, 3), [6]);
  assert.throws(() => groupNorm(x, { groups: 3, gamma, beta }), (e: Error) => /groupNorm/.test(e.message) && e.message.includes('[4]') && e.message.includes('[6]'));
});

test.run();
