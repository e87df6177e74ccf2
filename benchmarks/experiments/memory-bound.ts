// Experiment: the memory-bound kernels against the copy kernel (core/kernels/peak.wgsl copy_vec4), interleaved:
// vec4 loads and stores, several vec4s a thread, one pass where the real kernel makes several, subgroup sums
// instead of workgroup trees with barriers, and copyBufferToBuffer for the long runs of a concat.
// Each --case compares the real kernel (its launcher in core/kernels or talking-head/kernels) with variants;
// every variant's output is checked against the real one. GB/s count the bytes the real launch declares.
//
// Run: timeout 300 node --import ./runtime-node/register.mjs benchmarks/experiments/memory-bound.ts
//        --case=add|leaky|leaky-backward|concat|reduce-all|reduce-rows|gaussian|group-norm|group-norm-backward|adam [--rounds=3]
import { binaryLaunch, unaryBackwardLaunch, unaryLaunch } from '../../core/kernels/elementwise.ts';
import { groupNormBackwardInputLaunch, groupNormForwardLaunch } from '../../core/kernels/group-norm.ts';
import { copyBoxLaunch, rowMajorStrides } from '../../core/kernels/layout.ts';
import type { KernelLaunch } from '../../core/kernels/launch.ts';
import { adamGroupLaunch } from '../../core/kernels/adam-group.ts';
import { chunkedSumLaunches, sumAxisLaunch } from '../../core/kernels/reduce.ts';
import { gaussianFilterLaunch, gaussianFilterSpec, gaussianFilterWeights } from '../../talking-head/kernels/gaussian-filter.ts';
import { randomArray } from './lab.ts';
import {
  type Dispatch, type RawVariant, bindGroup, compareRaw, computePipeline, f32bits, flag, launchDispatch, peakVariants, printRaw, rawDevice,
  readBuffer, relativeError, runOnce, selected, storageBuffer, uniformBuffer,
} from './raw-lab.ts';

const WG = 256;
const grid = (threads: number): [number, number, number] => {
  const groups = Math.ceil(threads / WG);
  return groups <= 65535 ? [groups, 1, 1] : [Math.ceil(groups / Math.ceil(groups / 65535)), Math.ceil(groups / 65535), 1];
};
const INDEX = `let t = (wg.y * nwg.x + wg.x) * ${WG}u + lane;`;
const ENTRY = `@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32`;

interface Built {
  readonly real: KernelLaunch[];
  /** The buffer the real kernels write, compared with each variant's own. */
  readonly realOut: GPUBuffer;
  readonly floats: number;
  readonly bytes: number;
  readonly variants: { name: string; dispatches: Dispatch[]; out: GPUBuffer; encodeBefore?: (e: GPUCommandEncoder) => void }[];
}

async function pipelineOf(device: GPUDevice, name: string, code: string): Promise<GPUComputePipeline> {
  return computePipeline(device, name, code);
}

/** out = f(a, b) elementwise, V vec4s a thread. */
function vec4Map(inputs: number, v: number, body: string): string {
  const bindings = [...Array(inputs).keys()].map((i) => `@group(0) @binding(${i + 1}) var<storage, read> in${i}: array<vec4f>;`).join('\n');
  return `struct Params { n4: u32, slope: f32 }
@group(0) @binding(0) var<uniform> p: Params;
${bindings}
@group(0) @binding(${inputs + 1}) var<storage, read_write> out: array<vec4f>;
${ENTRY}) {
  ${INDEX}
  for (var k = 0u; k < ${v}u; k++) {
    let q = t * ${v}u + k;
    if (q < p.n4) { ${body} }
  }
}`;
}

/** The reduce family's chunked variant (core/kernels/reduce.ts), its partial sums in buffers of its own. */
async function chunkedVariant(device: GPUDevice, x: GPUBuffer, outer: number, axis: number, inner: number): Promise<Built['variants'][number]> {
  const out = storageBuffer(device, 4 * outer * inner);
  const launches = chunkedSumLaunches(x, out, outer, axis, inner, 1, { acquire: (bytes) => storageBuffer(device, bytes) });
  return { name: `chunked (reduce.ts), ${launches.length} passes`, out, dispatches: await Promise.all(launches.map((l) => launchDispatch(device, l))) };
}

async function build(device: GPUDevice, name: string, sg: number): Promise<Built> {
  switch (name) {
    case 'add': {
      const n = 1 << 24;
      const a = storageBuffer(device, randomArray(n, 1));
      const b = storageBuffer(device, randomArray(n, 2));
      const realOut = storageBuffer(device, 4 * n);
      const variants = [];
      for (const v of [1, 4]) {
        const out = storageBuffer(device, 4 * n);
        const pipeline = await pipelineOf(device, `add-v${v}`, vec4Map(2, v, 'out[q] = in0[q] + in1[q];'));
        variants.push({ name: `vec4x${v}`, out, dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, [uniformBuffer(device, new Uint32Array([n / 4, 0])), a, b, out]), workgroups: grid(n / 4 / v) }] });
      }
      return { real: [binaryLaunch('add', a, b, realOut, [n], [1], [1], true)], realOut, floats: n, bytes: 12 * n, variants };
    }
    case 'leaky':
    case 'leaky-backward': {
      const n = 1 << 22;
      const x = storageBuffer(device, randomArray(n, 1));
      const y = storageBuffer(device, randomArray(n, 2));
      const dy = storageBuffer(device, randomArray(n, 3));
      const realOut = storageBuffer(device, 4 * n);
      const forward = name === 'leaky';
      const variants = [];
      for (const v of [1, 4]) {
        const out = storageBuffer(device, 4 * n);
        const body = forward ? 'let a = in0[q]; out[q] = select(p.slope * a, a, a > vec4f(0.0));' : 'out[q] = in1[q] * select(vec4f(p.slope), vec4f(1.0), in0[q] > vec4f(0.0));';
        const pipeline = await pipelineOf(device, `${name}-v${v}`, vec4Map(forward ? 1 : 2, v, body));
        const params = uniformBuffer(device, new Uint32Array([n / 4, f32bits(0.2)]));
        variants.push({ name: `vec4x${v}`, out, dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, forward ? [params, x, out] : [params, x, dy, out]), workgroups: grid(n / 4 / v) }] });
      }
      const real = forward ? unaryLaunch('leakyRelu', x, realOut, n, 0.2) : unaryBackwardLaunch('leakyRelu', x, y, dy, realOut, n, 0.2);
      return { real: [real], realOut, floats: n, bytes: (forward ? 8 : 12) * n, variants };
    }
    case 'concat': {
      // The U-Net skip: [64, 64, 256] + [64, 64, 256] along channels.
      const [b, c, l] = [64, 64, 256];
      const part = b * c * l;
      const x0 = storageBuffer(device, randomArray(part, 1));
      const x1 = storageBuffer(device, randomArray(part, 2));
      const realOut = storageBuffer(device, 8 * part);
      const dstStrides = rowMajorStrides([b, 2 * c, l]);
      const real = [x0, x1].map((src, i) => copyBoxLaunch(src, realOut, { extent: [b, c, l], srcStrides: rowMajorStrides([b, c, l]), srcOffset: 0, dstStrides, dstOffset: i * c * l }));
      const out = storageBuffer(device, 8 * part);
      const run = 4 * c * l;
      return {
        real, realOut, floats: 2 * part, bytes: 16 * part, variants: [{
          name: 'copyBufferToBuffer a run', out, dispatches: [],
          encodeBefore: (e) => {
            for (let n = 0; n < b; n++) {
              e.copyBufferToBuffer(x0, n * run, out, 2 * n * run, run);
              e.copyBufferToBuffer(x1, n * run, out, (2 * n + 1) * run, run);
            }
          },
        }],
      };
    }
    case 'reduce-all': {
      const n = 1 << 24;
      const x = storageBuffer(device, randomArray(n, 1));
      const realOut = storageBuffer(device, 16);
      const out = storageBuffer(device, 16);
      const v = 16;
      const partials = n / (4 * v * sg);
      const partial = storageBuffer(device, 4 * partials);
      const pipeline = await pipelineOf(device, 'reduce-all', `enable subgroups;
struct Params { n4: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
${ENTRY}, @builtin(subgroup_invocation_id) sl: u32) {
  ${INDEX}
  var s = vec4f(0.0);
  for (var k = 0u; k < ${v}u; k++) {
    let q = t * ${v}u + k;
    if (q < p.n4) { s += x[q]; }
  }
  let total = subgroupAdd(s.x + s.y + s.z + s.w);
  if (sl == 0u) { partial[t / ${sg}u] = total; }
}`);
      const second = await launchDispatch(device, sumAxisLaunch(partial, out, 1, partials, 1, 1));
      return {
        real: [sumAxisLaunch(x, realOut, 1, n, 1, 1)], realOut, floats: 1, bytes: 4 * n,
        variants: [
          { name: `vec4x${v} + subgroupAdd, then sum_rows`, out, dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, [uniformBuffer(device, new Uint32Array([n / 4])), x, partial]), workgroups: grid(n / 4 / v) }, second] },
          await chunkedVariant(device, x, 1, n, 1),
        ],
      };
    }
    case 'reduce-rows': {
      const [rows, cols] = [16384, 128];
      const x = storageBuffer(device, randomArray(rows * cols, 1));
      const realOut = storageBuffer(device, 4 * cols);
      const out = storageBuffer(device, 4 * cols);
      const chunk = 256;
      const chunks = rows / chunk;
      const partial = storageBuffer(device, 4 * chunks * cols);
      const pipeline = await pipelineOf(device, 'reduce-rows', `struct Params { rows: u32, cols4: u32, chunk: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> partial: array<vec4f>;
${ENTRY}) {
  ${INDEX}
  let col = t % p.cols4;
  let c = t / p.cols4;
  if (c * p.chunk >= p.rows) { return; }
  var s = vec4f(0.0);
  for (var r = c * p.chunk; r < min((c + 1u) * p.chunk, p.rows); r++) { s += x[r * p.cols4 + col]; }
  partial[c * p.cols4 + col] = s;
}`);
      const second = await launchDispatch(device, sumAxisLaunch(partial, out, 1, chunks, cols, 1));
      return {
        real: [sumAxisLaunch(x, realOut, 1, rows, cols, 1)], realOut, floats: cols, bytes: 4 * rows * cols,
        variants: [
          { name: `vec4 columns x ${chunks} chunks, then sum`, out, dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, [uniformBuffer(device, new Uint32Array([rows, cols / 4, chunk])), x, partial]), workgroups: grid(chunks * cols / 4) }, second] },
          await chunkedVariant(device, x, 1, rows, cols),
        ],
      };
    }
    case 'gaussian': {
      const [outer, length] = [64 * 64, 256];
      const spec = gaussianFilterSpec(2);
      const m = spec.halfWindow;
      const weights = gaussianFilterWeights(spec);
      const x = storageBuffer(device, randomArray(outer * length, 1));
      const realOut = storageBuffer(device, 4 * outer * length);
      const out = storageBuffer(device, 4 * outer * length);
      const P = 8;
      const first = -Math.ceil(m / 4) * 4;
      const count = Math.ceil((P + m - first) / 4);
      const taps: string[] = [];
      for (let u = 0; u < P; u++) {
        const terms = [];
        for (let j = -m; j <= m; j++) {
          const at = u + j - first;
          terms.push(`${weights[j + m]!.toPrecision(9)} * w_${at >> 2}.${'xyzw'[at & 3]}`);
        }
        taps.push(`  let y_${u} = ${terms.join(' + ')};`);
      }
      const pipeline = await pipelineOf(device, 'gaussian', `struct Params { rows: u32, length: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
// x[row, clamp(i)] for 4 positions from i (edges replicate, Eq. 1 as the real kernel reads it).
fn load_clamped(row: u32, i: i32) -> vec4f {
  let last = i32(p.length) - 1;
  let at = clamp(vec4i(i) + vec4i(0, 1, 2, 3), vec4i(0), vec4i(last));
  let base = row * p.length;
  if (i >= 0 && i + 3 <= last) {
    let v = (base + u32(i)) / 4u;
    return vec4f(x[base + u32(at.x)], x[base + u32(at.y)], x[base + u32(at.z)], x[base + u32(at.w)]);
  }
  return vec4f(x[base + u32(at.x)], x[base + u32(at.y)], x[base + u32(at.z)], x[base + u32(at.w)]);
}
${ENTRY}) {
  ${INDEX}
  let blocks = p.length / ${P}u;
  let row = t / blocks;
  if (row >= p.rows) { return; }
  let t0 = (t % blocks) * ${P}u;
${[...Array(count).keys()].map((v) => `  let w_${v} = load_clamped(row, i32(t0) + ${first + 4 * v});`).join('\n')}
${taps.join('\n')}
${[...Array(P / 4).keys()].map((q) => `  y[(row * p.length + t0) / 4u + ${q}u] = vec4f(y_${4 * q}, y_${4 * q + 1}, y_${4 * q + 2}, y_${4 * q + 3});`).join('\n')}
}`);
      // The same with vec4 loads in the interior (x bound as vec4s).
      const pipeline4 = await pipelineOf(device, 'gaussian4', `struct Params { rows: u32, length: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
fn at1(row: u32, i: i32) -> f32 {
  let c = u32(clamp(i, 0, i32(p.length) - 1));
  let q = row * p.length + c;
  return x[q / 4u][q % 4u];
}
fn load_clamped(row: u32, i: i32) -> vec4f {
  if (i >= 0 && i + 3 < i32(p.length)) { return x[(row * p.length + u32(i)) / 4u]; }
  return vec4f(at1(row, i), at1(row, i + 1), at1(row, i + 2), at1(row, i + 3));
}
${ENTRY}) {
  ${INDEX}
  let blocks = p.length / ${P}u;
  let row = t / blocks;
  if (row >= p.rows) { return; }
  let t0 = (t % blocks) * ${P}u;
${[...Array(count).keys()].map((v) => `  let w_${v} = load_clamped(row, i32(t0) + ${first + 4 * v});`).join('\n')}
${taps.join('\n')}
${[...Array(P / 4).keys()].map((q) => `  y[(row * p.length + t0) / 4u + ${q}u] = vec4f(y_${4 * q}, y_${4 * q + 1}, y_${4 * q + 2}, y_${4 * q + 3});`).join('\n')}
}`);
      // As a .wgsl file would have it: the half-window an override, loops and a private window array.
      const pipelineStatic = await computePipeline(device, 'gaussian-static', `struct Params { rows: u32, length: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
override HALF_WINDOW: u32 = 6u;
const P: u32 = 8u;
const MAX_WINDOW: u32 = 8u + 62u;
const W = array<f32, 13>(${[...weights].map((w) => w.toPrecision(9)).join(', ')});
${ENTRY}) {
  ${INDEX}
  let blocks = p.length / P;
  let row = t / blocks;
  if (row >= p.rows) { return; }
  let t0 = i32((t % blocks) * P);
  let m = i32(HALF_WINDOW);
  let last = i32(p.length) - 1;
  var window: array<f32, MAX_WINDOW>;
  for (var e = 0; e < i32(P) + 2 * m; e++) { window[e] = x[row * p.length + u32(clamp(t0 - m + e, 0, last))]; }
  for (var u = 0u; u < P; u++) {
    var acc = 0.0;
    for (var j = 0u; j <= 2u * HALF_WINDOW; j++) { acc += W[j] * window[u + j]; }
    y[row * p.length + u32(t0) + u] = acc;
  }
}`, { HALF_WINDOW: m });
      const outStatic = storageBuffer(device, 4 * outer * length);
      const pipelineUbo = await computePipeline(device, 'gaussian-static-ubo', `struct Params { rows: u32, length: u32, pad0: u32, pad1: u32, weights: array<vec4f, 16> }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
override HALF_WINDOW: u32 = 6u;
const P: u32 = 8u;
const MAX_WINDOW: u32 = 8u + 62u;
${ENTRY}) {
  ${INDEX}
  let blocks = p.length / P;
  let row = t / blocks;
  if (row >= p.rows) { return; }
  let t0 = i32((t % blocks) * P);
  let m = i32(HALF_WINDOW);
  let last = i32(p.length) - 1;
  var window: array<f32, MAX_WINDOW>;
  for (var e = 0; e < i32(P) + 2 * m; e++) { window[e] = x[row * p.length + u32(clamp(t0 - m + e, 0, last))]; }
  for (var u = 0u; u < P; u++) {
    var acc = 0.0;
    for (var j = 0u; j <= 2u * HALF_WINDOW; j++) { acc += p.weights[j / 4u][j % 4u] * window[u + j]; }
    y[row * p.length + u32(t0) + u] = acc;
  }
}`, { HALF_WINDOW: m });
      const uboParams = new Float32Array(4 + 64);
      new Uint32Array(uboParams.buffer).set([outer, length], 0);
      uboParams.set([...weights], 4);
      const paramsUbo = uniformBuffer(device, uboParams);
      const outUbo = storageBuffer(device, 4 * outer * length);
      const params = uniformBuffer(device, new Uint32Array([outer, length]));
      const out4 = storageBuffer(device, 4 * outer * length);
      const outRows = storageBuffer(device, 4 * outer * length);
      return {
        real: [gaussianFilterLaunch(x, realOut, { outer, length, inner: 1 }, spec)], realOut, floats: outer * length, bytes: 8 * outer * length,
        variants: [
          { name: 'forward_rows (8 a thread, before)', out: outRows, dispatches: [await launchDispatch(device, { ...gaussianFilterLaunch(x, outRows, { outer, length, inner: 1 }, spec), entry: 'forward_rows', workgroups: grid(outer * length / 8 * 4) })] },
          { name: `${P} outputs a thread, float loads`, out, dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, [params, x, out]), workgroups: grid(outer * length / P) }] },
          { name: `${P} outputs a thread, static WGSL (override + loops)`, out: outStatic, dispatches: [{ pipeline: pipelineStatic, bindGroup: bindGroup(device, pipelineStatic, [params, x, outStatic]), workgroups: grid(outer * length / P) }] },
          { name: `${P} outputs a thread, static, weights from the uniform`, out: outUbo, dispatches: [{ pipeline: pipelineUbo, bindGroup: bindGroup(device, pipelineUbo, [paramsUbo, x, outUbo]), workgroups: grid(outer * length / P) }] },
          { name: `${P} outputs a thread, vec4 loads`, out: out4, dispatches: [{ pipeline: pipeline4, bindGroup: bindGroup(device, pipeline4, [params, x, out4]), workgroups: grid(outer * length / P) }] },
        ],
      };
    }
    case 'group-norm':
    case 'group-norm-backward': {
      const g = { batch: 64, channels: 64, length: 256, groups: 8, eps: 1e-5 };
      const size = g.batch * g.channels * g.length;
      const x = storageBuffer(device, randomArray(size, 1));
      const gamma = storageBuffer(device, randomArray(g.channels, 2));
      const beta = storageBuffer(device, randomArray(g.channels, 3));
      const dy = storageBuffer(device, randomArray(size, 4));
      const realOut = storageBuffer(device, 4 * size);
      const mean = storageBuffer(device, 4 * g.batch * g.groups);
      const rstd = storageBuffer(device, 4 * g.batch * g.groups);
      const forward = name === 'group-norm';
      // Statistics for the backward come from the real forward.
      await runOnce(device, [await launchDispatch(device, groupNormForwardLaunch(g, x, gamma, beta, storageBuffer(device, 4 * size), mean, rstd))]);
      const real = forward ? groupNormForwardLaunch(g, x, gamma, beta, realOut, mean, rstd) : groupNormBackwardInputLaunch(g, x, mean, rstd, gamma, dy, realOut);
      const out = storageBuffer(device, 4 * size);
      const out2 = storageBuffer(device, 4 * size);
      const mean2 = storageBuffer(device, 4 * g.batch * g.groups);
      const rstd2 = storageBuffer(device, 4 * g.batch * g.groups);
      const params = uniformBuffer(device, new Uint32Array([g.batch, g.channels, g.length, g.groups, f32bits(g.eps), 0, 0, 0]));
      const head = `enable subgroups;
struct Params { batch: u32, channels: u32, length: u32, groups: u32, eps: f32 }
@group(0) @binding(0) var<uniform> p: Params;
const SG: u32 = ${sg}u;`;
      // A subgroup a group; 64-thread workgroups.
      const entry = `@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(subgroup_invocation_id) sl: u32) {
  let group = (wg.y * nwg.x + wg.x) * (64u / SG) + lane / SG;
  let live = group < p.batch * p.groups;
  let per_group = p.channels / p.groups;
  let n4 = select(0u, per_group * p.length / 4u, live);
  let base = group * per_group * p.length / 4u;
  let first_channel = (group % p.groups) * per_group;
  let length4 = p.length / 4u;`;
      const variants = [];
      if (forward) {
        for (const passes of [3, 2]) {
          const stats = passes === 3
            ? `  var total = vec4f(0.0);
  for (var j = sl; j < n4; j += SG) { total += x[base + j]; }
  let mean = subgroupAdd(dot(total, vec4f(1.0))) / f32(max(4u * n4, 1u));
  var squares = vec4f(0.0);
  for (var j = sl; j < n4; j += SG) { let d = x[base + j] - mean; squares += d * d; }
  let rstd = inverseSqrt(subgroupAdd(dot(squares, vec4f(1.0))) / f32(max(4u * n4, 1u)) + p.eps);`
            // One pass: sums about the group's first value (shifted data keeps the variance accurate when the
            // mean is far from 0 relative to the spread).
            : `  let shift = x[min(base, arrayLength(&x) - 1u)].x;
  var total = vec4f(0.0);
  var squares = vec4f(0.0);
  for (var j = sl; j < n4; j += SG) { let d = x[base + j] - shift; total += d; squares += d * d; }
  let count = f32(max(4u * n4, 1u));
  let s1 = subgroupAdd(dot(total, vec4f(1.0))) / count;
  let mean = shift + s1;
  let rstd = inverseSqrt(max(subgroupAdd(dot(squares, vec4f(1.0))) / count - s1 * s1, 0.0) + p.eps);`;
          const pipeline = await pipelineOf(device, `gn${passes}`, `${head}
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd_out: array<f32>;
${entry}
${stats}
  for (var j = sl; j < n4; j += SG) {
    let c = first_channel + j / length4;
    y[base + j] = (x[base + j] - mean) * rstd * gamma[c] + beta[c];
  }
  if (live && sl == 0u) { mean_out[group] = mean; rstd_out[group] = rstd; }
}`);
          const o = passes === 3 ? out : out2;
          variants.push({ name: `subgroup a group, vec4, ${passes} reads`, out: o, dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, [params, x, gamma, beta, o, mean2, rstd2]), workgroups: [Math.ceil((g.batch * g.groups) / (64 / sg)), 1, 1] as [number, number, number] }] });
        }
      } else {
        const pipeline = await pipelineOf(device, 'gn-backward', `${head}
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> mean_in: array<f32>;
@group(0) @binding(3) var<storage, read> rstd_in: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> dx: array<vec4f>;
${entry}
  let stats = min(group, p.batch * p.groups - 1u);
  let mean = mean_in[stats];
  let rstd = rstd_in[stats];
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  for (var j = sl; j < n4; j += SG) {
    let dxhat = dy[base + j] * gamma[first_channel + j / length4];
    s1 += dxhat;
    s2 += dxhat * (x[base + j] - mean) * rstd;
  }
  let count = f32(max(4u * n4, 1u));
  let m1 = subgroupAdd(dot(s1, vec4f(1.0))) / count;
  let m2 = subgroupAdd(dot(s2, vec4f(1.0))) / count;
  for (var j = sl; j < n4; j += SG) {
    let dxhat = dy[base + j] * gamma[first_channel + j / length4];
    let xhat = (x[base + j] - mean) * rstd;
    dx[base + j] = rstd * (dxhat - m1 - xhat * m2);
  }
}`);
        variants.push({ name: 'subgroup a group, vec4', out, dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, [params, x, mean, rstd, gamma, dy, out]), workgroups: [Math.ceil((g.batch * g.groups) / (64 / sg)), 1, 1] as [number, number, number] }] });
      }
      return { real: [real], realOut, floats: size, bytes: real.bytes, variants };
    }
    case 'adam': {
      // Four tensors of n / 4 values: one dispatch of four slots (what Adam.step records) against a dispatch a tensor.
      const n = 1 << 20;
      const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
      const tensors = (seed: number) => Array.from({ length: 4 }, (_, t) => ({
        grad: storageBuffer(device, randomArray(n / 4, seed + 10 * t)), param: storageBuffer(device, randomArray(n / 4, seed + 10 * t + 1)),
        m: storageBuffer(device, randomArray(n / 4, seed + 10 * t + 2).map(Math.abs)), v: storageBuffer(device, randomArray(n / 4, seed + 10 * t + 3).map(Math.abs)), n: n / 4,
      }));
      const grouped = tensors(1);
      const real = adamGroupLaunch(grouped, 1, h);
      const single = tensors(1);
      const dispatches = await Promise.all(single.map((slot) => launchDispatch(device, adamGroupLaunch([slot], 1, h))));
      // Adam updates in place: every run starts from the values the last one left, in both variants alike.
      return { real: [real], realOut: grouped[0]!.param, floats: n / 4, bytes: real.bytes, variants: [{ name: 'a dispatch a tensor', out: single[0]!.param, dispatches }] };
    }
    default:
      throw new Error(`--case: unknown ${name}`);
  }
}

async function main(): Promise<void> {
  const name = flag('case') ?? 'add';
  const { device, subgroupSize } = await rawDevice();
  const sg = subgroupSize?.min ?? 8;
  const built = await build(device, name, sg);
  const realDispatches = await Promise.all(built.real.map((l) => launchDispatch(device, l)));
  await runOnce(device, realDispatches);
  const expected = await readBuffer(device, built.realOut, 4 * built.floats);
  const variants: RawVariant[] = [(await peakVariants(device))[1]!, { name: 'real', flops: 0, bytes: built.bytes, dispatches: realDispatches }];
  for (const v of built.variants) {
    if (!selected(v.name)) continue;
    const floats = built.floats;
    variants.push({
      name: v.name, flops: 0, bytes: built.bytes, dispatches: v.dispatches, encodeBefore: v.encodeBefore,
      // Adam is stateful: its two copies drift apart after the first run, so only the first run is compared.
      check: name === 'adam' ? undefined : async () => relativeError(await readBuffer(device, v.out, 4 * floats), expected),
    });
  }
  if (name === 'adam') {
    await runOnce(device, variants[2]!.dispatches);
    console.log(`adam: a dispatch a tensor after one step vs real after one step: err ${relativeError(await readBuffer(device, built.variants[0]!.out, 4 * built.floats), expected).toExponential(1)}`);
  }
  console.log(`${name}: ${built.real.map((l) => `${l.kernel.name}.${l.entry} ${l.shapes}`).join(' + ')}`);
  printRaw(await compareRaw(device, variants), 'real');
  process.exit(0);
}

await main();
