// Experiment: conv1d forward with the weights shared through subgroup broadcasts, at the U-Net's shapes,
// against the real kernel (core/kernels/conv1d.wgsl forward), the FMA peak and TF.js WASM (1 thread), interleaved.
//
//   y[b, o, t] = bias[o] + sum_{c, k} w[o, c, k] x[b, c, t s - p + k d]
//
// The lanes of a subgroup are SG neighbouring runs of P output positions of one row (b), all for the same R
// output channels o0..o0+R-1. So every lane needs the same weights: the subgroup loads its weight tile
// (R channels x CC input channels x K taps, contiguous along (c, k) in each row of w) as R CC K / (4 SG) vec4s
// a lane and hands each value around with subgroupBroadcast; each lane loads only its own x window (aligned
// vec4s covering (P - 1) s + (K - 1) d + 1 inputs), whose taps are picked by component at compile time
// (in llvmpipe's structure-of-arrays registers that is free). R x P/4 vec4 accumulators a lane.
// The sum runs over c, then k, as the real kernel's sliding variant does, so results agree to rounding order
// (the real kernel sums over k inside c too).
//
// Variants: sg-rRpPcCC, and plain-rRpP (the same blocking, every lane loading the weights itself).
// Run: timeout 300 node --import ./runtime-node/register.mjs benchmarks/experiments/conv1d-subgroups.ts
//        [--case=level1|down2] [--only=...] [--shapes=8x8c4,...] [--rounds=3]
import conv1dSource from '../../core/kernels/conv1d.wgsl';
import { randomArray } from './lab.ts';
import {
  type RawVariant, bindGroup, compareRaw, computePipeline, flag, peakVariants, printRaw, rawDevice, readBuffer, relativeError, selected,
  storageBuffer, tfjsWasm, uniformBuffer,
} from './raw-lab.ts';

const WG = 64;

export interface ConvShape {
  readonly batch: number;
  readonly cin: number;
  readonly cout: number;
  readonly length: number;
  readonly k: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
}

export const outLength = (g: ConvShape) => Math.floor((g.length + 2 * g.padding - g.dilation * (g.k - 1) - 1) / g.stride) + 1;

export interface ConvBlocking {
  /** Output channels a lane (shared by the subgroup). */
  readonly r: number;
  /** Output positions a lane, a multiple of 4. */
  readonly positions: number;
  /** Input channels a step of the weight tile. */
  readonly cc: number;
  /** Share the weights through the subgroup (else every lane loads them). */
  readonly subgroup: boolean;
  /** Order of the unrolled updates (default true): see convKernel. */
  readonly channelsOuter?: boolean;
}

/** The generated kernel; the geometry is baked in (a real launcher would key pipelines by it). */
export function convKernel(g: ConvShape, b: ConvBlocking, sg: number): string {
  const lout = outLength(g);
  const { r, positions: pp, cc } = b;
  const rowFloats = cc * g.k;
  if (rowFloats % 4 !== 0 || (g.cin * g.k) % 4 !== 0 || g.cin % cc !== 0 || g.length % 4 !== 0 || lout % pp !== 0 || pp % 4 !== 0) {
    throw new Error('shape not supported by this blocking');
  }
  const tileVec4 = (r * rowFloats) / 4;
  const perLane = tileVec4 / sg;
  if (b.subgroup && !Number.isInteger(perLane)) throw new Error(`weight tile ${tileVec4} vec4 does not split over ${sg} lanes`);
  // Input window of a lane: inputs first .. first + span - 1 with first = t0 s - p; aligned loads from
  // t0 s - lead, lead = 4 ceil(p / 4).
  const lead = 4 * Math.ceil(g.padding / 4);
  const span = (pp - 1) * g.stride + (g.k - 1) * g.dilation + 1;
  const nv = Math.ceil((span + lead - g.padding) / 4);
  const lines: string[] = [];
  for (let i = 0; i < r; i++) for (let q = 0; q < pp / 4; q++) lines.push(`  var acc_${i}_${q} = vec4f();`);
  lines.push(`  for (var c0 = 0u; c0 < ${g.cin}u; c0 += ${cc}u) {`);
  if (b.subgroup) {
    for (let j = 0; j < perLane; j++) lines.push(`    let wv_${j} = w[w_at_${j} + (c0 * ${g.k}u) / 4u];`);
  }
  for (let ci = 0; ci < cc; ci++) {
    lines.push(`    let x_row_${ci} = (n * ${g.cin}u + c0 + ${ci}u) * ${g.length / 4}u;`);
    for (let v = 0; v < nv; v++) {
      lines.push(`    let xv_${ci}_${v} = load_x(x_row_${ci}, i32(t0 * ${g.stride}u) - ${lead} + ${4 * v});`);
    }
  }
  const comp = (ci: number, e: number) => `xv_${ci}_${Math.floor(e / 4)}.${'xyzw'[e % 4]}`;
  const weight = (i: number, ci: number, k: number): string => {
    const e = ci * g.k + k;
    if (!b.subgroup) return `vec4f(w4(o0 + ${i}u, c0 + ${ci}u, ${k}u))`;
    const f = i * (rowFloats / 4) + Math.floor(e / 4);
    return `vec4f(subgroupBroadcast(wv_${Math.floor(f / sg)}.${'xyzw'[e % 4]}, ${f % sg}u))`;
  };
  const update = (i: number, ci: number, k: number) => {
    lines.push(`    let w_${ci}_${k}_${i} = ${weight(i, ci, k)};`);
    for (let q = 0; q < pp / 4; q++) {
      // Output t0 + 4q + j reads input (t0 + 4q + j) s - p + k d: window element ((4q + j) s + k d) + lead - p.
      const elems = [0, 1, 2, 3].map((j) => comp(ci, (4 * q + j) * g.stride + k * g.dilation + lead - g.padding));
      lines.push(`    acc_${i}_${q} = fma(w_${ci}_${k}_${i}, vec4f(${elems.join(', ')}), acc_${i}_${q});`);
    }
  };
  // channelsOuter: every (c, k) updates all R x P/4 accumulators in turn (they cannot all stay in registers);
  // else each output channel's P/4 accumulators take all CC K updates in a row, and the x window is reused.
  if (b.channelsOuter ?? true) {
    for (let ci = 0; ci < cc; ci++) for (let k = 0; k < g.k; k++) for (let i = 0; i < r; i++) update(i, ci, k);
  } else {
    for (let i = 0; i < r; i++) for (let ci = 0; ci < cc; ci++) for (let k = 0; k < g.k; k++) update(i, ci, k);
  }
  lines.push('  }');
  for (let i = 0; i < r; i++) for (let q = 0; q < pp / 4; q++) {
    lines.push(`  y[((n * ${g.cout}u + o0 + ${i}u) * ${lout}u + t0) / 4u + ${q}u] = acc_${i}_${q};`);
  }
  const owners = b.subgroup
    ? [...Array(perLane).keys()].map((j) => {
        const f = `(${j * sg}u + sl)`;
        return `  let w_at_${j} = ((o0 + ${f} / ${rowFloats / 4}u) * ${g.cin * g.k}u) / 4u + ${f} % ${rowFloats / 4}u;`;
      })
    : [];
  const posGroups = lout / (pp * sg);
  if (!Number.isInteger(posGroups)) throw new Error('positions do not split over the subgroup');
  return `${b.subgroup ? 'enable subgroups;' : ''}
@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;

// The 4 inputs from index i (a multiple of 4, may lie outside the row: zeros there) of the row starting at vec4 row4.
fn load_x(row4: u32, i: i32) -> vec4f {
  let inside = i >= 0 && i < ${g.length};
  return select(vec4f(0.0), x[row4 + u32(clamp(i, 0, ${g.length - 4}) / 4)], inside);
}

fn w4(o: u32, c: u32, k: u32) -> f32 {
  let at = (o * ${g.cin}u + c) * ${g.k}u + k;
  return w[at / 4u][at % 4u];
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32${b.subgroup ? ', @builtin(subgroup_invocation_id) sl: u32' : ''}) {
  // Subgroup g: batch item n, output channels o0.., positions group; lanes ${b.subgroup ? 'sl' : 'lane % SG'} along positions.
  let g = wg.x * ${WG / sg}u + lane / ${sg}u;
  let pos_group = g % ${posGroups}u;
  let o0 = ((g / ${posGroups}u) % ${g.cout / r}u) * ${r}u;
  let n = g / ${posGroups}u / ${g.cout / r}u;
  let t0 = (pos_group * ${sg}u + ${b.subgroup ? 'sl' : `lane % ${sg}u`}) * ${pp}u;
${owners.join('\n')}
${lines.join('\n')}
}`;
}

const CASES: Record<string, ConvShape> = {
  level1: { batch: 64, cin: 64, cout: 64, length: 256, k: 5, stride: 1, padding: 2, dilation: 1 },
  down2: { batch: 64, cin: 128, cout: 128, length: 64, k: 4, stride: 2, padding: 1, dilation: 1 },
};

async function main(): Promise<void> {
  const name = flag('case') ?? 'level1';
  const g = CASES[name]!;
  const { device, features, subgroupSize } = await rawDevice();
  const sg = Number(flag('sg') ?? subgroupSize?.min ?? 8);
  const lout = outLength(g);
  const flops = 2 * g.batch * g.cout * g.cin * g.k * lout;
  console.log(`conv1d ${name} [${g.batch},${g.cin},${g.length}]*[${g.cout},${g.cin},${g.k}] s${g.stride} p${g.padding}: ${(flops / 1e9).toFixed(3)} GFLOP a run`);
  const xs = randomArray(g.batch * g.cin * g.length, 1);
  const ws = randomArray(g.cout * g.cin * g.k, 2);
  const x = storageBuffer(device, xs);
  const w = storageBuffer(device, ws);
  const ySize = 4 * g.batch * g.cout * lout;

  const realParams = uniformBuffer(device, new Uint32Array([g.batch, g.cin, g.length, g.cout, lout, g.k, g.stride, g.padding, g.dilation, 0, 1, 0]));
  const real = await computePipeline(device, 'real', conv1dSource, { FORWARD_SLIDING: g.stride === g.dilation ? 1 : 0 }, 'forward');
  const realOut = storageBuffer(device, ySize);
  const threads = g.batch * Math.ceil(g.cout / 4) * Math.ceil(lout / 8);
  const realVariant: RawVariant = {
    name: 'real', flops, bytes: 0,
    dispatches: [{ pipeline: real, bindGroup: bindGroup(device, real, [realParams, x, w, w, realOut]), workgroups: [Math.ceil(threads / 64), 1, 1] }],
  };
  {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    const d = realVariant.dispatches[0]!;
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.workgroups);
    pass.end();
    device.queue.submit([enc.finish()]);
  }
  const expected = await readBuffer(device, realOut, ySize);

  const variants: RawVariant[] = [...(await peakVariants(device)).slice(0, 1), realVariant];
  const shapes = (flag('shapes') ?? (name === 'level1' ? '8x8c4,8x16c4,16x8c4,4x8c4,8x4c4,16x4c4' : '8x4c1,16x4c1,8x8c1,16x8c1,32x4c1')).split(',');
  for (const shape of shapes) {
    const [r, pp, cc] = shape.split(/[xco]/).map(Number) as [number, number, number];
    const channelsOuter = !shape.endsWith('o');
    for (const subgroup of [true, false]) {
      const vname = `${subgroup ? 'sg' : 'plain'}-r${r}p${pp}c${cc}${channelsOuter ? '' : '-rowsOuter'}`;
      if (!selected(vname)) continue;
      if (subgroup && !features.has('subgroups')) continue;
      try {
        const code = convKernel(g, { r, positions: pp, cc, subgroup, channelsOuter }, sg);
        const pipeline = await computePipeline(device, vname, code);
        const y = storageBuffer(device, ySize);
        const subgroups = g.batch * (g.cout / r) * (lout / (pp * sg));
        variants.push({
          name: vname, flops, bytes: 0,
          dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, [x, w, y]), workgroups: [Math.ceil(subgroups / (WG / sg)), 1, 1] }],
          check: async () => relativeError(await readBuffer(device, y, ySize), expected),
        });
      } catch (error) {
        console.log(`${vname}: ${String(error).split('\n')[0]}`);
      }
    }
  }
  if (selected('tfjs-wasm')) {
    const tf = await tfjsWasm();
    const tx = tf.randomUniform([g.batch, 1, g.length, g.cin], -1, 1) as import('@tensorflow/tfjs').Tensor4D;
    const tw = tf.randomUniform([1, g.k, g.cin, g.cout], -1, 1) as import('@tensorflow/tfjs').Tensor4D;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [0, 0], [g.padding, g.padding], [0, 0]];
    variants.push({ name: 'tfjs-wasm', flops, bytes: 0, dispatches: [], cpu: () => tf.conv2d(tx, tw, [1, g.stride], pad, 'NHWC').dispose() });
  }
  printRaw(await compareRaw(device, variants), 'real');
  process.exit(0);
}

if (process.argv[1]?.endsWith('conv1d-subgroups.ts')) await main();
