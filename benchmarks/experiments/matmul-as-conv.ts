// Experiment: a plain matmul C [M, N] = A [M, K] B [K, N] is the conv1d y [1, M, N] = conv1d(x = B as [1, K, N],
// w = A as [M, K, 1]) with kernel size 1: the conv1d forward subgroup kernels (core/kernels/conv1d-subgroup.ts)
// computing it, against the matmul family's variants (core/kernels/matmul-families.ts) and TF.js WASM (1 thread),
// interleaved, CPU time beside the wall time. Outputs checked against the matmul family's register variant.
//
// Run: timeout 300 node --import ./runtime-node/register.mjs benchmarks/experiments/matmul-as-conv.ts [--m=1024] [--n=1024] [--k=1024]
//        [--rounds=5] [--wasm] [--blockings=8x16,16x8,16x4]
import { conv1dGatherLaunch } from '../../core/kernels/conv1d-subgroup.ts';
import { matmulFamily } from '../../core/kernels/matmul-families.ts';
import type { DeviceFeatures } from '../../core/kernels/variants.ts';
import { randomArray } from './lab.ts';
import { type RawVariant, compareRaw, flag, launchDispatch, peakVariants, printRaw, rawDevice, readBuffer, relativeError, runOnce, storageBuffer, tfjsWasm } from './raw-lab.ts';

const m = Number(flag('m') ?? 1024);
const n = Number(flag('n') ?? 1024);
const k = Number(flag('k') ?? 1024);
const blockings = (flag('blockings') ?? '8x16,16x8,16x4').split(',').map((b) => b.split('x').map(Number) as [number, number]);
const { device, subgroupSize } = await rawDevice();
const sg = subgroupSize?.min ?? 8;
const features: DeviceFeatures = { adapter: 'lab', isSoftwareAdapter: true, subgroups: true, subgroupMinSize: sg, subgroupMaxSize: sg };
const aData = randomArray(m * k, 1);
const bData = randomArray(k * n, 2);
const a = storageBuffer(device, aData);
const b = storageBuffer(device, bData);
const flops = 2 * m * n * k;
const dims = { batch: 1, m, n, k, transposeA: false, transposeB: false, aBatchStride: 0, bBatchStride: 0 };
const variants: RawVariant[] = [(await peakVariants(device))[0]!];
let expected: Float32Array | null = null;
const scratch = { acquire: (bytes: number) => storageBuffer(device, bytes) };
for (const variant of matmulFamily.variants) {
  const out = storageBuffer(device, 4 * m * n);
  const problem = { a, b, bias: null, out, dims };
  if (!variant.supports(problem, features)) continue;
  const dispatches = await Promise.all(variant.launches(problem, features, scratch).map((l) => launchDispatch(device, l)));
  if (!expected) {
    await runOnce(device, dispatches);
    expected = await readBuffer(device, out, 4 * m * n);
  }
  const reference = expected;
  variants.push({ name: `matmul ${variant.name}`, flops, bytes: 0, dispatches, check: async () => relativeError(await readBuffer(device, out, 4 * m * n), reference) });
}
const g = { batch: 1, inChannels: k, inLength: n, outChannels: m, outLength: n, kernelSize: 1, stride: 1, padding: 0, dilation: 1 };
for (const [rows, positions] of blockings) {
  const out = storageBuffer(device, 4 * m * n);
  const reference = expected!;
  const launch = conv1dGatherLaunch('forward', g, b, a, null, out, { rows, positions }, sg, null);
  variants.push({ name: `conv1d K1 r${rows}p${positions}`, flops, bytes: 0, dispatches: [await launchDispatch(device, launch)], check: async () => relativeError(await readBuffer(device, out, 4 * m * n), reference) });
}
if (process.argv.includes('--wasm')) {
  const tf = await tfjsWasm();
  const at = tf.tensor2d(aData, [m, k]);
  const bt = tf.tensor2d(bData, [k, n]);
  variants.push({ name: 'tfjs-wasm', flops, bytes: 0, dispatches: [], cpu: () => tf.tidy(() => { tf.matMul(at, bt).dataSync(); }) });
}
console.log(`matmul [${m},${k}] x [${k},${n}]`);
printRaw(await compareRaw(device, variants), 'matmul register');
process.exit(0);
