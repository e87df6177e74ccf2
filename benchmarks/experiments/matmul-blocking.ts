// Experiment: why does matmul reach only a small fraction of the FMA peak on lavapipe, and what helps?
// C [M, N] = A [M, K] B [K, N], row-major, against the real kernel (core/kernels/matmul.wgsl, matmul_vec4) in the
// same run. Variants (WGSL below, generated where they differ only in block sizes):
//   naive          one output a thread, scalar loads (2 loads a FMA)
//   wgmem16        the textbook 16x16 tiles in workgroup memory with barriers, one output a thread
//   rRcC tXxY      R rows x 4C columns a thread in vec4 registers, A loaded as vec4 along k, B as vec4 along n;
//                  a workgroup of X x Y threads covers a (Y R) x (4 C X) tile of C
//   ... uniformA   Y = 1: a thread's rows come from the workgroup id alone, so A's addresses are the same for
//                  every lane of the workgroup (statically uniform) and only B's loads differ per lane
//
// Run: timeout 120 node --import ./runtime-node/register.mjs benchmarks/experiments/matmul-blocking.ts
//        [--size=1024,1024,1024] [--only=naive,r8c4-t16x1-uniformA] [--dawn=...] [--rounds=3]
import { matmulLaunch } from '../../core/kernels/matmul.ts';
import { u32 } from '../../core/kernels/launch.ts';
import { type Variant, compareVariants, flag, labEngine, labKernel, labLaunch, maxError, peakVariant, printComparison, randomArray, selected, upload } from './lab.ts';

const PARAMS = 'struct Params { m: u32, n: u32, k: u32, width: u32 }\n@group(0) @binding(0) var<uniform> p: Params;\n';

const NAIVE = `${PARAMS}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  var acc = 0.0;
  for (var k = 0u; k < p.k; k++) { acc = fma(a[gid.y * p.k + k], b[k * p.n + gid.x], acc); }
  c[gid.y * p.n + gid.x] = acc;
}`;

const WGMEM16 = `${PARAMS}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
var<workgroup> tile_a: array<f32, 256>;
var<workgroup> tile_b: array<f32, 256>;
@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  var acc = 0.0;
  for (var k0 = 0u; k0 < p.k; k0 += 16u) {
    tile_a[lid.y * 16u + lid.x] = a[gid.y * p.k + k0 + lid.x];
    tile_b[lid.y * 16u + lid.x] = b[(k0 + lid.y) * p.n + gid.x];
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) { acc = fma(tile_a[lid.y * 16u + kk], tile_b[kk * 16u + lid.x], acc); }
    workgroupBarrier();
  }
  c[gid.y * p.n + gid.x] = acc;
}`;

interface Blocking {
  /** Rows of C a thread. */
  readonly r: number;
  /**
   * With ty = 1: compute the rows from the lane too, in a way the compiler cannot fold (through a uniform), so
   * A's addresses are equal across lanes but not provably uniform: the control for the uniformA variants.
   */
  readonly divergentRows?: boolean;
  /** vec4 columns of C a thread. */
  readonly c4: number;
  readonly tx: number;
  readonly ty: number;
}

/** R x 4C outputs a thread as R*C vec4 accumulators, written out one by one (no arrays: they may spill). */
function blockedKernel({ r, c4, tx, ty, divergentRows }: Blocking): string {
  const rows = [...Array(r).keys()];
  const cols = [...Array(c4).keys()];
  const lanes = ['x', 'y', 'z', 'w'];
  const body: string[] = [];
  for (const i of rows) for (const j of cols) body.push(`  var acc_${i}_${j} = vec4f();`);
  body.push('  for (var k = 0u; k < k4n; k++) {');
  for (const i of rows) body.push(`    let a_${i} = a[(row0 + ${i}u) * k4n + k];`);
  body.push('    let kb = 4u * k * n4 + col0;');
  for (let q = 0; q < 4; q++) for (const j of cols) body.push(`    let b_${q}_${j} = b[kb + ${q}u * n4 + ${j}u];`);
  for (const i of rows) {
    for (const j of cols) {
      for (let q = 0; q < 4; q++) body.push(`    acc_${i}_${j} = fma(vec4f(a_${i}.${lanes[q]}), b_${q}_${j}, acc_${i}_${j});`);
    }
  }
  body.push('  }');
  for (const i of rows) for (const j of cols) body.push(`  c[(row0 + ${i}u) * n4 + col0 + ${j}u] = acc_${i}_${j};`);
  const row0 =
    ty !== 1 ? `(wg.y * ${ty}u + lid.y) * ${r}u` : divergentRows ? `(wg.y * p.width + lid.x) / p.width * ${r}u` : `wg.y * ${r}u`;
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4f>;
@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row0 = ${row0};
  let col0 = (wg.x * ${tx}u + lid.x) * ${c4}u;
  let k4n = p.k / 4u;
  let n4 = p.n / 4u;
${body.join('\n')}
}`;
}

const blockedName = (b: Blocking) => `r${b.r}c${b.c4 * 4}-t${b.tx}x${b.ty}${b.ty === 1 ? (b.divergentRows ? '-divergentA' : '-uniformA') : ''}`;

const BLOCKINGS: readonly Blocking[] = [
  { r: 4, c4: 1, tx: 8, ty: 8 },
  { r: 4, c4: 1, tx: 64, ty: 1 },
  { r: 4, c4: 1, tx: 64, ty: 1, divergentRows: true },
  { r: 4, c4: 1, tx: 16, ty: 1 },
  { r: 8, c4: 1, tx: 8, ty: 8 },
  { r: 8, c4: 1, tx: 16, ty: 1 },
  { r: 8, c4: 1, tx: 64, ty: 1 },
  { r: 8, c4: 1, tx: 64, ty: 1, divergentRows: true },
  { r: 4, c4: 2, tx: 8, ty: 8 },
  { r: 4, c4: 1, tx: 4, ty: 4 },
  { r: 4, c4: 1, tx: 16, ty: 16 },
  // More accumulators: 16 vec4 accumulators hung in an earlier measurement (core/kernels/PERFORMANCE.md); run these alone with --only.
  { r: 16, c4: 1, tx: 16, ty: 1 },
  { r: 8, c4: 2, tx: 8, ty: 8 },
];
const RISKY = new Set(['r16c4-t16x1-uniformA', 'r8c8-t8x8']);

async function main(): Promise<void> {
  const [m, n, k] = (flag('size') ?? '1024,1024,1024').split(',').map(Number) as [number, number, number];
  const engine = await labEngine();
  const flops = 2 * m * n * k;
  console.log(`matmul [${m},${k}] x [${k},${n}]: ${(flops / 1e9).toFixed(2)} GFLOP a run`);
  const a = upload(engine, randomArray(m * k, 1), 'a');
  const b = upload(engine, randomArray(k * n, 2), 'b');
  // The reference is the real kernel's output: every variant must agree with it.
  const expectedBuffer = engine.storage.acquire(4 * m * n, 'c.real');
  const real = matmulLaunch(a, b, null, expectedBuffer, { batch: 1, m, n, k, transposeA: false, transposeB: false, aBatchStride: 0, bBatchStride: 0 });
  engine.dispatch(real);
  const expected = new Float32Array(await engine.download(expectedBuffer, 4 * m * n));

  // width: the workgroup width of the divergentA variants (64).
  const params = { m: u32(m), n: u32(n), k: u32(k), width: u32(64) };
  const candidates: [string, string, [number, number, number]][] = [
    ['naive', NAIVE, [n / 8, m / 8, 1]],
    ['wgmem16', WGMEM16, [n / 16, m / 16, 1]],
    ...BLOCKINGS.map((bl): [string, string, [number, number, number]] => [blockedName(bl), blockedKernel(bl), [n / (bl.tx * 4 * bl.c4), m / (bl.ty * bl.r), 1]]),
  ];
  const variants: Variant[] = [peakVariant(engine), { name: 'real', launch: real }];
  for (const [name, code, workgroups] of candidates) {
    if (!selected(name) || (RISKY.has(name) && !flag('only'))) continue;
    if (!workgroups.every(Number.isInteger)) {
      console.log(`${name}: skipped, the tile does not divide [${m},${n}]`);
      continue;
    }
    const c = engine.storage.acquire(4 * m * n, `c.${name}`);
    variants.push({
      name,
      launch: labLaunch(labKernel(`benchmarks/experiments/matmul-blocking.ts#${name}`, code), params, [a, b, c], workgroups, flops),
      before: () => engine.upload(c, new Float32Array(m * n)),
      check: () => maxError(engine, c, expected),
    });
  }
  printComparison(await compareVariants(engine, variants), 'real');
  process.exit(0);
}

await main();
