// Experiment: matmul C [M, N] = A [M, K] B [K, N] with the shared operand distributed through subgroup
// broadcasts instead of every lane loading it, against the real kernel (core/kernels/matmul.wgsl,
// matmul_vec4) and the FMA peak, interleaved.
//
// Why: on llvmpipe every lane of a SIMD thread loads at its own address in a scalar loop (load-paths.ts: a
// vec4 storage load ~15 vec4 FMAs). In the real kernel the 8 lanes of a subgroup are 8 neighbouring column
// blocks of the same rows, so all 8 load the same A values. Here the lanes of a subgroup share R rows: lane l
// loads one vec4 of the subgroup's A tile (row l % R, k0 + 4 (l / R) ..), and every lane takes each A value
// from its owner with subgroupBroadcast (a register extract on llvmpipe). B stays one vec4 load a lane a k,
// now feeding R vec4 FMAs instead of 4. The k order and the fma chain are the real kernel's, so the result
// is bit-identical.
//
// Variants:
//   sg-rRcC        R rows x 4C columns a lane, A shared through the subgroup
//   wg-tile64      the GPU-style kernel: 64x64 tiles of A and B in workgroup memory, 16x16 threads of 4x4
//   plain-r8c4     R = 8 without subgroups (every lane loads its A): the control
//
// Run: timeout 300 node --import ./runtime-node/register.mjs benchmarks/experiments/matmul-subgroups.ts [--size=M,N,K] [--only=...] [--rounds=3]
import matmulSource from '../../core/kernels/matmul.wgsl';
import { randomArray } from './lab.ts';
import {
  type RawVariant, bindGroup, compareRaw, computePipeline, flag, peakVariants, printRaw, rawDevice, readBuffer, relativeError, selected,
  storageBuffer, tfjsWasm, uniformBuffer,
} from './raw-lab.ts';

const WG = 64;
const PARAMS = 'struct Params { m: u32, n: u32, k: u32, pad: u32 }\n@group(0) @binding(0) var<uniform> p: Params;';
const BUFFERS = `@group(0) @binding(1) var<storage, read> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4f>;`;

/**
 * R rows x 4C columns a lane, K in steps of KS; the subgroup's SG lanes cover R rows x 4 C SG columns, and its
 * A tile of R x KS values is loaded as R KS / (4 SG) vec4s a lane: vec4 f = j SG + lane holds row f % R,
 * k0 + 4 floor(f / R) .. + 3.
 */
export function subgroupKernel(r: number, c4: number, sg: number, ks: number): string {
  const perLane = (r * ks) / (4 * sg);
  if (!Number.isInteger(perLane) || perLane < 1 || ks % 4 !== 0) throw new Error(`R ${r} x KS ${ks} is not a whole number of vec4s a lane of ${sg}`);
  const lines: string[] = [];
  for (let i = 0; i < r; i++) for (let j = 0; j < c4; j++) lines.push(`  var acc_${i}_${j} = vec4f();`);
  lines.push(`  for (var k0 = 0u; k0 < p.k; k0 += ${ks}u) {`);
  for (let j = 0; j < perLane; j++) lines.push(`    let av_${j} = a[a_at_${j} + k0 / 4u];`);
  for (let kk = 0; kk < ks; kk++) {
    for (let j = 0; j < c4; j++) lines.push(`    let b_${kk}_${j} = b[(k0 + ${kk}u) * n4 + col4 + ${j}u];`);
    for (let i = 0; i < r; i++) {
      const f = i + r * Math.floor(kk / 4);
      lines.push(`    let a_${kk}_${i} = vec4f(subgroupBroadcast(av_${Math.floor(f / sg)}.${'xyzw'[kk % 4]}, ${f % sg}u));`);
      for (let j = 0; j < c4; j++) lines.push(`    acc_${i}_${j} = fma(a_${kk}_${i}, b_${kk}_${j}, acc_${i}_${j});`);
    }
  }
  lines.push('  }');
  for (let i = 0; i < r; i++) for (let j = 0; j < c4; j++) lines.push(`  c[(m0 + ${i}u) * n4 + col4 + ${j}u] = acc_${i}_${j};`);
  const owners = [...Array(perLane).keys()].map((j) =>
    `  let a_at_${j} = ((m0 + (${j * sg}u + sl) % ${r}u) * p.k + 4u * ((${j * sg}u + sl) / ${r}u)) / 4u;`);
  return `enable subgroups;
${PARAMS}
${BUFFERS}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(subgroup_invocation_id) sl: u32) {
  let n4 = p.n / 4u;
  let groups_n = p.n / ${4 * c4 * sg}u;
  let g = wg.x * ${WG / sg}u + lane / ${sg}u;
  let m0 = (g / groups_n) * ${r}u;
  let col4 = ((g % groups_n) * ${sg}u + sl) * ${c4}u;
${owners.join('\n')}
${lines.join('\n')}
}`;
}

/** R x 4C a lane, no subgroups: each lane loads its own A rows as vec4 along k (matmul-blocking.ts's rRcC). */
function plainKernel(r: number, c4: number): string {
  const lines: string[] = [];
  for (let i = 0; i < r; i++) for (let j = 0; j < c4; j++) lines.push(`  var acc_${i}_${j} = vec4f();`);
  lines.push('  for (var k = 0u; k < p.k / 4u; k++) {');
  for (let i = 0; i < r; i++) lines.push(`    let a_${i} = a[(m0 + ${i}u) * (p.k / 4u) + k];`);
  for (let q = 0; q < 4; q++) for (let j = 0; j < c4; j++) lines.push(`    let b_${q}_${j} = b[(4u * k + ${q}u) * n4 + col4 + ${j}u];`);
  for (let i = 0; i < r; i++) for (let q = 0; q < 4; q++) for (let j = 0; j < c4; j++) {
    lines.push(`    acc_${i}_${j} = fma(vec4f(a_${i}.${'xyzw'[q]}), b_${q}_${j}, acc_${i}_${j});`);
  }
  lines.push('  }');
  for (let i = 0; i < r; i++) for (let j = 0; j < c4; j++) lines.push(`  c[(m0 + ${i}u) * n4 + col4 + ${j}u] = acc_${i}_${j};`);
  return `${PARAMS}
${BUFFERS}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32) {
  let n4 = p.n / 4u;
  let t = wg.x * ${WG}u + lane;
  let blocks_n = p.n / ${4 * c4}u;
  let m0 = (t / blocks_n) * ${r}u;
  let col4 = (t % blocks_n) * ${c4}u;
${lines.join('\n')}
}`;
}

/** 64 x 64 output tile a workgroup of 16 x 16 threads (4 x 4 each), K in steps of 16 through workgroup memory. */
const WG_TILE64 = `${PARAMS}
${BUFFERS}
var<workgroup> tile_a: array<vec4f, 256>;   // [64 rows][16 k] as [64][4 vec4]
var<workgroup> tile_b: array<vec4f, 256>;   // [16 k][64 cols] as [16][16 vec4]
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  let n4 = p.n / 4u;
  let k4 = p.k / 4u;
  let row0 = wg.y * 64u;
  let col40 = wg.x * 16u;
  var acc = array<vec4f, 4>();
  for (var k0 = 0u; k0 < p.k; k0 += 16u) {
    // 256 threads load one vec4 of each tile.
    tile_a[li] = a[(row0 + li / 4u) * k4 + k0 / 4u + li % 4u];
    tile_b[li] = b[(k0 + li / 16u) * n4 + col40 + li % 16u];
    workgroupBarrier();
    for (var kq = 0u; kq < 4u; kq++) {
      let b0 = tile_b[(4u * kq) * 16u + lid.x];
      let b1 = tile_b[(4u * kq + 1u) * 16u + lid.x];
      let b2 = tile_b[(4u * kq + 2u) * 16u + lid.x];
      let b3 = tile_b[(4u * kq + 3u) * 16u + lid.x];
      for (var i = 0u; i < 4u; i++) {
        let av = tile_a[(lid.y * 4u + i) * 4u + kq];
        acc[i] = fma(vec4f(av.x), b0, acc[i]);
        acc[i] = fma(vec4f(av.y), b1, acc[i]);
        acc[i] = fma(vec4f(av.z), b2, acc[i]);
        acc[i] = fma(vec4f(av.w), b3, acc[i]);
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) { c[(row0 + lid.y * 4u + i) * n4 + col40 + lid.x] = acc[i]; }
}`;


/**
 * The sg-rRcC kernel written as a reader would write it in a .wgsl file: loops and arrays, the block sizes as
 * override constants (ROWS, COLS4; SG the subgroup size, KS = 4 SG ROWS / ... fixed at 4). Does the compiler
 * unroll and keep it as fast as the generated one?
 */
const STATIC_SUBGROUP = `enable subgroups;
${PARAMS}
${BUFFERS}
override ROWS: u32 = 16u;
override COLS4: u32 = 2u;
override SG: u32 = 8u;
const MAX_ACC: u32 = 32u;
const MAX_A: u32 = 4u;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(subgroup_invocation_id) sl: u32) {
  let n4 = p.n / 4u;
  let groups_n = p.n / (4u * COLS4 * SG);
  let g = wg.x * (${WG}u / SG) + lane / SG;
  let m0 = (g / groups_n) * ROWS;
  let col4 = ((g % groups_n) * SG + sl) * COLS4;
  // A tile of ROWS x 4 values a step: ROWS / SG vec4s a lane; vec4 f = j SG + lane holds row f.
  let a_loads = ROWS / SG;
  var acc: array<vec4f, MAX_ACC>;
  for (var k0 = 0u; k0 < p.k; k0 += 4u) {
    var av: array<vec4f, MAX_A>;
    for (var j = 0u; j < a_loads; j++) { av[j] = a[(m0 + j * SG + sl) * (p.k / 4u) + k0 / 4u]; }
    for (var kk = 0u; kk < 4u; kk++) {
      var bv: array<vec4f, 4>;
      for (var j = 0u; j < COLS4; j++) { bv[j] = b[(k0 + kk) * n4 + col4 + j]; }
      for (var i = 0u; i < ROWS; i++) {
        let a_ik = vec4f(subgroupBroadcast(av[i / SG][kk], i % SG));
        for (var j = 0u; j < COLS4; j++) { acc[i * COLS4 + j] = fma(a_ik, bv[j], acc[i * COLS4 + j]); }
      }
    }
  }
  for (var i = 0u; i < ROWS; i++) {
    for (var j = 0u; j < COLS4; j++) { c[(m0 + i) * n4 + col4 + j] = acc[i * COLS4 + j]; }
  }
}`;

export async function main(): Promise<void> {
  const [m, n, k] = (flag('size') ?? '1024,1024,1024').split(',').map(Number) as [number, number, number];
  const { device, features, subgroupSize } = await rawDevice();
  const sg = Number(flag('sg') ?? subgroupSize?.min ?? 8);
  const flops = 2 * m * n * k;
  console.log(`matmul [${m},${k}] x [${k},${n}]: ${(flops / 1e9).toFixed(2)} GFLOP a run, subgroup size ${sg}`);
  const aBuf = storageBuffer(device, randomArray(m * k, 1));
  const bBuf = storageBuffer(device, randomArray(k * n, 2));
  const params = uniformBuffer(device, new Uint32Array([m, n, k, 0]));
  const realParams = uniformBuffer(device, new Uint32Array([1, m, n, k, 0, 0, m * n, 0]));
  const out = (label: string) => Object.assign(storageBuffer(device, 4 * m * n), { label });

  const realOut = out('real');
  const real = await computePipeline(device, 'real', matmulSource, { TRANSPOSE_A: 0, TRANSPOSE_B: 0, HAS_BIAS: 0 }, 'matmul_vec4');
  const realVariant: RawVariant = {
    name: 'real', flops, bytes: 0,
    dispatches: [{ pipeline: real, bindGroup: bindGroup(device, real, [realParams, aBuf, bBuf, aBuf, realOut]), workgroups: [(m * n) / 16 / 64, 1, 1] }],
  };
  {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(real);
    pass.setBindGroup(0, realVariant.dispatches[0]!.bindGroup);
    pass.dispatchWorkgroups(...realVariant.dispatches[0]!.workgroups);
    pass.end();
    device.queue.submit([enc.finish()]);
  }
  const expected = await readBuffer(device, realOut, 4 * m * n);

  const candidates: { name: string; code: string; workgroups: [number, number, number]; needs?: string; constants?: Record<string, number> }[] = [];
  const shapes = (flag('shapes') ?? '4x4k8,8x4k4,8x4k8,8x8k4,16x4k4,16x4k8,12x4k8').split(',');
  for (const shape of shapes) {
    const [r, c, ks] = shape.split(/[xk]/).map(Number) as [number, number, number];
    const lanes = (m / r) * (n / c);
    if (!Number.isInteger(lanes / WG) || !Number.isInteger((r * ks) / (4 * sg))) continue;
    candidates.push({ name: `sg-r${r}c${c}k${ks}`, code: subgroupKernel(r, c / 4, sg, ks), workgroups: [lanes / WG, 1, 1], needs: 'subgroups' });
  }
  for (const [r, c] of [[16, 8], [16, 4], [8, 4]] as const) {
    candidates.push({ name: `static-r${r}c${c}`, code: STATIC_SUBGROUP, constants: { ROWS: r, COLS4: c / 4, SG: sg }, workgroups: [(m / r) * (n / c) / WG, 1, 1], needs: 'subgroups' });
  }
  candidates.push({ name: 'plain-r8c4', code: plainKernel(8, 1), workgroups: [(m / 8) * (n / 4) / WG, 1, 1] });
  candidates.push({ name: 'wg-tile64', code: WG_TILE64, workgroups: [n / 64, m / 64, 1] });

  const variants: RawVariant[] = [...(await peakVariants(device)).slice(0, 1), realVariant];
  for (const cand of candidates) {
    if (!selected(cand.name)) continue;
    if (cand.needs && !features.has(cand.needs)) {
      console.log(`${cand.name}: skipped, no ${cand.needs}`);
      continue;
    }
    try {
      const pipeline = await computePipeline(device, cand.name, cand.code, cand.constants);
      const c = out(cand.name);
      variants.push({
        name: cand.name, flops, bytes: 0,
        dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, [params, aBuf, bBuf, c]), workgroups: cand.workgroups }],
        check: async () => relativeError(await readBuffer(device, c, 4 * m * n), expected),
      });
    } catch (error) {
      console.log(`${cand.name}: failed: ${String(error).split('\n')[0]}`);
    }
  }
  if (selected('tfjs-wasm')) {
    const tf = await tfjsWasm();
    const ta = tf.randomUniform([m, k], -1, 1);
    const tb = tf.randomUniform([k, n], -1, 1);
    variants.push({ name: 'tfjs-wasm', flops, bytes: 0, dispatches: [], cpu: () => tf.matMul(ta, tb).dispose() });
  }
  printRaw(await compareRaw(device, variants), 'real');
  process.exit(0);
}

if (process.argv[1]?.endsWith("matmul-subgroups.ts")) await main();
