// Experiment: conv1d forward, grad_input and grad_weight with subgroup-shared operands (conv1d-writer.ts) at the
// shapes a PoseGAN training step spends its time on (step-profile.ts), against the real kernels
// (core/kernels/conv1d.wgsl, launched by core/kernels/conv1d.ts) and the FMA peak, interleaved. Every variant's
// output is checked against the real kernel's.
//
// Run: timeout 600 node --import ./runtime-node/register.mjs benchmarks/experiments/conv1d-directions.ts
//        --case=level1 [--direction=forward|grad_input|grad_weight] [--blockings=16x16,...] [--rounds=3] [--wasm]
import {
  type Conv1dGeometry, conv1dForwardLaunch, conv1dGradInputLaunch, conv1dGradWeightLaunch, conv1dGradWeightSplits, conv1dOutputLength,
} from '../../core/kernels/conv1d.ts';
import { sumAxisLaunch } from '../../core/kernels/reduce.ts';
import { randomArray } from './lab.ts';
import {
  type GatherSpec, type GradWeightSpec, gatherKernel, gatherWorkgroups, gradWeightKernel, gradWeightSharedDyKernel, gradWeightSharedDyWorkgroups,
  gradWeightWorkgroups,
} from './conv1d-writer.ts';
import {
  type Dispatch, type RawVariant, bindGroup, compareRaw, computePipeline, flag, launchDispatch, peakVariants, printRaw, rawDevice, readBuffer,
  relativeError, runOnce, selected, storageBuffer, tfjsWasm, uniformBuffer,
} from './raw-lab.ts';

interface Case {
  readonly batch: number;
  readonly cin: number;
  readonly length: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: number;
  readonly padding: number;
}

export const CASES: Record<string, Case> = {
  level1: { batch: 64, cin: 64, length: 256, cout: 64, k: 5, stride: 1, padding: 2 },
  down2: { batch: 64, cin: 128, length: 64, cout: 128, k: 4, stride: 2, padding: 1 },
  // PoseGAN's own (benchmarks/experiments/step-profile.ts): audio encoder at batch x frames = 16384 windows,
  // U-Net input layer, down-sampling and up-sampling convolutions.
  audio1: { batch: 16384, cin: 29, length: 16, cout: 16, k: 3, stride: 1, padding: 1 },
  audio2: { batch: 16384, cin: 16, length: 16, cout: 32, k: 3, stride: 2, padding: 1 },
  audio3: { batch: 16384, cin: 32, length: 8, cout: 32, k: 3, stride: 2, padding: 1 },
  unetIn: { batch: 64, cin: 38, length: 256, cout: 32, k: 5, stride: 1, padding: 2 },
  down1: { batch: 64, cin: 32, length: 256, cout: 48, k: 5, stride: 2, padding: 2 },
  down3: { batch: 64, cin: 64, length: 64, cout: 64, k: 5, stride: 2, padding: 2 },
  up1: { batch: 64, cin: 80, length: 256, cout: 32, k: 5, stride: 1, padding: 2 },
  up2: { batch: 64, cin: 112, length: 128, cout: 48, k: 5, stride: 1, padding: 2 },
  disc: { batch: 64, cin: 38, length: 256, cout: 32, k: 5, stride: 2, padding: 2 },
};

async function main(): Promise<void> {
  const name = flag('case') ?? 'level1';
  const c = CASES[name];
  if (!c) throw new Error(`--case: one of ${Object.keys(CASES).join(', ')}`);
  const direction = (flag('direction') ?? 'forward') as 'forward' | 'grad_input' | 'grad_weight';
  const { device, subgroupSize } = await rawDevice();
  const sg = Number(flag('sg') ?? subgroupSize?.min ?? 8);
  const lout = conv1dOutputLength(c.length, c.k, c.stride, c.padding, 1);
  const g: Conv1dGeometry = {
    batch: c.batch, inChannels: c.cin, inLength: c.length, outChannels: c.cout, outLength: lout, kernelSize: c.k, stride: c.stride, padding: c.padding, dilation: 1,
  };
  const flops = 2 * c.batch * c.cout * c.cin * c.k * lout;
  console.log(`conv1d ${direction} ${name}: x [${c.batch},${c.cin},${c.length}] w [${c.cout},${c.cin},${c.k}] s${c.stride} p${c.padding} -> [${c.batch},${c.cout},${lout}]: ${(flops / 1e9).toFixed(3)} GFLOP`);
  const xSize = c.batch * c.cin * c.length;
  const ySize = c.batch * c.cout * lout;
  const wSize = c.cout * c.cin * c.k;
  const x = storageBuffer(device, randomArray(xSize, 1));
  const w = storageBuffer(device, randomArray(wSize, 2));
  const dy = storageBuffer(device, randomArray(ySize, 3));
  const bias = storageBuffer(device, randomArray(c.cout, 4));

  // The real kernel, and its output as the expected one.
  let realDispatches: Dispatch[];
  let realOut: GPUBuffer;
  let outFloats: number;
  if (direction === 'forward') {
    realOut = storageBuffer(device, 4 * ySize);
    outFloats = ySize;
    realDispatches = [await launchDispatch(device, conv1dForwardLaunch(g, x, w, bias, realOut))];
  } else if (direction === 'grad_input') {
    realOut = storageBuffer(device, 4 * xSize);
    outFloats = xSize;
    realDispatches = [await launchDispatch(device, conv1dGradInputLaunch(g, dy, w, null, realOut))];
  } else {
    realOut = storageBuffer(device, 4 * wSize);
    outFloats = wSize;
    const splits = conv1dGradWeightSplits(g);
    const partial = splits > 1 ? storageBuffer(device, 4 * wSize * splits) : realOut;
    realDispatches = [await launchDispatch(device, conv1dGradWeightLaunch(g, dy, x, partial, splits))];
    if (splits > 1) realDispatches.push(await launchDispatch(device, sumAxisLaunch(partial, realOut, 1, splits, wSize, 1)));
  }
  await runOnce(device, realDispatches);
  const expected = await readBuffer(device, realOut, 4 * outFloats);
  const variants: RawVariant[] = [...(await peakVariants(device)).slice(0, 1), { name: 'real', flops, bytes: 0, dispatches: realDispatches }];

  const defaults = direction === 'grad_weight' ? '4x4x8,8x4x8,4x8x8,8x8x4,4x4x16' : '16x16,16x8,8x16,32x8';
  for (const blocking of (flag('blockings') ?? defaults).split(',')) {
    const vname = `sg-${blocking}`;
    if (!selected(vname)) continue;
    try {
      const out = storageBuffer(device, 4 * outFloats);
      const dispatches: Dispatch[] = [];
      if (direction === 'grad_weight') {
        const shared = blocking.startsWith('d');
        const [rows, channels, positions] = blocking.replace(/^d/, '').split('x').map(Number) as [number, number, number];
        const spec: GradWeightSpec = {
          kernelSize: c.k, stride: c.stride, dilation: 1, padding: c.padding, rows, channels, positions, subgroupSize: sg,
          vec4Input: c.length % 4 === 0, vec4Output: lout % 4 === 0, bias: flag('fuse-bias') !== undefined,
        };
        const pipeline = await computePipeline(device, vname, shared ? gradWeightSharedDyKernel(spec) : gradWeightKernel(spec));
        const tiles = Math.ceil(c.cout / rows) * Math.ceil(c.cin / (shared ? sg * channels : channels));
        const blocks = c.batch * Math.ceil(lout / positions);
        // Splits: about 512 subgroups in all, each at least 8 blocks a lane (shared dy: 64 blocks a subgroup).
        const splits = Math.max(1, Math.min(Math.ceil(512 / tiles), Math.floor(blocks / (shared ? 64 : 8 * sg))));
        const perSplit = Math.ceil(blocks / splits);
        const partial = splits > 1 ? storageBuffer(device, 4 * wSize * splits) : out;
        const dbPartial = storageBuffer(device, 4 * c.cout * splits);
        const params = uniformBuffer(device, new Uint32Array([c.batch, c.cin, c.length, c.cout, lout, splits, perSplit, 0]));
        dispatches.push({ pipeline, bindGroup: bindGroup(device, pipeline, [params, dy, x, partial, ...(spec.bias ? [dbPartial] : [])]), workgroups: [(shared ? gradWeightSharedDyWorkgroups : gradWeightWorkgroups)(spec, c.cout, c.cin, splits), 1, 1] });
        if (splits > 1) dispatches.push(await launchDispatch(device, sumAxisLaunch(partial, out, 1, splits, wSize, 1)));
        console.log(`${vname}: ${splits} splits of ${perSplit} blocks`);
      } else {
        const [rows, positions] = blocking.split('x').map(Number) as [number, number];
        const forward = direction === 'forward';
        const spec: GatherSpec = {
          direction, kernelSize: c.k, stride: c.stride, dilation: 1, padding: c.padding, rows, positions, subgroupSize: sg,
          vec4Input: (forward ? c.length : lout) % 4 === 0, vec4Output: (forward ? lout : c.length) % 4 === 0,
        };
        const pipeline = await computePipeline(device, vname, gatherKernel(spec));
        const [inRows, inLength, outRows, outLength] = forward ? [c.cin, c.length, c.cout, lout] : [c.cout, lout, c.cin, c.length];
        const params = uniformBuffer(device, new Uint32Array([c.batch, inRows, inLength, outRows, outLength, forward ? 1 : 0, 0, 0]));
        dispatches.push({
          pipeline, bindGroup: bindGroup(device, pipeline, [params, forward ? x : dy, w, bias, out]),
          workgroups: [gatherWorkgroups(spec, c.batch, outRows, outLength), 1, 1],
        });
      }
      variants.push({ name: vname, flops, bytes: 0, dispatches, check: async () => relativeError(await readBuffer(device, out, 4 * outFloats), expected) });
    } catch (error) {
      console.log(`${vname}: ${String(error).split('\n').slice(0, 3).join(' | ')}`);
    }
  }
  if (flag('wasm') !== undefined && direction === 'forward') {
    const tf = await tfjsWasm();
    const tx = tf.randomUniform([c.batch, 1, c.length, c.cin], -1, 1) as import('@tensorflow/tfjs').Tensor4D;
    const tw = tf.randomUniform([1, c.k, c.cin, c.cout], -1, 1) as import('@tensorflow/tfjs').Tensor4D;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [0, 0], [c.padding, c.padding], [0, 0]];
    variants.push({ name: 'tfjs-wasm', flops, bytes: 0, dispatches: [], cpu: () => tf.conv2d(tx, tw, [1, c.stride], pad, 'NHWC').dispose() });
  }
  printRaw(await compareRaw(device, variants), 'real');
  process.exit(0);
}

await main();
