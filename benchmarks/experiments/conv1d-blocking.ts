// Experiment: conv1d forward at the U-Net's level-1 shape, x [64, 64, 256] * w [64, 64, 5], padding 2, against
// the real kernel (core/kernels/conv1d.wgsl, forward: 4 channels x 8 positions a thread, sliding window) in the same
// run, interleaved. Variants:
//   naive          one output a thread, scalar loads
//   uniformW-oO    a workgroup is one batch item and O output channels (from the workgroup id alone), its 64
//                  lanes 4 positions each (the whole 256-frame row): every weight load has the same address in
//                  all lanes (statically uniform), and x comes as 3 aligned vec4 loads a channel, shifted in
//                  registers for the 5 taps. O vec4 accumulators a thread.
//
// Run: timeout 120 node --import ./runtime-node/register.mjs benchmarks/experiments/conv1d-blocking.ts
//        [--only=uniformW-o8] [--dawn=...] [--rounds=3]
import { type Conv1dGeometry, conv1dForwardLaunch } from '../../core/kernels/conv1d.ts';
import { u32 } from '../../core/kernels/launch.ts';
import { type Variant, compareVariants, flag, labEngine, labKernel, labLaunch, maxError, peakVariant, printComparison, randomArray, selected, upload } from './lab.ts';

const B = 64;
const C = 64;
const L = 256;
const K = 5;
const PAD = 2;

const PARAMS = 'struct Params { batch: u32, cin: u32, cout: u32, length: u32 }\n@group(0) @binding(0) var<uniform> p: Params;\n';

const NAIVE = `${PARAMS}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let id = (wg.y * nwg.x + wg.x) * 64u + lane;
  let t = id % p.length;
  let o = (id / p.length) % p.cout;
  let n = id / p.length / p.cout;
  if (n >= p.batch) { return; }
  var acc = 0.0;
  for (var c = 0u; c < p.cin; c++) {
    for (var k = 0u; k < ${K}u; k++) {
      let pos = i32(t) + i32(k) - ${PAD};
      if (pos >= 0 && pos < i32(p.length)) { acc = fma(w[(o * p.cin + c) * ${K}u + k], x[(n * p.cin + c) * p.length + u32(pos)], acc); }
    }
  }
  y[(n * p.cout + o) * p.length + t] = acc;
}`;

/** O output channels a workgroup; lanes cover 4 positions each of a 256-frame row (length must be 256). */
function uniformWeightKernel(o: number): string {
  const outs = [...Array(o).keys()];
  const taps = [...Array(K).keys()];
  // prev, cur, next hold x[t0 - 4 .. t0 + 7]; tap k needs x[t0 - PAD + k .. t0 - PAD + k + 3], i.e. the 4
  // values from place 4 - PAD + k on, picked by component (a WGSL array here would be a private-memory array).
  const component = (j: number) => `${['prev', 'cur', 'next'][j >> 2]}.${'xyzw'[j & 3]}`;
  const window = (k: number) => `vec4f(${[0, 1, 2, 3].map((j) => component(4 - PAD + k + j)).join(', ')})`;
  const lines: string[] = [];
  for (const i of outs) lines.push(`  var acc_${i} = vec4f();`);
  lines.push('  for (var c = 0u; c < p.cin; c++) {');
  lines.push('    let row = (n * p.cin + c) * (p.length / 4u);');
  lines.push('    let prev = select(vec4f(), x[row + max(q, 1u) - 1u], q > 0u);');
  lines.push('    let cur = x[row + q];');
  lines.push('    let next = select(vec4f(), x[row + min(q + 1u, last)], q < last);');
  for (const k of taps) lines.push(`    let x_${k} = ${window(k)};`);
  for (const i of outs) {
    lines.push(`    let w_${i} = (( o0 + ${i}u) * p.cin + c) * ${K}u;`);
    for (const k of taps) lines.push(`    acc_${i} = fma(vec4f(w[w_${i} + ${k}u]), x_${k}, acc_${i});`);
  }
  lines.push('  }');
  for (const i of outs) lines.push(`  y[(n * p.cout + o0 + ${i}u) * (p.length / 4u) + q] = acc_${i};`);
  return `${PARAMS}
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) q: u32) {
  let o0 = wg.x * ${o}u;
  let n = wg.y;
  let last = p.length / 4u - 1u;
${lines.join('\n')}
}`;
}

async function main(): Promise<void> {
  const engine = await labEngine();
  const g: Conv1dGeometry = { batch: B, inChannels: C, inLength: L, outChannels: C, outLength: L, kernelSize: K, stride: 1, padding: PAD, dilation: 1 };
  const flops = 2 * B * C * C * K * L;
  console.log(`conv1d forward [${B},${C},${L}] * [${C},${C},${K}] pad ${PAD}: ${(flops / 1e9).toFixed(2)} GFLOP a run`);
  const x = upload(engine, randomArray(B * C * L, 1), 'x');
  const w = upload(engine, randomArray(C * C * K, 2), 'w');
  const expectedBuffer = engine.storage.acquire(4 * B * C * L, 'y.real');
  const real = conv1dForwardLaunch(g, x, w, null, expectedBuffer);
  engine.dispatch(real);
  const expected = new Float32Array(await engine.download(expectedBuffer, 4 * B * C * L));

  const params = { batch: u32(B), cin: u32(C), cout: u32(C), length: u32(L) };
  const candidates: [string, string, [number, number, number]][] = [
    ['naive', NAIVE, [(B * C * L) / 64, 1, 1]],
    ...[4, 8].map((o): [string, string, [number, number, number]] => [`uniformW-o${o}`, uniformWeightKernel(o), [C / o, B, 1]]),
  ];
  if (flag('only')?.includes('uniformW-o16')) candidates.push(['uniformW-o16', uniformWeightKernel(16), [C / 16, B, 1]]);
  const variants: Variant[] = [peakVariant(engine), { name: 'real', launch: real }];
  for (const [name, code, workgroups] of candidates) {
    if (!selected(name)) continue;
    const y = engine.storage.acquire(4 * B * C * L, `y.${name}`);
    variants.push({
      name,
      launch: labLaunch(labKernel(`benchmarks/experiments/conv1d-blocking.ts#${name}`, code), params, [x, w, y], workgroups, flops),
      before: () => engine.upload(y, new Float32Array(B * C * L)),
      check: () => maxError(engine, y, expected),
    });
  }
  printComparison(await compareVariants(engine, variants), 'real');
  process.exit(0);
}

await main();
