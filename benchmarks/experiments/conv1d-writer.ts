// WGSL writers for conv1d kernels that share operands through subgroups (experiment stage; see
// conv1d-directions.ts). The geometry that decides which input a tap reads (kernel size K, stride s, dilation d,
// padding p) and the block sizes are written into the code, so every tap's window element is a constant and the
// unrolled loops keep their values in registers; batch, channels and lengths stay in the uniform, so one
// pipeline serves every shape of a layer kind.
//
// Gather convolutions (forward, and grad_input, which is the transposed convolution):
//   forward:     y[n, r, j]  = bias[r] + sum_{q < Cin, k < K} w[r, q, k] x[n, q, j s - p + k d]
//   grad_input:  dx[n, r, j] = sum_{q < Cout, k < K : (j + p - k d) % s == 0} w[q, r, k] dy[n, q, (j + p - k d) / s]
// A subgroup's lanes are SG neighbouring blocks of P positions (along (n, j) flattened, so short rows still fill
// the subgroup), all for the same R output rows r0 .. r0 + R - 1: every lane needs the same weights, which the
// lanes load once between them (R K scalars a q) and pass around with subgroupBroadcast; each lane loads its
// own input window as vec4s. Accumulators are scalars (llvmpipe keeps one f32 an invocation in one SIMD
// register either way, so a vec4 would only be four of them).
//
// grad_weight:   dw[r, q, k] = sum_{n, j} dy[n, r, j] x[n, q, j s - p + k d]     (r < Cout, q < Cin)
// Lanes own blocks of P output positions, each summing its R x Q x K tile over its blocks; at the end the
// subgroup adds its lanes' tiles (subgroupAdd) and writes one partial sum a subgroup, summed after like the
// real kernel's splits. Optional: the bias gradient db[r] = sum dy[n, r, j] in the same pass.

export interface GatherSpec {
  readonly direction: 'forward' | 'grad_input';
  readonly kernelSize: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padding: number;
  /** Output rows a subgroup (shared weights). */
  readonly rows: number;
  /** Output positions a lane; a multiple of 4 (and, for grad_input, of 4 s). */
  readonly positions: number;
  readonly subgroupSize: number;
  /** The input rows' length is a multiple of 4: windows load as vec4s (else as floats). */
  readonly vec4Input: boolean;
  /** The output rows' length is a multiple of 4: stores are vec4s where a block is whole. */
  readonly vec4Output: boolean;
  /** forward only: y = leakyRelu(conv + bias) with the slope in the uniform. */
  readonly leaky?: boolean;
}

const WG = 64;
const lanesOf = 'xyzw';

/** Input position of output position j0 + u and tap k, relative to `base` (see windowOf); null: no input. */
function tapOffset(spec: GatherSpec, u: number, k: number): number | null {
  const { stride: s, dilation: d, padding: p } = spec;
  if (spec.direction === 'forward') return u * s - p + k * d;
  const num = u + p - k * d;
  return ((num % s) + s) % s === 0 ? num / s : null;
}

/** The window a lane loads: relative input positions first .. first + 4 count - 1 (first a multiple of 4). */
function windowOf(spec: GatherSpec): { first: number; count: number } {
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
  const first = Math.floor(lo / 4) * 4;
  return { first, count: Math.floor((hi - first) / 4) + 1 };
}

export function gatherWorkgroups(spec: GatherSpec, batch: number, outRows: number, outLength: number): number {
  const blocks = batch * Math.ceil(outLength / spec.positions);
  const subgroups = Math.ceil(outRows / spec.rows) * Math.ceil(blocks / spec.subgroupSize);
  return Math.ceil(subgroups / (WG / spec.subgroupSize));
}

export function gatherKernel(spec: GatherSpec): string {
  const { rows: R, positions: P, subgroupSize: SG, kernelSize: K } = spec;
  if (P % 4 !== 0 || (spec.direction === 'grad_input' && P % spec.stride !== 0)) throw new Error(`positions ${P}: not a multiple of 4 and of the stride`);
  const forward = spec.direction === 'forward';
  // base: the input position of a lane's window origin, j0 s (forward) or j0 / s (grad_input).
  const baseExpr = forward ? `j0 * ${spec.stride}` : `j0 / ${spec.stride}`;
  const win = windowOf(spec);
  const perLane = Math.ceil((R * K) / SG);
  const L: string[] = [];
  for (let i = 0; i < R; i++) for (let u = 0; u < P; u++) L.push(`  var acc_${i}_${u} = 0.0;`);
  L.push('  for (var q = 0u; q < p.in_rows; q++) {');
  // The weights of this q for the subgroup's rows: value f = i K + k lives in lane f % SG, load f / SG.
  for (let j = 0; j < perLane; j++) L.push(`    let wv_${j} = load_w(r0, q, ${j * SG}u + sl);`);
  L.push('    let in_row = n * p.in_rows + q;');
  for (let v = 0; v < win.count; v++) L.push(`    let xv_${v} = load_in(in_row, base + ${win.first + 4 * v});`);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < R; i++) {
      const f = i * K + k;
      L.push(`    let w_${i}_${k} = subgroupBroadcast(wv_${Math.floor(f / SG)}, ${f % SG}u);`);
      for (let u = 0; u < P; u++) {
        const e = tapOffset(spec, u, k);
        if (e === null) continue;
        const at = e - win.first;
        L.push(`    acc_${i}_${u} = fma(w_${i}_${k}, xv_${Math.floor(at / 4)}.${lanesOf[at % 4]}, acc_${i}_${u});`);
      }
    }
  }
  L.push('  }');
  L.push('  if (!live) { return; }');
  for (let i = 0; i < R; i++) {
    L.push(`  if (r0 + ${i}u < p.out_rows) {`);
    L.push(`    let bias_${i} = select(0.0, bias[min(r0 + ${i}u, arrayLength(&bias) - 1u)], p.has_bias != 0u);`);
    for (let u = 0; u < P; u += 4) {
      const vals = [0, 1, 2, 3].map((c) => `finish(acc_${i}_${u + c} + bias_${i})`);
      L.push(`    store_out(n * p.out_rows + r0 + ${i}u, j0 + ${u}u, vec4f(${vals.join(', ')}));`);
    }
    L.push('  }');
  }
  const weightAt = forward
    // w [out_rows, in_rows, K]: row r0 + i, channel q, tap k
    ? '((r0 + min(f / K, R - 1u)) * p.in_rows + q) * K + f % K'
    // w [in_rows (= conv1d out channels), out_rows (= conv1d in channels), K]: w[q, r0 + i, k]
    : '(q * p.out_rows + r0 + min(f / K, R - 1u)) * K + f % K';
  return `enable subgroups;
// Generated by benchmarks/experiments/conv1d-writer.ts: ${spec.direction}, K ${K}, stride ${spec.stride}, dilation ${spec.dilation},
// padding ${spec.padding}; ${R} rows a subgroup of ${SG}, ${P} positions a lane; window [${win.first}, ${win.first + 4 * win.count}).
struct Params {
  batch: u32, in_rows: u32, in_length: u32, out_rows: u32,
  out_length: u32, has_bias: u32, slope: f32, pad0: u32,
}
const K: u32 = ${K}u;
const R: u32 = ${R}u;
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> input: array<${spec.vec4Input ? 'vec4f' : 'f32'}>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<${spec.vec4Output ? 'vec4f' : 'f32'}>;

// Weight value f of this q's tile (f = i K + k), rows past out_rows clamped (never stored).
fn load_w(r0: u32, q: u32, f: u32) -> f32 {
  return select(0.0, w[min(${weightAt}, arrayLength(&w) - 1u)], f < R * K);
}

// input[row, i .. i + 3] (i a multiple of 4), zeros outside [0, in_length).
fn load_in(row: u32, i: i32) -> vec4f {
  ${spec.vec4Input
    ? `let inside = i >= 0 && i < i32(p.in_length);
  return select(vec4f(0.0), input[(row * p.in_length + u32(clamp(i, 0, i32(p.in_length) - 4))) / 4u], inside);`
    : `var v = vec4f(0.0);
  for (var c = 0; c < 4; c++) {
    let at = i + c;
    if (at >= 0 && at < i32(p.in_length)) { v[c] = input[row * p.in_length + u32(at)]; }
  }
  return v;`}
}

fn finish(v: f32) -> f32 {
  ${spec.leaky ? 'return select(p.slope * v, v, v > 0.0);' : 'return v;'}
}

// out[row, j .. j + 3], the positions below out_length.
fn store_out(row: u32, j: u32, v: vec4f) {
  ${spec.vec4Output
    ? `if (j + 4u <= p.out_length) { out[(row * p.out_length + j) / 4u] = v; return; }
  for (var c = 0u; c < 4u; c++) { if (j + c < p.out_length) { out[(row * p.out_length + j) / 4u][c] = v[c]; } }`
    : `for (var c = 0u; c < 4u; c++) { if (j + c < p.out_length) { out[row * p.out_length + j + c] = v[c]; } }`}
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32,
        @builtin(subgroup_invocation_id) sl: u32) {
  let g = (wg.y * nwg.x + wg.x) * ${WG / SG}u + lane / ${SG}u;
  let blocks_j = (p.out_length + ${P - 1}u) / ${P}u;
  let blocks = p.batch * blocks_j;
  let groups = (blocks + ${SG - 1}u) / ${SG}u;
  let r0 = (g / groups) * R;
  // Lanes past the last block (or rows) still load and broadcast, for the others; they store nothing.
  let block = min((g % groups) * ${SG}u + sl, blocks - 1u);
  let live = r0 < p.out_rows && (g % groups) * ${SG}u + sl < blocks;
  let n = block / blocks_j;
  let j0 = (block % blocks_j) * ${P}u;
  let base = i32(${baseExpr}u);
${L.join('\n')}
}`;
}

export interface GradWeightSpec {
  readonly kernelSize: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padding: number;
  /** dy rows (conv1d output channels) a subgroup tile. */
  readonly rows: number;
  /** x rows (conv1d input channels) a subgroup tile. */
  readonly channels: number;
  /** Output positions a block (a lane's step), a multiple of 4. */
  readonly positions: number;
  readonly subgroupSize: number;
  /** x rows' length a multiple of 4 (vec4 windows). */
  readonly vec4Input: boolean;
  /** dy rows' length a multiple of 4 (vec4 loads). */
  readonly vec4Output: boolean;
  /** Also sum dy into the bias gradient. */
  readonly bias: boolean;
}

/** Subgroups of the weight gradient's grid: one a (row tile, channel tile, split). */
export function gradWeightSubgroups(spec: GradWeightSpec, outRows: number, inRows: number, splits: number): number {
  return Math.ceil(outRows / spec.rows) * Math.ceil(inRows / spec.channels) * splits;
}

export const gradWeightWorkgroups = (spec: GradWeightSpec, outRows: number, inRows: number, splits: number) =>
  Math.ceil(gradWeightSubgroups(spec, outRows, inRows, splits) / (WG / spec.subgroupSize));

export function gradWeightKernel(spec: GradWeightSpec): string {
  const { rows: R, channels: Q, positions: P, subgroupSize: SG, kernelSize: K } = spec;
  const fwd: GatherSpec = {
    direction: 'forward', kernelSize: K, stride: spec.stride, dilation: spec.dilation, padding: spec.padding,
    rows: 1, positions: P, subgroupSize: SG, vec4Input: spec.vec4Input, vec4Output: spec.vec4Output,
  };
  const win = windowOf(fwd);
  const L: string[] = [];
  for (let i = 0; i < R; i++) for (let c = 0; c < Q; c++) for (let k = 0; k < K; k++) L.push(`  var acc_${i}_${c}_${k} = 0.0;`);
  if (spec.bias) for (let i = 0; i < R; i++) L.push(`  var db_${i} = 0.0;`);
  L.push('  for (var b = first; b < last; b += SG) {');
  L.push('    let block = min(b + sl, p_last);');
  L.push('    let on = select(0.0, 1.0, b + sl < last);');
  L.push('    let n = block / blocks_j;');
  L.push(`    let j0 = (block % blocks_j) * ${P}u;`);
  L.push(`    let base = i32(j0 * ${spec.stride}u);`);
  for (let i = 0; i < R; i++) {
    for (let u = 0; u < P; u += 4) L.push(`    let dy_${i}_${u / 4} = on * load_dy((n * p.out_rows + min(r0 + ${i}u, p.out_rows - 1u)), j0 + ${u}u);`);
  }
  for (let c = 0; c < Q; c++) {
    L.push(`    let x_row_${c} = n * p.in_rows + min(q0 + ${c}u, p.in_rows - 1u);`);
    for (let v = 0; v < win.count; v++) L.push(`    let xv_${c}_${v} = load_x(x_row_${c}, base + ${win.first + 4 * v});`);
  }
  for (let i = 0; i < R; i++) {
    if (spec.bias) {
      const terms = [];
      for (let u = 0; u < P; u += 4) terms.push(`dot(dy_${i}_${u / 4}, vec4f(1.0))`);
      L.push(`    db_${i} += ${terms.join(' + ')};`);
    }
    for (let c = 0; c < Q; c++) {
      for (let k = 0; k < K; k++) {
        for (let u = 0; u < P; u++) {
          const at = (tapOffset(fwd, u, k) as number) - win.first;
          L.push(`    acc_${i}_${c}_${k} = fma(dy_${i}_${u >> 2}.${lanesOf[u & 3]}, xv_${c}_${at >> 2}.${lanesOf[at & 3]}, acc_${i}_${c}_${k});`);
        }
      }
    }
  }
  L.push('  }');
  // The subgroup's sums; lane 0 writes them to this split's partial [split, out_rows, in_rows, K] (and bias [split, out_rows]).
  for (let i = 0; i < R; i++) {
    for (let c = 0; c < Q; c++) for (let k = 0; k < K; k++) L.push(`  let s_${i}_${c}_${k} = subgroupAdd(acc_${i}_${c}_${k});`);
    if (spec.bias) L.push(`  let sb_${i} = subgroupAdd(db_${i});`);
  }
  L.push('  if (sl != 0u || !live) { return; }');
  for (let i = 0; i < R; i++) {
    L.push(`  if (r0 + ${i}u < p.out_rows) {`);
    for (let c = 0; c < Q; c++) {
      L.push(`    if (q0 + ${c}u < p.in_rows) {`);
      for (let k = 0; k < K; k++) L.push(`      dw[((split * p.out_rows + r0 + ${i}u) * p.in_rows + q0 + ${c}u) * K + ${k}u] = s_${i}_${c}_${k};`);
      L.push('    }');
    }
    if (spec.bias) L.push(`    if (q0 == 0u) { db[split * p.out_rows + r0 + ${i}u] = sb_${i}; }`);
    L.push('  }');
  }
  return `enable subgroups;
// Generated by benchmarks/experiments/conv1d-writer.ts: grad_weight, K ${K}, stride ${spec.stride}, dilation ${spec.dilation},
// padding ${spec.padding}; a subgroup of ${SG} sums a ${R} x ${Q} x ${K} tile over blocks of ${P} positions.
struct Params {
  batch: u32, in_rows: u32, in_length: u32, out_rows: u32,
  out_length: u32, splits: u32, blocks_per_split: u32, pad0: u32,
}
const K: u32 = ${K}u;
const SG: u32 = ${SG}u;
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<${spec.vec4Output ? 'vec4f' : 'f32'}>;
@group(0) @binding(2) var<storage, read> x: array<${spec.vec4Input ? 'vec4f' : 'f32'}>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;
@group(0) @binding(4) var<storage, read_write> db: array<f32>;

// dy[row, j .. j + 3], zeros past out_length.
fn load_dy(row: u32, j: u32) -> vec4f {
  ${spec.vec4Output
    ? `return select(vec4f(0.0), dy[(row * p.out_length + min(j, p.out_length - 4u)) / 4u], j < p.out_length);`
    : `var v = vec4f(0.0);
  for (var c = 0u; c < 4u; c++) { if (j + c < p.out_length) { v[c] = dy[row * p.out_length + j + c]; } }
  return v;`}
}

// x[row, i .. i + 3] (i a multiple of 4), zeros outside [0, in_length).
fn load_x(row: u32, i: i32) -> vec4f {
  ${spec.vec4Input
    ? `return select(vec4f(0.0), x[(row * p.in_length + u32(clamp(i, 0, i32(p.in_length) - 4))) / 4u], i >= 0 && i < i32(p.in_length));`
    : `var v = vec4f(0.0);
  for (var c = 0; c < 4; c++) {
    let at = i + c;
    if (at >= 0 && at < i32(p.in_length)) { v[c] = x[row * p.in_length + u32(at)]; }
  }
  return v;`}
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32,
        @builtin(subgroup_invocation_id) sl: u32) {
  let g = (wg.y * nwg.x + wg.x) * ${WG / SG}u + lane / SG;
  let q_tiles = (p.in_rows + ${Q - 1}u) / ${Q}u;
  let r_tiles = (p.out_rows + ${R - 1}u) / ${R}u;
  let split = g % p.splits;
  let q0 = ((g / p.splits) % q_tiles) * ${Q}u;
  let r0 = (g / p.splits / q_tiles) * ${R}u;
  let live = r0 < p.out_rows;
  let blocks_j = (p.out_length + ${P - 1}u) / ${P}u;
  let blocks = p.batch * blocks_j;
  let p_last = blocks - 1u;
  let first = split * p.blocks_per_split;
  let last = select(min(first + p.blocks_per_split, blocks), first, !live);
${L.join('\n')}
}`;
}

/**
 * grad_weight with dy shared instead: the subgroup's lanes are SG x Q neighbouring input channels q (Q a lane),
 * all walking the same blocks of P positions for the same R dy rows. The subgroup loads each dy block once
 * (R P / (4 SG) vec4s a lane) and broadcasts it; a lane loads only its channels' x windows, whose taps all come
 * from one window. No cross-lane sum: each lane owns its dw[r, q, k] outright (per split).
 */
export function gradWeightSharedDyKernel(spec: GradWeightSpec): string {
  const { rows: R, channels: Q, positions: P, subgroupSize: SG, kernelSize: K } = spec;
  const dyVec4 = (R * P) / 4;
  if (!Number.isInteger(dyVec4 / SG)) throw new Error(`dy block ${R} x ${P} does not split over ${SG} lanes`);
  const fwd: GatherSpec = {
    direction: 'forward', kernelSize: K, stride: spec.stride, dilation: spec.dilation, padding: spec.padding,
    rows: 1, positions: P, subgroupSize: SG, vec4Input: spec.vec4Input, vec4Output: spec.vec4Output,
  };
  const win = windowOf(fwd);
  const L: string[] = [];
  for (let i = 0; i < R; i++) for (let c = 0; c < Q; c++) for (let k = 0; k < K; k++) L.push(`  var acc_${i}_${c}_${k} = 0.0;`);
  if (spec.bias) for (let i = 0; i < R; i++) L.push(`  var db_${i} = 0.0;`);
  // The loop's bound is uniform (subgroupBroadcast needs uniform control flow); blocks past this split's end
  // (or of a subgroup past the last row tile) count zero.
  L.push('  for (var t = 0u; t < p.blocks_per_split; t++) {');
  L.push('    let on = select(0.0, 1.0, first + t < last);');
  L.push('    let block = min(first + t, blocks - 1u);');
  L.push('    let n = block / blocks_j;');
  L.push(`    let j0 = (block % blocks_j) * ${P}u;`);
  L.push(`    let base = i32(j0 * ${spec.stride}u);`);
  // dy vec4 f = i (P / 4) + u / 4 of the block: lane f % SG, load f / SG.
  for (let j = 0; j < dyVec4 / SG; j++) {
    L.push(`    let f_${j} = ${j * SG}u + sl;`);
    L.push(`    let dyv_${j} = on * load_dy(n * p.out_rows + min(r0 + f_${j} / ${P / 4}u, p.out_rows - 1u), j0 + 4u * (f_${j} % ${P / 4}u));`);
  }
  for (let c = 0; c < Q; c++) {
    L.push(`    let x_row_${c} = n * p.in_rows + min(q0 + ${c}u, p.in_rows - 1u);`);
    for (let v = 0; v < win.count; v++) L.push(`    let xv_${c}_${v} = load_x(x_row_${c}, base + ${win.first + 4 * v});`);
  }
  for (let i = 0; i < R; i++) {
    for (let u = 0; u < P; u++) {
      const f = i * (P / 4) + (u >> 2);
      L.push(`    let dy_${i}_${u} = subgroupBroadcast(dyv_${Math.floor(f / SG)}.${lanesOf[u & 3]}, ${f % SG}u);`);
      if (spec.bias) L.push(`    db_${i} += dy_${i}_${u};`);
      for (let c = 0; c < Q; c++) {
        for (let k = 0; k < K; k++) {
          const at = (tapOffset(fwd, u, k) as number) - win.first;
          L.push(`    acc_${i}_${c}_${k} = fma(dy_${i}_${u}, xv_${c}_${at >> 2}.${lanesOf[at & 3]}, acc_${i}_${c}_${k});`);
        }
      }
    }
  }
  L.push('  }');
  L.push('  if (!live) { return; }');
  for (let i = 0; i < R; i++) {
    L.push(`  if (r0 + ${i}u < p.out_rows) {`);
    for (let c = 0; c < Q; c++) {
      L.push(`    if (q0 + ${c}u < p.in_rows) {`);
      for (let k = 0; k < K; k++) L.push(`      dw[((split * p.out_rows + r0 + ${i}u) * p.in_rows + q0 + ${c}u) * K + ${k}u] = acc_${i}_${c}_${k};`);
      L.push('    }');
    }
    if (spec.bias) L.push(`    if (q0 == 0u) { db[split * p.out_rows + r0 + ${i}u] = db_${i}; }`);
    L.push('  }');
  }
  return `enable subgroups;
// Generated by benchmarks/experiments/conv1d-writer.ts: grad_weight (dy shared), K ${K}, stride ${spec.stride}, dilation ${spec.dilation},
// padding ${spec.padding}; ${R} dy rows a subgroup of ${SG} lanes, ${Q} channels a lane, blocks of ${P} positions.
struct Params {
  batch: u32, in_rows: u32, in_length: u32, out_rows: u32,
  out_length: u32, splits: u32, blocks_per_split: u32, pad0: u32,
}
const K: u32 = ${K}u;
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<${spec.vec4Output ? 'vec4f' : 'f32'}>;
@group(0) @binding(2) var<storage, read> x: array<${spec.vec4Input ? 'vec4f' : 'f32'}>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;
${spec.bias ? '@group(0) @binding(4) var<storage, read_write> db: array<f32>;' : ''}

fn load_dy(row: u32, j: u32) -> vec4f {
  ${spec.vec4Output
    ? `return select(vec4f(0.0), dy[(row * p.out_length + min(j, p.out_length - 4u)) / 4u], j < p.out_length);`
    : `var v = vec4f(0.0);
  for (var c = 0u; c < 4u; c++) { if (j + c < p.out_length) { v[c] = dy[row * p.out_length + j + c]; } }
  return v;`}
}

fn load_x(row: u32, i: i32) -> vec4f {
  ${spec.vec4Input
    ? `return select(vec4f(0.0), x[(row * p.in_length + u32(clamp(i, 0, i32(p.in_length) - 4))) / 4u], i >= 0 && i < i32(p.in_length));`
    : `var v = vec4f(0.0);
  for (var c = 0; c < 4; c++) {
    let at = i + c;
    if (at >= 0 && at < i32(p.in_length)) { v[c] = x[row * p.in_length + u32(at)]; }
  }
  return v;`}
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32,
        @builtin(subgroup_invocation_id) sl: u32) {
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
${L.join('\n')}
}`;
}

/** Subgroups of the shared-dy weight gradient: one a (row tile, channel tile of SG Q, split). */
export const gradWeightSharedDyWorkgroups = (spec: GradWeightSpec, outRows: number, inRows: number, splits: number) =>
  Math.ceil((Math.ceil(outRows / spec.rows) * Math.ceil(inRows / (spec.subgroupSize * spec.channels)) * splits) / (WG / spec.subgroupSize));
