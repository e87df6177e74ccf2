// conv1d kernels that share one operand over a subgroup: the variants "subgroup-*" of the conv1d families
// (conv1d-families.ts). Their WGSL is written here, not in a .wgsl file, for two reasons: subgroupBroadcast takes
// its source lane as a constant expression only, so every broadcast is spelled out for the subgroup size; and
// llvmpipe keeps a lane's block of accumulators in registers only when every loop over it is unrolled and every
// tap reads a window element known at compile time. What is baked in: the conv geometry that decides which input
// a tap reads (kernel size K, stride s, dilation d, padding p), the block sizes and the subgroup size. Batch,
// channels and lengths stay in the uniform, so one pipeline serves every layer of one kind. The measurements
// behind this design are in core/kernels/PERFORMANCE.md.
//
// Gather convolutions (forward, and grad_input, the transposed convolution), written as one kernel:
//   forward:     y[n, r, j]  = act(bias[r] + sum_{q < Cin, k < K} w[r, q, k] x[n, q, j s - p + k d])
//   grad_input:  dx[n, r, j] = bias[r] + sum_{q < Cout, k < K : (j + p - k d) % s == 0} w[q, r, k] dy[n, q, (j + p - k d) / s]
//                (bias: convTranspose1d's; act: leaky ReLU with slope a when fused, else the identity)
// The SG lanes of a subgroup take SG neighbouring blocks of P output positions (counted along (n, j), so short
// rows still fill a subgroup), all for the same R output rows r0 .. r0 + R - 1. So every lane needs the same
// weights: for each q the lanes load the R x K weights between them (value f = i K + k lives in lane f % SG) and
// pass each around with subgroupBroadcast (a register extract on llvmpipe, where a subgroup is the SIMD
// register), while each lane loads its own input window, as vec4s when rows are whole vec4s. R x P scalar
// accumulators a lane (llvmpipe holds one f32 an invocation in one SIMD register, so a vec4 would only be four).
// Forward, packed: the weights first rearranged (conv1dPackWeightsLaunch) so that the R x K values of one q are
// contiguous vec4s; value f then lives in component f % 4 of lane (f / 4) % SG's load f / (4 SG), and a lane
// makes R K / (4 SG) vec4 loads a q instead of R K / SG scalar ones.
//
// grad_weight, with dy shared:
//   dw[r, q, k] = sum_{n, j} dy[n, r, j] x[n, q, j s - p + k d]         db[r] = sum_{n, j} dy[n, r, j]
// The lanes of a subgroup are SG x Q neighbouring input channels q, walking the same blocks of P positions of
// the same R dy rows: the subgroup loads each dy block once (R P / (4 SG) vec4s a lane) and broadcasts it, each
// lane loads only its channels' x windows (one window serves every tap). Each lane owns its dw[r, q, k]; the
// (n, j) blocks are split over `splits` subgroups, whose partial sums [splits, Cout, Cin, K] are added after.
//
// Both rely on a subgroup being SG consecutive invocations of the 1-D workgroup (true of lavapipe, SwiftShader
// and the GPUs we know; the tests check each variant against the reference on the adapter they run on).
import type { Conv1dGeometry } from './conv1d.ts';
import { generatedSource } from './generated-sources.ts';
import { type KernelLaunch, type KernelSource, f32, gridFor, u32 } from './launch.ts';

const WG = 64;
const COMPONENT = 'xyzw';

export interface GatherBlocking {
  /** Output rows a subgroup shares. */
  readonly rows: number;
  /** Output positions a lane; a multiple of 4 (and, for grad_input, of 4 s). */
  readonly positions: number;
}

export interface GradWeightBlocking {
  /** dy rows (output channels) a subgroup shares. */
  readonly rows: number;
  /** Input channels a lane. */
  readonly channels: number;
  /** Positions a block; R P / 4 must be a multiple of the subgroup size. */
  readonly positions: number;
}

interface GatherSpec extends GatherBlocking {
  readonly direction: 'forward' | 'grad_input';
  readonly kernelSize: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padding: number;
  readonly subgroupSize: number;
  /** Input rows are whole vec4s (their length a multiple of 4): windows load as vec4s. */
  readonly vec4Input: boolean;
  /** Output rows are whole vec4s: stores are vec4s. */
  readonly vec4Output: boolean;
  readonly leaky: boolean;
  /** The weights come packed (conv1dPackWeightsLaunch): each subgroup's R x K values for one q are whole vec4s. */
  readonly packed: boolean;
}

interface GradWeightSpec extends GradWeightBlocking {
  readonly kernelSize: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padding: number;
  readonly subgroupSize: number;
  readonly vec4Input: boolean;
  readonly vec4Output: boolean;
  readonly bias: boolean;
}

/** Where output position j0 + u reads tap k, relative to the lane's window origin (see gather); null: nowhere. */
function tapOffset(spec: Pick<GatherSpec, 'direction' | 'stride' | 'dilation' | 'padding'>, u: number, k: number): number | null {
  const { stride: s, dilation: d, padding: p } = spec;
  if (spec.direction === 'forward') return u * s - p + k * d;
  const num = u + p - k * d;
  return ((num % s) + s) % s === 0 ? num / s : null;
}

/** The aligned vec4s a lane loads: relative positions first .. first + 4 count - 1. */
function windowOf(spec: Pick<GatherSpec, 'direction' | 'stride' | 'dilation' | 'padding' | 'kernelSize' | 'positions'>): { first: number; count: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let u = 0; u < spec.positions; u++) {
    for (let k = 0; k < spec.kernelSize; k++) {
      const e = tapOffset(spec, u, k);
      if (e === null) continue;
      lo = Math.min(lo, e);
      hi = Math.max(hi, e);
    }
  }
  if (lo === Infinity) return { first: 0, count: 1 };
  const first = Math.floor(lo / 4) * 4;
  return { first, count: Math.floor((hi - first) / 4) + 1 };
}

/** WGSL: x[row, i .. i + 3] for i a multiple of 4, zeros outside [0, length). */
function windowLoader(name: string, buffer: string, length: string, vec4: boolean): string {
  if (vec4) {
    return `fn ${name}(row: u32, i: i32) -> vec4f {
  let inside = i >= 0 && i < i32(${length});
  return select(vec4f(0.0), ${buffer}[(row * ${length} + u32(clamp(i, 0, i32(${length}) - 4))) / 4u], inside);
}`;
  }
  return `fn ${name}(row: u32, i: i32) -> vec4f {
  var v = vec4f(0.0);
  for (var c = 0; c < 4; c++) {
    let at = i + c;
    if (at >= 0 && at < i32(${length})) { v[c] = ${buffer}[row * ${length} + u32(at)]; }
  }
  return v;
}`;
}

function gatherCode(spec: GatherSpec): string {
  const { rows: R, positions: P, subgroupSize: SG, kernelSize: K } = spec;
  const forward = spec.direction === 'forward';
  const win = windowOf(spec);
  // Packed: value f of the block is component f % 4 of vec4 f / 4, which lives in lane (f / 4) % SG, load f / (4 SG).
  const perLoad = spec.packed ? 4 * SG : SG;
  const weightLoads = Math.ceil((R * K) / perLoad);
  const body: string[] = [];
  for (let i = 0; i < R; i++) for (let u = 0; u < P; u++) body.push(`  var acc_${i}_${u} = 0.0;`);
  body.push('  for (var q = 0u; q < p.in_rows; q++) {');
  for (let j = 0; j < weightLoads; j++) {
    body.push(spec.packed
      ? `    let wv_${j} = wp[min(((r0 / R) * p.in_rows + q) * ${weightLoads * SG}u + ${j * SG}u + sl, arrayLength(&wp) - 1u)];`
      : `    let wv_${j} = load_weight(r0, q, ${j * SG}u + sl);`);
  }
  body.push('    let in_row = n * p.in_rows + q;');
  for (let v = 0; v < win.count; v++) body.push(`    let xv_${v} = load_input(in_row, base + ${win.first + 4 * v});`);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < R; i++) {
      const f = i * K + k;
      const uses: string[] = [];
      for (let u = 0; u < P; u++) {
        const e = tapOffset(spec, u, k);
        if (e === null) continue;
        const at = e - win.first;
        uses.push(`    acc_${i}_${u} = fma(w_${i}_${k}, xv_${at >> 2}.${COMPONENT[at & 3]}, acc_${i}_${u});`);
      }
      if (uses.length === 0) continue;
      body.push(spec.packed
        ? `    let w_${i}_${k} = subgroupBroadcast(wv_${Math.floor(f / perLoad)}, ${Math.floor(f / 4) % SG}u).${COMPONENT[f % 4]};`
        : `    let w_${i}_${k} = subgroupBroadcast(wv_${Math.floor(f / SG)}, ${f % SG}u);`, ...uses);
    }
  }
  body.push('  }', '  if (!live) { return; }');
  for (let i = 0; i < R; i++) {
    body.push(`  if (r0 + ${i}u < p.out_rows) {`);
    body.push(`    let b_${i} = select(0.0, bias[min(r0 + ${i}u, arrayLength(&bias) - 1u)], p.has_bias != 0u);`);
    for (let u = 0; u < P; u += 4) {
      const values = [0, 1, 2, 3].map((c) => `finish(acc_${i}_${u + c} + b_${i})`);
      body.push(`    store_output(n * p.out_rows + r0 + ${i}u, j0 + ${u}u, vec4f(${values.join(', ')}));`);
    }
    body.push('  }');
  }
  // w is [out_rows, in_rows, K] for the forward, [in_rows, out_rows, K] for grad_input (conv1d's [Cout, Cin, K]).
  const weightAt = forward ? '((r0 + i) * p.in_rows + q) * K + f % K' : '(q * p.out_rows + r0 + i) * K + f % K';
  const origin = forward ? `j0 * ${spec.stride}u` : `j0 / ${spec.stride}u`;
  const stores = spec.vec4Output
    ? `  if (j + 4u <= p.out_length) { output[(row * p.out_length + j) / 4u] = v; return; }
  for (var c = 0u; c < 4u; c++) { if (j + c < p.out_length) { output[(row * p.out_length + j) / 4u][c] = v[c]; } }`
    : '  for (var c = 0u; c < 4u; c++) { if (j + c < p.out_length) { output[row * p.out_length + j + c] = v[c]; } }';
  return `enable subgroups;
// ${spec.direction}, K ${K}, stride ${spec.stride}, dilation ${spec.dilation}, padding ${spec.padding}${spec.leaky ? ', leaky ReLU' : ''}: ${R} rows a
// subgroup of ${SG} lanes, ${P} positions a lane, input window [${win.first}, ${win.first + 4 * win.count}) about the lane's origin.
// Written by core/kernels/conv1d-subgroup.ts, which explains the kernel.
struct GatherParams {
  batch: u32, in_rows: u32, in_length: u32, out_rows: u32,
  out_length: u32, has_bias: u32, slope: f32, pad0: u32,
}
const K: u32 = ${K}u;
const R: u32 = ${R}u;
@group(0) @binding(0) var<uniform> p: GatherParams;
@group(0) @binding(1) var<storage, read> input: array<${spec.vec4Input ? 'vec4f' : 'f32'}>;
${spec.packed ? '@group(0) @binding(2) var<storage, read> wp: array<vec4f>;' : '@group(0) @binding(2) var<storage, read> w: array<f32>;'}
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<${spec.vec4Output ? 'vec4f' : 'f32'}>;

${spec.packed ? '' : `// Weight value f = i K + k of row r0 + i for this q; rows past out_rows read some weight (never stored).
fn load_weight(r0: u32, q: u32, f: u32) -> f32 {
  let i = min(f / K, R - 1u);
  return select(0.0, w[min(${weightAt}, arrayLength(&w) - 1u)], f < R * K);
}`}

${windowLoader('load_input', 'input', 'p.in_length', spec.vec4Input)}

fn finish(v: f32) -> f32 {
  ${spec.leaky ? 'return select(p.slope * v, v, v > 0.0);' : 'return v;'}
}

// output[row, j .. j + 3], the positions below out_length.
fn store_output(row: u32, j: u32, v: vec4f) {
${stores}
}

@compute @workgroup_size(${WG})
fn ${spec.direction}(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32,
        @builtin(subgroup_invocation_id) sl: u32) {
  // Subgroup g: output rows r0 .. r0 + R - 1, position blocks (g % groups) SG .. + SG - 1 along (n, j).
  let g = (wg.y * nwg.x + wg.x) * ${WG / SG}u + lane / ${SG}u;
  let blocks_j = (p.out_length + ${P - 1}u) / ${P}u;
  let blocks = p.batch * blocks_j;
  let groups = (blocks + ${SG - 1}u) / ${SG}u;
  let r0 = (g / groups) * R;
  // Lanes past the last block (and subgroups past the last rows) load and broadcast for the others, store nothing.
  let raw = (g % groups) * ${SG}u + sl;
  let live = r0 < p.out_rows && raw < blocks;
  let block = min(raw, blocks - 1u);
  let n = block / blocks_j;
  let j0 = (block % blocks_j) * ${P}u;
  let base = i32(${origin});
${body.join('\n')}
}`;
}

function gradWeightCode(spec: GradWeightSpec): string {
  const { rows: R, channels: Q, positions: P, subgroupSize: SG, kernelSize: K } = spec;
  const dyVec4 = (R * P) / 4;
  const taps = { direction: 'forward' as const, stride: spec.stride, dilation: spec.dilation, padding: spec.padding, kernelSize: K, positions: P };
  const win = windowOf(taps);
  const body: string[] = [];
  for (let i = 0; i < R; i++) for (let c = 0; c < Q; c++) for (let k = 0; k < K; k++) body.push(`  var acc_${i}_${c}_${k} = 0.0;`);
  if (spec.bias) for (let i = 0; i < R; i++) body.push(`  var db_${i} = 0.0;`);
  // A uniform bound (subgroupBroadcast needs uniform control flow): blocks past this split's end count zero.
  body.push('  for (var t = 0u; t < p.blocks_per_split; t++) {');
  body.push('    let on = select(0.0, 1.0, first + t < last);');
  body.push('    let block = min(first + t, blocks - 1u);');
  body.push('    let n = block / blocks_j;');
  body.push(`    let j0 = (block % blocks_j) * ${P}u;`);
  body.push(`    let base = i32(j0 * ${spec.stride}u);`);
  // dy vec4 f = i (P / 4) + u / 4 of the block lives in lane f % SG, load f / SG.
  for (let j = 0; j < dyVec4 / SG; j++) {
    body.push(`    let f_${j} = ${j * SG}u + sl;`);
    body.push(`    let dyv_${j} = on * load_dy(n * p.out_rows + min(r0 + f_${j} / ${P / 4}u, p.out_rows - 1u), j0 + 4u * (f_${j} % ${P / 4}u));`);
  }
  for (let c = 0; c < Q; c++) {
    body.push(`    let x_row_${c} = n * p.in_rows + min(q0 + ${c}u, p.in_rows - 1u);`);
    for (let v = 0; v < win.count; v++) body.push(`    let xv_${c}_${v} = load_x(x_row_${c}, base + ${win.first + 4 * v});`);
  }
  for (let i = 0; i < R; i++) {
    for (let u = 0; u < P; u++) {
      const f = i * (P / 4) + (u >> 2);
      body.push(`    let dy_${i}_${u} = subgroupBroadcast(dyv_${Math.floor(f / SG)}.${COMPONENT[u & 3]}, ${f % SG}u);`);
      if (spec.bias) body.push(`    db_${i} += dy_${i}_${u};`);
      for (let c = 0; c < Q; c++) {
        for (let k = 0; k < K; k++) {
          const at = (tapOffset(taps, u, k) as number) - win.first;
          body.push(`    acc_${i}_${c}_${k} = fma(dy_${i}_${u}, xv_${c}_${at >> 2}.${COMPONENT[at & 3]}, acc_${i}_${c}_${k});`);
        }
      }
    }
  }
  body.push('  }', '  if (!live) { return; }');
  for (let i = 0; i < R; i++) {
    body.push(`  if (r0 + ${i}u < p.out_rows) {`);
    for (let c = 0; c < Q; c++) {
      body.push(`    if (q0 + ${c}u < p.in_rows) {`);
      for (let k = 0; k < K; k++) body.push(`      dw[((split * p.out_rows + r0 + ${i}u) * p.in_rows + q0 + ${c}u) * K + ${k}u] = acc_${i}_${c}_${k};`);
      body.push('    }');
    }
    if (spec.bias) body.push(`    if (q0 == 0u) { db[split * p.out_rows + r0 + ${i}u] = db_${i}; }`);
    body.push('  }');
  }
  const dyLoader = spec.vec4Output
    ? `fn load_dy(row: u32, j: u32) -> vec4f {
  return select(vec4f(0.0), dy[(row * p.out_length + min(j, p.out_length - 4u)) / 4u], j < p.out_length);
}`
    : `fn load_dy(row: u32, j: u32) -> vec4f {
  var v = vec4f(0.0);
  for (var c = 0u; c < 4u; c++) { if (j + c < p.out_length) { v[c] = dy[row * p.out_length + j + c]; } }
  return v;
}`;
  return `enable subgroups;
// grad_weight (dy shared), K ${K}, stride ${spec.stride}, dilation ${spec.dilation}, padding ${spec.padding}: ${R} dy rows a subgroup of
// ${SG} lanes, ${Q} input channel(s) a lane, blocks of ${P} positions${spec.bias ? ', with the bias gradient' : ''}.
// Written by core/kernels/conv1d-subgroup.ts, which explains the kernel.
struct GradWeightParams {
  batch: u32, in_rows: u32, in_length: u32, out_rows: u32,
  out_length: u32, splits: u32, blocks_per_split: u32, pad0: u32,
}
const K: u32 = ${K}u;
@group(0) @binding(0) var<uniform> p: GradWeightParams;
@group(0) @binding(1) var<storage, read> dy: array<${spec.vec4Output ? 'vec4f' : 'f32'}>;
@group(0) @binding(2) var<storage, read> x: array<${spec.vec4Input ? 'vec4f' : 'f32'}>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;
${spec.bias ? '@group(0) @binding(4) var<storage, read_write> db: array<f32>;' : ''}

// dy[row, j .. j + 3] (j a multiple of 4), zeros past out_length.
${dyLoader}

${windowLoader('load_x', 'x', 'p.in_length', spec.vec4Input)}

@compute @workgroup_size(${WG})
fn grad_weight(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32,
        @builtin(subgroup_invocation_id) sl: u32) {
  // Subgroup g: split g % splits, then channel tile, then row tile.
  let g = (wg.y * nwg.x + wg.x) * ${WG / SG}u + lane / ${SG}u;
  let q_tiles = (p.in_rows + ${SG * Q - 1}u) / ${SG * Q}u;
  let split = g % p.splits;
  let q0 = ((g / p.splits) % q_tiles) * ${SG * Q}u + sl * ${Q}u;
  let r0 = (g / p.splits / q_tiles) * ${R}u;
  let live = r0 < p.out_rows;
  let blocks_j = (p.out_length + ${P - 1}u) / ${P}u;
  let blocks = p.batch * blocks_j;
  let first = split * p.blocks_per_split;
  let last = select(min(first + p.blocks_per_split, blocks), first, !live);
${body.join('\n')}
}`;
}

/** Generated sources, one a spec: the engine caches modules and pipelines by `file`. */
const sourceFor = (key: string, write: () => string): KernelSource => generatedSource('conv1d-subgroup', 'core/kernels/conv1d-subgroup.ts', key, write);

const xSize = (g: Conv1dGeometry) => g.batch * g.inChannels * g.inLength;
const ySize = (g: Conv1dGeometry) => g.batch * g.outChannels * g.outLength;
const wSize = (g: Conv1dGeometry) => g.outChannels * g.inChannels * g.kernelSize;
const flopsOf = (g: Conv1dGeometry) => 2 * g.batch * g.outChannels * g.inChannels * g.kernelSize * g.outLength;
const describe = (g: Conv1dGeometry) =>
  `[${g.batch},${g.inChannels},${g.inLength}]*[${g.outChannels},${g.inChannels},${g.kernelSize}]->[${g.batch},${g.outChannels},${g.outLength}] s${g.stride} p${g.padding} d${g.dilation}`;

/** Whether the gather kernel's blocking fits: P a multiple of 4 (and, for grad_input, of the stride). */
export function gatherBlockingFits(direction: 'forward' | 'grad_input', g: Conv1dGeometry, b: GatherBlocking, subgroupSize: number): boolean {
  return subgroupSize > 0 && WG % subgroupSize === 0 && b.positions % 4 === 0 && (direction === 'forward' || b.positions % g.stride === 0);
}

/**
 * forward: y = act(conv1d(x, w) + bias); grad_input: dx from dy (plus convTranspose1d's bias). In the geometry g of
 * the conv1d: the forward reads x and writes y, grad_input reads dy and writes dx.
 */
export function conv1dGatherLaunch(
  direction: 'forward' | 'grad_input', g: Conv1dGeometry, input: GPUBuffer, w: GPUBuffer, bias: GPUBuffer | null, output: GPUBuffer,
  blocking: GatherBlocking, subgroupSize: number, leakySlope: number | null, packedWeights: GPUBuffer | null = null,
): KernelLaunch {
  const forward = direction === 'forward';
  if (packedWeights && !forward) throw new Error('conv1dGatherLaunch: packed weights are for the forward only');
  const [inRows, inLength, outRows, outLength] = forward
    ? [g.inChannels, g.inLength, g.outChannels, g.outLength]
    : [g.outChannels, g.outLength, g.inChannels, g.inLength];
  const spec: GatherSpec = {
    direction, kernelSize: g.kernelSize, stride: g.stride, dilation: g.dilation, padding: g.padding, ...blocking, subgroupSize,
    vec4Input: inLength % 4 === 0, vec4Output: outLength % 4 === 0, leaky: leakySlope !== null, packed: packedWeights !== null,
  };
  const key = `${direction} K${spec.kernelSize} s${spec.stride} d${spec.dilation} p${spec.padding} r${spec.rows} p${spec.positions} sg${subgroupSize}` +
    `${spec.vec4Input ? ' v4in' : ''}${spec.vec4Output ? ' v4out' : ''}${spec.leaky ? ' leaky' : ''}${spec.packed ? ' packed' : ''}`;
  const blocks = g.batch * Math.ceil(outLength / blocking.positions);
  const subgroups = Math.ceil(outRows / blocking.rows) * Math.ceil(blocks / subgroupSize);
  return {
    kernel: sourceFor(key, () => gatherCode(spec)), entry: direction,
    params: {
      batch: u32(g.batch), in_rows: u32(inRows), in_length: u32(inLength), out_rows: u32(outRows), out_length: u32(outLength),
      has_bias: u32(bias ? 1 : 0), slope: f32(leakySlope ?? 0),
    },
    // Packed: binding 2 holds the packed weights (w itself is read only by the packing pass).
    buffers: packedWeights ? [input, packedWeights, bias ?? packedWeights, output] : [input, w, bias ?? w, output],
    workgroups: gridFor(Math.ceil(subgroups / (WG / subgroupSize))),
    flops: flopsOf(g) + (leakySlope !== null ? ySize(g) : 0),
    bytes: 4 * (xSize(g) + wSize(g) + ySize(g) + (bias ? outRows : 0)),
    shapes: `${forward ? '' : 'grad_input '}${describe(g)}${leakySlope !== null ? ' +leaky' : ''}`,
  };
}

/** Floats of the packed forward weights (conv1dPackWeightsLaunch) for this geometry and blocking. */
export function packedWeightsSize(g: Conv1dGeometry, b: GatherBlocking, subgroupSize: number): number {
  return Math.ceil(g.outChannels / b.rows) * g.inChannels * packedBlock(g.kernelSize, b.rows, subgroupSize);
}

/** Floats a (row block, q) takes when packed: R K rounded up to whole vec4 loads of the subgroup (4 SG floats). */
const packedBlock = (K: number, R: number, SG: number) => Math.ceil((R * K) / (4 * SG)) * 4 * SG;

/**
 * The forward's weights w [Cout, Cin, K] rearranged so that the R x K values a subgroup shares for one input
 * channel q are contiguous: wp[(rb Cin + q) B + i K + k] = w[rb R + i, q, k], zero past Cout and in the block's
 * tail (B = packedBlock). The gather kernel then loads them as vec4s, R K / (4 SG) per-lane loads a q instead
 * of R K / SG scalar ones (on llvmpipe each a loop over the lanes: core/kernels/PERFORMANCE.md).
 */
export function conv1dPackWeightsLaunch(g: Conv1dGeometry, w: GPUBuffer, packed: GPUBuffer, b: GatherBlocking, subgroupSize: number): KernelLaunch {
  const K = g.kernelSize;
  const block = packedBlock(K, b.rows, subgroupSize);
  const total = packedWeightsSize(g, b, subgroupSize);
  const code = `// Written by core/kernels/conv1d-subgroup.ts (conv1dPackWeightsLaunch), which explains it.
struct PackParams { out_rows: u32, in_rows: u32, total: u32, pad0: u32 }
const K: u32 = ${K}u;
const R: u32 = ${b.rows}u;
const B: u32 = ${block}u;
@group(0) @binding(0) var<uniform> p: PackParams;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> wp: array<f32>;
@compute @workgroup_size(${WG})
fn pack(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = id.y * nwg.x * ${WG}u + id.x;
  if (t >= p.total) { return; }
  let f = t % B;
  let rq = t / B;
  let q = rq % p.in_rows;
  let r = (rq / p.in_rows) * R + f / K;
  let inside = f < R * K && r < p.out_rows;
  wp[t] = select(0.0, w[min((r * p.in_rows + q) * K + f % K, arrayLength(&w) - 1u)], inside);
}`;
  return {
    kernel: sourceFor(`pack K${K} r${b.rows} sg${subgroupSize}`, () => code), entry: 'pack',
    params: { out_rows: u32(g.outChannels), in_rows: u32(g.inChannels), total: u32(total) },
    buffers: [w, packed],
    workgroups: gridFor(Math.ceil(total / WG)),
    flops: 0,
    bytes: 4 * (wSize(g) + total),
    shapes: `pack weights [${g.outChannels},${g.inChannels},${K}] r${b.rows}`,
  };
}

/** Whether the shared-dy weight gradient's blocking fits this subgroup size. */
export function gradWeightBlockingFits(b: GradWeightBlocking, subgroupSize: number): boolean {
  return subgroupSize > 0 && WG % subgroupSize === 0 && b.positions % 4 === 0 && ((b.rows * b.positions) / 4) % subgroupSize === 0;
}

/** Subgroups the weight gradient aims for before it stops splitting the (batch, time) sum. */
const GRAD_WEIGHT_TARGET_SUBGROUPS = 256;
/** The fewest blocks a split walks. */
const GRAD_WEIGHT_MIN_BLOCKS = 16;

/** How the weight gradient's blocks split: partial sums [splits, ...] when splits > 1. */
export function conv1dSubgroupGradWeightSplits(g: Conv1dGeometry, b: GradWeightBlocking, subgroupSize: number): { splits: number; blocksPerSplit: number } {
  const tiles = Math.ceil(g.outChannels / b.rows) * Math.ceil(g.inChannels / (subgroupSize * b.channels));
  const blocks = g.batch * Math.ceil(g.outLength / b.positions);
  const wanted = Math.max(1, Math.min(Math.ceil(GRAD_WEIGHT_TARGET_SUBGROUPS / tiles), Math.floor(blocks / GRAD_WEIGHT_MIN_BLOCKS)));
  const blocksPerSplit = Math.max(1, Math.ceil(blocks / wanted));
  return { splits: Math.ceil(blocks / blocksPerSplit), blocksPerSplit };
}

/**
 * dw [splits, Cout, Cin, K] (and db [splits, Cout] when given) from dy and x, as partial sums over `splits`
 * chunks of the (batch, time) blocks (see conv1dSubgroupGradWeightSplits).
 */
export function conv1dSubgroupGradWeightLaunch(
  g: Conv1dGeometry, dy: GPUBuffer, x: GPUBuffer, dw: GPUBuffer, db: GPUBuffer | null, blocking: GradWeightBlocking, subgroupSize: number,
): KernelLaunch {
  const spec: GradWeightSpec = {
    kernelSize: g.kernelSize, stride: g.stride, dilation: g.dilation, padding: g.padding, ...blocking, subgroupSize,
    vec4Input: g.inLength % 4 === 0, vec4Output: g.outLength % 4 === 0, bias: db !== null,
  };
  const key = `grad_weight K${spec.kernelSize} s${spec.stride} d${spec.dilation} p${spec.padding} r${spec.rows} c${spec.channels} p${spec.positions} sg${subgroupSize}` +
    `${spec.vec4Input ? ' v4in' : ''}${spec.vec4Output ? ' v4out' : ''}${spec.bias ? ' bias' : ''}`;
  const { splits, blocksPerSplit } = conv1dSubgroupGradWeightSplits(g, blocking, subgroupSize);
  const subgroups = Math.ceil(g.outChannels / blocking.rows) * Math.ceil(g.inChannels / (subgroupSize * blocking.channels)) * splits;
  return {
    kernel: sourceFor(key, () => gradWeightCode(spec)), entry: 'grad_weight',
    params: {
      batch: u32(g.batch), in_rows: u32(g.inChannels), in_length: u32(g.inLength), out_rows: u32(g.outChannels),
      out_length: u32(g.outLength), splits: u32(splits), blocks_per_split: u32(blocksPerSplit),
    },
    buffers: db ? [dy, x, dw, db] : [dy, x, dw],
    workgroups: gridFor(Math.ceil(subgroups / (WG / subgroupSize))),
    flops: flopsOf(g) + (db ? ySize(g) : 0),
    bytes: 4 * (ySize(g) + xSize(g) + splits * (wSize(g) + (db ? g.outChannels : 0))),
    shapes: `grad_weight ${describe(g)} splits ${splits}${db ? ' +bias' : ''}`,
  };
}
