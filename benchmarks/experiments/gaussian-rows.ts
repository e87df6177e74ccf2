// Experiment: the Gaussian filter's row kernel (talking-head/kernels/gaussian-filter.wgsl forward_rows_stream: the
// window slid along the row in registers, one vec4 load and one store a vec4 of outputs) at the bench row's shape,
// interleaved with the copy kernel, against the kernel it replaced (16 outputs a thread from a window of 8 vec4s,
// kept below as it was) and against the stream kernel written out for this m (whether the .wgsl's loops unroll),
// and with the weights as constants. Several chunk lengths (STREAM4 vec4s a thread). Every output is checked
// against the old kernel's. The cpu column (this process's CPU time a run) ranks them more steadily than the wall
// time when other jobs share the machine.
//
// Run: timeout 300 node --import ./runtime-node/register.mjs benchmarks/experiments/gaussian-rows.ts [--rounds=5]
//        [--rows=4096] [--length=256] [--sigma=2]
import { gridForItems } from '../../core/kernels/launch.ts';
import { gaussianFilterLaunch, gaussianFilterSpec, gaussianFilterWeights } from '../../talking-head/kernels/gaussian-filter.ts';
import { randomArray } from './lab.ts';
import { type RawVariant, compareRaw, flag, launchDispatch, peakVariants, printRaw, rawDevice, readBuffer, relativeError, runOnce, storageBuffer } from './raw-lab.ts';


// talking-head/kernels/gaussian-filter.wgsl at 08f8d9a: its forward_rows_vec4 with what it uses.
const BEFORE = `const WG: u32 = 64u;

struct Params {
  outer: u32, length: u32, inner: u32, half_window: u32,
  // w_{k - m} for k = 0 .. 2m, four a vec4 (uniform arrays need a 16-byte element stride)
  weights: array<vec4f, 16>,
  // c_k = w_{-m} + ... + w_{k-1-m} for k = 0 .. 2m + 1
  cumulative: array<vec4f, 16>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> values_in: array<f32>;
@group(0) @binding(2) var<storage, read_write> values_out: array<f32>;

fn weight(k: u32) -> f32 {
  return params.weights[k / 4u][k % 4u];
}

fn cumulative(k: u32) -> f32 {
  return params.cumulative[k / 4u][k % 4u];
}

// The flat element index of this thread, or an index >= the element count when it has none.
fn element_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

// y = A x: one thread an output sample.
override HALF_WINDOW: u32 = 0u;

// forward_rows_vec4: forward_rows when T % 4 == 0, with vec4 loads and stores and ROW_BLOCK4 outputs a thread
// (a row of 256 samples: 16 threads). The window starts HALF_WINDOW4 = m rounded up to a multiple of 4 samples
// before the block, so each of its vec4s is one aligned vec4 of the row; a window vec4 wholly past an end of the
// row (T % 4 == 0: none is partly past) holds that end's sample four times, by clamping its index into the row and
// splatting the end component with a select: no lane branches, and no load is split into floats. Per 16 outputs
// and m = 6: 8 vec4 loads and 4 vec4 stores, where forward_rows makes 28 float loads and 16 float stores.
override HALF_WINDOW4: u32 = (HALF_WINDOW + 3u) / 4u * 4u;
const ROW_BLOCK4: u32 = 16u;
const ROWS_WG: u32 = 256u;

@group(0) @binding(1) var<storage, read> values_in4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> values_out4: array<vec4f>;

// sum_{k = 0}^{2m} w_{k - m} window[at + k]: one output of forward_rows_vec4's block.
fn filtered(window: ptr<function, array<f32, 80>>, at: u32) -> f32 {
  var acc = 0.0;
  for (var k = 0u; k <= 2u * HALF_WINDOW; k++) { acc += weight(k) * (*window)[at + k]; }
  return acc;
}

@compute @workgroup_size(ROWS_WG)
fn forward_rows_vec4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let T4 = params.length / 4u;
  let blocks = (params.length + ROW_BLOCK4 - 1u) / ROW_BLOCK4;
  let thread = (wg.y * nwg.x + wg.x) * ROWS_WG + lane;
  let row = thread / blocks;
  if (row >= params.outer) { return; }
  let block4 = (thread % blocks) * (ROW_BLOCK4 / 4u);
  let base4 = row * T4;
  // window[e] is sample t0 - HALF_WINDOW4 + e of the row (t0 = 4 block4, the block's first output).
  let first4 = i32(block4) - i32(HALF_WINDOW4 / 4u);
  let last4 = i32(T4) - 1;
  var window: array<f32, 80>;
  for (var v = 0u; v < ROW_BLOCK4 / 4u + HALF_WINDOW4 / 2u; v++) {
    let q = first4 + i32(v);
    let w = values_in4[base4 + u32(clamp(q, 0, last4))];
    let sample = select(select(w, vec4f(w.w), q > last4), vec4f(w.x), q < 0);
    window[4u * v] = sample.x;
    window[4u * v + 1u] = sample.y;
    window[4u * v + 2u] = sample.z;
    window[4u * v + 3u] = sample.w;
  }
  // Output t0 + u reads samples t0 + u - m .. t0 + u + m, which sit at window[u + HALF_WINDOW4 - m ...].
  let shift = HALF_WINDOW4 - HALF_WINDOW;
  for (var s = 0u; s < ROW_BLOCK4 / 4u; s++) {
    let at = 4u * s + shift;
    let y = vec4f(filtered(&window, at), filtered(&window, at + 1u), filtered(&window, at + 2u), filtered(&window, at + 3u));
    if (block4 + s < T4) { values_out4[base4 + block4 + s] = y; }
  }
}
`;

const rows = Number(flag('rows') ?? 64 * 64);
const length = Number(flag('length') ?? 256);
const spec = gaussianFilterSpec(Number(flag('sigma') ?? 2));
const { device } = await rawDevice();
const x = storageBuffer(device, randomArray(rows * length, 1));
const axis = { outer: rows, length, inner: 1 };
const realOut = storageBuffer(device, 4 * rows * length);
const real = gaussianFilterLaunch(x, realOut, axis, spec);
if (real.entry !== 'forward_rows_stream') throw new Error(`expected forward_rows_stream at this shape, the launcher chose ${real.entry}`);
// The kernel of 2026-12-02 (forward_rows_vec4), as it was.
const before = { name: 'gaussian-before', file: 'gaussian-before.wgsl', code: BEFORE };
const realDispatch = await launchDispatch(device, { ...real, kernel: before, entry: 'forward_rows_vec4', constants: { HALF_WINDOW: spec.halfWindow }, workgroups: gridForItems(rows * Math.ceil(length / 16), 256) });
await runOnce(device, [realDispatch]);
const expected = await readBuffer(device, realOut, 4 * rows * length);

const variants: RawVariant[] = [(await peakVariants(device))[1]!, { name: 'before: 16 a thread', flops: real.flops, bytes: real.bytes, dispatches: [realDispatch] }];
for (const stream4 of [16, 32, 64]) {
  if (4 * stream4 > length) continue;
  const out = storageBuffer(device, 4 * rows * length);
  const launch = {
    ...real, entry: 'forward_rows_stream', buffers: [x, out], constants: { HALF_WINDOW: spec.halfWindow, STREAM4: stream4 },
    workgroups: gridForItems(rows * Math.ceil(length / 4 / stream4), 256),
  };
  variants.push({
    name: `forward_rows_stream, ${stream4} vec4s`, flops: real.flops, bytes: real.bytes, dispatches: [await launchDispatch(device, launch)],
    check: async () => relativeError(await readBuffer(device, out, 4 * rows * length), expected),
  });
}
// The stream kernel written out for this m (no loops but the one along the row): whether the .wgsl's loops unroll.
const m = spec.halfWindow;
const reach4 = Math.ceil(m / 4);
const W = 2 * reach4 + 1;
const shift = 4 * reach4 - m;
const slot = (e: number) => `w${e >> 2}.${'xyzw'[e & 3]}`;
const tap = (c: number) => [...Array(2 * m + 1).keys()].map((k) => `params.weights[${k >> 2}][${k & 3}] * ${slot(c + shift + k)}`).join(' + ');
const written = `struct Params { outer: u32, length: u32, inner: u32, half_window: u32, weights: array<vec4f, 16>, cumulative: array<vec4f, 16> }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> values_in4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> values_out4: array<vec4f>;
override STREAM4: u32 = 16u;
fn row_vec4(base4: u32, q: i32, last4: i32) -> vec4f {
  let w = values_in4[base4 + u32(clamp(q, 0, last4))];
  return select(select(w, vec4f(w.w), q > last4), vec4f(w.x), q < 0);
}
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let T4 = params.length / 4u;
  let chunks = (T4 + STREAM4 - 1u) / STREAM4;
  let thread = (wg.y * nwg.x + wg.x) * 256u + lane;
  let row = thread / chunks;
  if (row >= params.outer) { return; }
  let start4 = (thread % chunks) * STREAM4;
  let end4 = min(start4 + STREAM4, T4);
  let base4 = row * T4;
  let last4 = i32(T4) - 1;
${[...Array(W).keys()].map((v) => `  var w${v} = ${v === 0 ? 'vec4f(0.0)' : `row_vec4(base4, i32(start4) - ${reach4 + 1 - v}, last4)`};`).join('\n')}
  for (var s = start4; s < end4; s++) {
${[...Array(W - 1).keys()].map((v) => `    w${v} = w${v + 1};`).join('\n')}
    w${W - 1} = row_vec4(base4, i32(s) + ${reach4}, last4);
    values_out4[base4 + s] = vec4f(${[0, 1, 2, 3].map(tap).join(',\n      ')});
  }
}`;
// The same with the weights as constants (folded into the code) and the symmetric taps paired: m + 1 products an output.
const weights = gaussianFilterWeights(spec);
const pairedTap = (c: number) => [`${weights[m]!.toPrecision(9)} * ${slot(c + shift + m)}`,
  ...[...Array(m).keys()].map((j) => `${weights[m + j + 1]!.toPrecision(9)} * (${slot(c + shift + m - j - 1)} + ${slot(c + shift + m + j + 1)})`)].join(' + ');
const paired = written.replace(/vec4f\(params\.weights[^;]*\);\n  \}\n\}$/s, '') + `vec4f(${[0, 1, 2, 3].map(pairedTap).join(',\n      ')});\n  }\n}`;
for (const [label, code] of [['written out', written], ['constant paired weights', paired]] as const) for (const stream4 of [16, 32]) {
  const out = storageBuffer(device, 4 * rows * length);
  const kernel = { name: `gaussian-${label}`, file: `gaussian-${label}.wgsl`, code };
  const launch = { ...real, kernel, entry: 'main', buffers: [x, out], constants: { STREAM4: stream4 }, workgroups: gridForItems(rows * Math.ceil(length / 4 / stream4), 256) };
  variants.push({
    name: `stream ${label}, ${stream4} vec4s`, flops: real.flops, bytes: real.bytes, dispatches: [await launchDispatch(device, launch)],
    check: async () => relativeError(await readBuffer(device, out, 4 * rows * length), expected),
  });
}
console.log(`gaussian rows [${rows}, ${length}] sigma ${spec.sigma} m ${spec.halfWindow}`);
printRaw(await compareRaw(device, variants), 'before: 16 a thread');
process.exit(0);

