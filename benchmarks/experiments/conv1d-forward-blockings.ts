// Experiment: the product's subgroup conv1d forward kernels (core/kernels/conv1d-subgroup.ts) at more block sizes
// than the family declares (conv1d-families.ts), at a bench row's shape, interleaved with the FMA peak and, with
// --wasm, TF.js WASM (1 thread) in the same rounds. Every output is checked against the r8p16 variant's. The cpu
// column (this process's CPU time a run) ranks variants more steadily than the wall time on a shared machine.
//
// Run: timeout 300 node --import ./runtime-node/register.mjs benchmarks/experiments/conv1d-forward-blockings.ts
//        [--case=level1|down2|encoder] [--blockings=8x16,8x32,...] [--rounds=5] [--wasm]
import { type Conv1dGeometry, conv1dOutputLength } from '../../core/kernels/conv1d.ts';
import { conv1dGatherLaunch } from '../../core/kernels/conv1d-subgroup.ts';
import { randomArray } from './lab.ts';
import { type RawVariant, compareRaw, flag, launchDispatch, peakVariants, printRaw, rawDevice, readBuffer, relativeError, runOnce, storageBuffer, tfjsWasm } from './raw-lab.ts';

const CASES = {
  level1: { batch: 64, cin: 64, length: 256, cout: 64, k: 5, stride: 1, padding: 2 },
  down2: { batch: 64, cin: 128, length: 64, cout: 128, k: 4, stride: 2, padding: 1 },
  encoder: { batch: 1800, cin: 29, length: 16, cout: 16, k: 3, stride: 1, padding: 1 },
} as const;
const c = CASES[(flag('case') ?? 'level1') as keyof typeof CASES];
const blockings = (flag('blockings') ?? '8x16,16x8,8x32,4x32,16x16').split(',').map((b) => b.split('x').map(Number) as [number, number]);
const { device, subgroupSize } = await rawDevice();
const sg = subgroupSize?.min ?? 8;
const outLength = conv1dOutputLength(c.length, c.k, c.stride, c.padding, 1);
const g: Conv1dGeometry = { batch: c.batch, inChannels: c.cin, inLength: c.length, outChannels: c.cout, outLength, kernelSize: c.k, stride: c.stride, padding: c.padding, dilation: 1 };
const xData = randomArray(c.batch * c.cin * c.length, 1);
const wData = randomArray(c.cout * c.cin * c.k, 2);
const x = storageBuffer(device, xData);
const w = storageBuffer(device, wData);
const ySize = c.batch * c.cout * outLength;
const flops = 2 * ySize * c.cin * c.k;
const variants: RawVariant[] = [(await peakVariants(device))[0]!];
let expected: Float32Array | null = null;
for (const [rows, positions] of blockings) {
  const y = storageBuffer(device, 4 * ySize);
  const launch = conv1dGatherLaunch('forward', g, x, w, null, y, { rows, positions }, sg, null);
  const dispatch = await launchDispatch(device, launch);
  if (!expected) {
    await runOnce(device, [dispatch]);
    expected = await readBuffer(device, y, 4 * ySize);
  }
  const reference = expected;
  variants.push({ name: `r${rows}p${positions}`, flops, bytes: 0, dispatches: [dispatch], check: async () => relativeError(await readBuffer(device, y, 4 * ySize), reference) });
}
if (process.argv.includes('--wasm')) {
  const tf = await tfjsWasm();
  // TF.js's conv1d is NWC: x [B, L, Cin], w [K, Cin, Cout].
  const xt = tf.tensor3d(randomArray(c.batch * c.length * c.cin, 1), [c.batch, c.length, c.cin]);
  const wt = tf.tensor3d(randomArray(c.k * c.cin * c.cout, 2), [c.k, c.cin, c.cout]);
  const pad = c.padding;
  variants.push({ name: 'tfjs-wasm', flops, bytes: 0, dispatches: [], cpu: () => tf.tidy(() => { tf.conv1d(tf.pad(xt, [[0, 0], [pad, pad], [0, 0]]), wt, c.stride, 'valid').dataSync(); }) });
}
console.log(`conv1d forward [${c.batch},${c.cin},${c.length}]*[${c.cout},${c.cin},${c.k}] s${c.stride} p${c.padding} -> [${c.batch},${c.cout},${outLength}]`);
printRaw(await compareRaw(device, variants), `r${blockings[0]![0]}p${blockings[0]![1]}`);
process.exit(0);
