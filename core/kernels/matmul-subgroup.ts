// Matrix product kernels for the matmul family's non-portable variants (matmul-families.ts):
//
//   C[b, m, n] = sum_k opA(A)[b, m, k] opB(B)[b, k, n] (+ bias[n])         (as core/kernels/matmul.wgsl)
//
// "subgroup-rRcC": the SG lanes of a subgroup share R rows m0 .. m0 + R - 1 and own 4C columns each. Every k
// step of 4, the subgroup loads its R x 4 tile of opA(A) once, as R / SG vec4s a lane, and each lane takes each
// value from its owner with subgroupBroadcast, instead of every lane loading the same values (on llvmpipe a lane's
// storage load is a scalar loop costing about 15 vec4 FMAs; a broadcast is a register extract). Each lane loads
// its own C vec4s of opB(B) a k, each feeding R vec4 FMAs. The WGSL is written here because subgroupBroadcast
// takes its source lane as a constant only, and the unrolled blocks are what keeps the accumulators in
// registers. It relies on a subgroup being SG consecutive invocations of the 1-D workgroup.
// Requirements (else the portable variant runs): the subgroup size is fixed and divides R and 64; K is a
// multiple of 4, and so is the contiguous extent of each operand (K, or M for a transposed A; N, or K for a
// transposed B) and N.
//
// "workgroup-tile": the GPU-style kernel, 64 x 64 tiles of C a workgroup of 16 x 16 threads (4 x 4 each), K in
// steps of 16 through workgroup memory with barriers. On lavapipe it is 2-3x slower than the register kernel
// (barriers are coroutine switches, workgroup memory is as slow as storage); on a GPU it is the textbook
// winner. Requirements: as above, without subgroups.
import type { MatmulDims } from './matmul.ts';
import { generatedSource } from './generated-sources.ts';
import { type KernelLaunch, type KernelSource, gridFor, u32 } from './launch.ts';

const WG = 64;
const COMPONENT = 'xyzw';

export interface MatmulBlocking {
  readonly rows: number;
  /** vec4 columns a lane. */
  readonly columns4: number;
}

/** Whether both operands and C can be read and written as aligned vec4s (see the file's comment). */
export function matmulAligned(d: MatmulDims): boolean {
  const aContiguous = d.transposeA ? d.m : d.k;
  const bContiguous = d.transposeB ? d.k : d.n;
  return d.k > 0 && d.k % 4 === 0 && aContiguous % 4 === 0 && bContiguous % 4 === 0 && d.n % 4 === 0 &&
    d.aBatchStride % 4 === 0 && d.bBatchStride % 4 === 0;
}

export function subgroupBlockingFits(b: MatmulBlocking, subgroupSize: number): boolean {
  return subgroupSize > 0 && WG % subgroupSize === 0 && b.rows % subgroupSize === 0 && b.rows % 4 === 0;
}

/** The uniform and buffers: a, b, then bias when there is one, then c (the launch binds exactly these). */
const bindings = (hasBias: boolean) => `struct MatmulParams {
  batch: u32, m: u32, n: u32, k: u32,
  a_batch_stride: u32, b_batch_stride: u32, c_batch_stride: u32, pad0: u32,
}
@group(0) @binding(0) var<uniform> p: MatmulParams;
@group(0) @binding(1) var<storage, read> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
${hasBias ? '@group(0) @binding(3) var<storage, read> bias: array<vec4f>;\n' : ''}@group(0) @binding(${hasBias ? 4 : 3}) var<storage, read_write> c: array<vec4f>;`;

function subgroupCode(b: MatmulBlocking, sg: number, transposeA: boolean, transposeB: boolean, hasBias: boolean): string {
  const { rows: R, columns4: C4 } = b;
  const aLoads = R / sg;
  const body: string[] = [];
  for (let i = 0; i < R; i++) for (let j = 0; j < C4; j++) body.push(`  var acc_${i}_${j} = vec4f(0.0);`);
  body.push('  for (var k0 = 0u; k0 < p.k; k0 += 4u) {');
  // The A tile: plain A gives row m0 + f of k0 .. k0 + 3 from vec4 f (f = j SG + lane, value (i, kk) in vec4 i,
  // component kk); transposed A gives k-row k0 + f / (R / 4), rows m0 + 4 (f % (R / 4)) .. (value (i, kk) in vec4
  // kk (R / 4) + i / 4, component i % 4). Either way R vec4s, R / SG a lane.
  for (let j = 0; j < aLoads; j++) {
    const f = `(${j * sg}u + sl)`;
    body.push(transposeA
      ? `    let av_${j} = a[(a_base + (k0 + ${f} / ${R / 4}u) * p.m + min(m0 + 4u * (${f} % ${R / 4}u), p.m - 4u)) / 4u];`
      : `    let av_${j} = a[(a_base + min(m0 + ${f}, p.m - 1u) * p.k + k0) / 4u];`);
  }
  // B: bt_kk_j = opB(B)[k0 + kk, n0 + 4j .. + 3].
  if (transposeB) {
    for (let j = 0; j < C4; j++) for (let c = 0; c < 4; c++) {
      body.push(`    let bs_${j}_${c} = b[(b_base + min(n0 + ${4 * j + c}u, p.n - 1u) * p.k + k0) / 4u];`);
    }
    for (let kk = 0; kk < 4; kk++) for (let j = 0; j < C4; j++) {
      body.push(`    let bt_${kk}_${j} = vec4f(${[0, 1, 2, 3].map((c) => `bs_${j}_${c}.${COMPONENT[kk]}`).join(', ')});`);
    }
  }
  for (let kk = 0; kk < 4; kk++) {
    if (!transposeB) {
      for (let j = 0; j < C4; j++) body.push(`    let bt_${kk}_${j} = b[(b_base + (k0 + ${kk}u) * p.n + min(n0 + ${4 * j}u, p.n - 4u)) / 4u];`);
    }
    for (let i = 0; i < R; i++) {
      const f = transposeA ? kk * (R / 4) + (i >> 2) : i;
      const component = transposeA ? COMPONENT[i & 3] : COMPONENT[kk];
      body.push(`    let a_${kk}_${i} = vec4f(subgroupBroadcast(av_${Math.floor(f / sg)}.${component}, ${f % sg}u));`);
      for (let j = 0; j < C4; j++) body.push(`    acc_${i}_${j} = fma(a_${kk}_${i}, bt_${kk}_${j}, acc_${i}_${j});`);
    }
  }
  body.push('  }', '  if (!live) { return; }');
  for (let j = 0; j < C4; j++) {
    body.push(`  let bias_${j} = ${hasBias ? `bias[min(n0 + ${4 * j}u, p.n - 4u) / 4u]` : 'vec4f(0.0)'};`);
  }
  for (let i = 0; i < R; i++) {
    body.push(`  if (m0 + ${i}u < p.m) {`);
    for (let j = 0; j < C4; j++) {
      body.push(`    if (n0 + ${4 * j}u < p.n) { c[(c_base + (m0 + ${i}u) * p.n + n0 + ${4 * j}u) / 4u] = acc_${i}_${j} + bias_${j}; }`);
    }
    body.push('  }');
  }
  return `enable subgroups;
// matmul, ${R} rows a subgroup of ${sg} lanes, ${4 * C4} columns a lane${transposeA ? ', A transposed' : ''}${transposeB ? ', B transposed' : ''}${hasBias ? ', bias' : ''}.
// Written by core/kernels/matmul-subgroup.ts, which explains the kernel.
${bindings(hasBias)}

@compute @workgroup_size(${WG})
fn matmul(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32,
          @builtin(subgroup_invocation_id) sl: u32) {
  // Subgroup g: batch item, row block, column group (SG lanes x ${4 * C4} columns); column groups fastest.
  let g = (wg.y * nwg.x + wg.x) * ${WG / sg}u + lane / ${sg}u;
  let col_groups = (p.n + ${4 * C4 * sg - 1}u) / ${4 * C4 * sg}u;
  let row_blocks = (p.m + ${R - 1}u) / ${R}u;
  let item = g / col_groups / row_blocks;
  let live = item < p.batch;
  let bi = min(item, p.batch - 1u);
  let m0 = ((g / col_groups) % row_blocks) * ${R}u;
  let n0 = ((g % col_groups) * ${sg}u + sl) * ${4 * C4}u;
  let a_base = bi * p.a_batch_stride;
  let b_base = bi * p.b_batch_stride;
  let c_base = bi * p.c_batch_stride;
${body.join('\n')}
}`;
}

function tileCode(transposeA: boolean, transposeB: boolean, hasBias: boolean): string {
  // opA(A)[row, k] and opB(B)[k, col4] as vec4s, clamped into the matrix (values past M, N are never stored).
  const aLoad = transposeA
    // A stored [K, M]: 4 k-rows of 4 rows each; a vec4 of 4 consecutive rows at one k.
    ? 'a[(a_base + (k0 + li / 16u) * p.m + min(row0 + 4u * (li % 16u), p.m - 4u)) / 4u]'
    : 'a[(a_base + min(row0 + li / 4u, p.m - 1u) * p.k + k0 + 4u * (li % 4u)) / 4u]';
  const bLoad = transposeB
    ? 'b[(b_base + min(col0 + li / 4u, p.n - 1u) * p.k + k0 + 4u * (li % 4u)) / 4u]'
    : 'b[(b_base + (k0 + li / 16u) * p.n + min(col0 + 4u * (li % 16u), p.n - 4u)) / 4u]';
  return `${bindings(hasBias)}
// matmul, 64 x 64 tiles of C a workgroup of 16 x 16 threads (4 x 4 each), K in steps of 16 through workgroup
// memory${transposeA ? ', A transposed' : ''}${transposeB ? ', B transposed' : ''}${hasBias ? ', bias' : ''}. Written by core/kernels/matmul-subgroup.ts.
// tile_a[r][kk] = opA(A)[row0 + r, k0 + kk] and tile_b[kk][c] = opB(B)[k0 + kk, col0 + c], stored as loaded.
var<workgroup> tile_a: array<vec4f, 256>;
var<workgroup> tile_b: array<vec4f, 256>;

fn tile_a_at(r: u32, kk: u32) -> f32 {
  ${transposeA ? 'return tile_a[kk * 16u + r / 4u][r % 4u];' : 'return tile_a[r * 4u + kk / 4u][kk % 4u];'}
}

fn tile_b_row(kk: u32, c4: u32) -> vec4f {
  ${transposeB
    ? 'return vec4f(tile_b[(4u * c4) * 4u + kk / 4u][kk % 4u], tile_b[(4u * c4 + 1u) * 4u + kk / 4u][kk % 4u], tile_b[(4u * c4 + 2u) * 4u + kk / 4u][kk % 4u], tile_b[(4u * c4 + 3u) * 4u + kk / 4u][kk % 4u]);'
    : 'return tile_b[kk * 16u + c4];'}
}

@compute @workgroup_size(16, 16)
fn matmul(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  let tiles_n = (p.n + 63u) / 64u;
  let tiles_m = (p.m + 63u) / 64u;
  let tile = wg.y * 65535u + wg.x;
  let item = tile / tiles_n / tiles_m;
  // Every thread reaches the barriers; workgroups past the last tile compute on clamped rows and store nothing.
  let live = item < p.batch;
  let bi = min(item, p.batch - 1u);
  let row0 = ((tile / tiles_n) % tiles_m) * 64u;
  let col0 = (tile % tiles_n) * 64u;
  let a_base = bi * p.a_batch_stride;
  let b_base = bi * p.b_batch_stride;
  var acc = array<vec4f, 4>();
  for (var k0 = 0u; k0 < p.k; k0 += 16u) {
    // K is a multiple of 4, not of 16: the last step's missing k read as zeros.
    let k_ok = k0 + ${transposeA ? 'li / 16u' : '4u * (li % 4u)'} < p.k;
    tile_a[li] = select(vec4f(0.0), ${aLoad}, k_ok);
    let k_ok_b = k0 + ${transposeB ? '4u * (li % 4u)' : 'li / 16u'} < p.k;
    tile_b[li] = select(vec4f(0.0), ${bLoad}, k_ok_b);
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      let bv = tile_b_row(kk, lid.x);
      for (var i = 0u; i < 4u; i++) { acc[i] = fma(vec4f(tile_a_at(lid.y * 4u + i, kk)), bv, acc[i]); }
    }
    workgroupBarrier();
  }
  if (!live) { return; }
  let col = col0 + 4u * lid.x;
  if (col >= p.n) { return; }
  let bias_v = ${hasBias ? 'bias[col / 4u]' : 'vec4f(0.0)'};
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + lid.y * 4u + i;
    if (row < p.m) { c[(bi * p.c_batch_stride + row * p.n + col) / 4u] = acc[i] + bias_v; }
  }
}`;
}

/** Generated sources, one a spec: the engine caches modules and pipelines by `file`. */
const sourceFor = (key: string, write: () => string): KernelSource => generatedSource('matmul-variant', 'core/kernels/matmul-subgroup.ts', key, write);

function params(d: MatmulDims) {
  return {
    batch: u32(d.batch), m: u32(d.m), n: u32(d.n), k: u32(d.k),
    a_batch_stride: u32(d.aBatchStride), b_batch_stride: u32(d.bBatchStride), c_batch_stride: u32(d.m * d.n),
  };
}

function work(d: MatmulDims, bias: boolean) {
  const aMatrices = d.aBatchStride === 0 ? 1 : d.batch;
  const bMatrices = d.bBatchStride === 0 ? 1 : d.batch;
  return {
    flops: 2 * d.batch * d.m * d.n * d.k + (bias ? d.batch * d.m * d.n : 0),
    bytes: 4 * (aMatrices * d.m * d.k + bMatrices * d.k * d.n + d.batch * d.m * d.n + (bias ? d.n : 0)),
    shapes: `${aMatrices}x${d.transposeA ? `[${d.k},${d.m}]ᵀ` : `[${d.m},${d.k}]`}*${bMatrices}x${d.transposeB ? `[${d.n},${d.k}]ᵀ` : `[${d.k},${d.n}]`}${bias ? '+bias' : ''}`,
  };
}

/** out [batch, M, N] = opA(a) opB(b) (+ bias [N]), subgroup-shared A tiles (see the file's comment). */
export function matmulSubgroupLaunch(a: GPUBuffer, b: GPUBuffer, bias: GPUBuffer | null, out: GPUBuffer, d: MatmulDims, blocking: MatmulBlocking, sg: number): KernelLaunch {
  const key = `subgroup r${blocking.rows} c${4 * blocking.columns4} sg${sg}${d.transposeA ? ' tA' : ''}${d.transposeB ? ' tB' : ''}${bias ? ' bias' : ''}`;
  const subgroups = d.batch * Math.ceil(d.m / blocking.rows) * Math.ceil(d.n / (4 * blocking.columns4 * sg));
  return {
    kernel: sourceFor(key, () => subgroupCode(blocking, sg, d.transposeA, d.transposeB, bias !== null)), entry: 'matmul',
    params: params(d), buffers: bias ? [a, b, bias, out] : [a, b, out], workgroups: gridFor(Math.ceil(subgroups / (WG / sg))), ...work(d, bias !== null),
  };
}

/** The same product by 64 x 64 workgroup-memory tiles (see the file's comment). */
export function matmulTileLaunch(a: GPUBuffer, b: GPUBuffer, bias: GPUBuffer | null, out: GPUBuffer, d: MatmulDims): KernelLaunch {
  const key = `tile64${d.transposeA ? ' tA' : ''}${d.transposeB ? ' tB' : ''}${bias ? ' bias' : ''}`;
  const tiles = d.batch * Math.ceil(d.m / 64) * Math.ceil(d.n / 64);
  // The kernel recovers its tile as wg.y * 65535 + wg.x.
  const workgroups: [number, number, number] = tiles <= 65535 ? [tiles, 1, 1] : [65535, Math.ceil(tiles / 65535), 1];
  return {
    kernel: sourceFor(key, () => tileCode(d.transposeA, d.transposeB, bias !== null)), entry: 'matmul',
    params: params(d), buffers: bias ? [a, b, bias, out] : [a, b, out], workgroups, ...work(d, bias !== null),
  };
}
