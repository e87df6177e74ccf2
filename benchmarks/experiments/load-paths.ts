// Experiment: what one load costs on this adapter, by the path it takes. Every variant reads LOADS values a
// thread from a 64 KiB table (cache-resident: this measures the access path, not DRAM) at addresses where
// neighbouring lanes read neighbouring vec4s, and adds them up. Printed: ns a lane-load (time / (threads x
// loads)), so a path costing 8x more per lane shows as 8x.
//   ssbo-vec4      array<vec4f> storage buffer, one vec4 a load
//   ssbo-f32       array<f32> storage buffer, one float a load
//   ssbo-4xf32     four floats from array<f32> made into a vec4 (as conv1d's x4 loads): 4 loads counted as one
//   ubo-vec4       uniform buffer array<vec4f, 4096>
//   tex-rgba32f    textureLoad of a 64x64 rgba32float texture_2d<f32>
//   stex-rgba32f   textureLoad of the same as a read-only storage texture
//   wg-vec4        workgroup memory (32 KiB table, filled first)
//   sg-shuffle     one ssbo-vec4 load, then 7 subgroupShuffle of it to other lanes: 8 values for 1 load
//   sg-broadcast   one ssbo-vec4 load, then subgroupBroadcast from lanes 0..7 (constant lane ids)
//
// Run: timeout 300 node --import ./runtime-node/register.mjs benchmarks/experiments/load-paths.ts [--only=...] [--rounds=3]
import {
  type RawVariant, bindGroup, compareRaw, computePipeline, floatTexture, flag, peakVariants, printRaw, rawDevice, selected, storageBuffer, writeArray,
} from './raw-lab.ts';
import { randomArray } from './lab.ts';

const WORKGROUPS = 512;
const WG = 64;
const THREADS = WORKGROUPS * WG;
const ITERATIONS = 64;
const LOADS_PER_ITERATION = 8;
const TABLE_VEC4 = 4096;

const loop = (body: string) => `
  var acc = vec4f(0.0);
  let gid = wg.x * ${WG}u + lane;
  for (var it = 0u; it < ${ITERATIONS}u; it++) {
    for (var j = 0u; j < ${LOADS_PER_ITERATION}u; j++) {
      let idx = (gid + (it * ${LOADS_PER_ITERATION}u + j) * 997u) & MASK;
      ${body}
    }
  }
  sink[gid] = acc;`;

const header = (mask: number, extra = '') => `${extra}
const MASK: u32 = ${mask}u;
@group(0) @binding(0) var<storage, read_write> sink: array<vec4f>;`;
const entry = (body: string, builtins = '') =>
  `@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32${builtins}) {${body}}`;

interface LoadCase {
  readonly name: string;
  readonly code: string;
  /** What the kernel binds after the sink. */
  readonly bindings: 'ssbo' | 'ubo' | 'tex' | 'stex' | 'none';
  readonly needs?: string;
}

const CASES: readonly LoadCase[] = [
  {
    name: 'ssbo-vec4', bindings: 'ssbo',
    code: `${header(TABLE_VEC4 - 1)}\n@group(0) @binding(1) var<storage, read> table: array<vec4f>;\n${entry(loop('acc += table[idx];'))}`,
  },
  {
    name: 'ssbo-f32', bindings: 'ssbo',
    code: `${header(4 * TABLE_VEC4 - 1)}\n@group(0) @binding(1) var<storage, read> table: array<f32>;\n${entry(loop('acc.x += table[idx];'))}`,
  },
  {
    name: 'ssbo-4xf32', bindings: 'ssbo',
    code: `${header(4 * TABLE_VEC4 - 4)}\n@group(0) @binding(1) var<storage, read> table: array<f32>;\n${entry(loop('acc += vec4f(table[idx], table[idx + 1u], table[idx + 2u], table[idx + 3u]);'))}`,
  },
  {
    name: 'ubo-vec4', bindings: 'ubo',
    code: `${header(TABLE_VEC4 - 1)}\n@group(0) @binding(1) var<uniform> table: array<vec4f, ${TABLE_VEC4}>;\n${entry(loop('acc += table[idx];'))}`,
  },
  {
    name: 'tex-rgba32f', bindings: 'tex',
    code: `${header(TABLE_VEC4 - 1)}\n@group(0) @binding(1) var table: texture_2d<f32>;\n${entry(loop('acc += textureLoad(table, vec2u(idx & 63u, idx >> 6u), 0);'))}`,
  },
  {
    name: 'stex-rgba32f', bindings: 'stex',
    code: `${header(TABLE_VEC4 - 1)}\n@group(0) @binding(1) var table: texture_storage_2d<rgba32float, read>;\n${entry(loop('acc += textureLoad(table, vec2u(idx & 63u, idx >> 6u));'))}`,
  },
  {
    name: 'wg-vec4', bindings: 'ssbo',
    code: `${header(TABLE_VEC4 / 2 - 1)}
@group(0) @binding(1) var<storage, read> table: array<vec4f>;
var<workgroup> shared_table: array<vec4f, ${TABLE_VEC4 / 2}>;
${entry(`
  for (var i = lane; i < ${TABLE_VEC4 / 2}u; i += ${WG}u) { shared_table[i] = table[i]; }
  workgroupBarrier();
  ${loop('acc += shared_table[idx];')}`)}`,
  },
  {
    name: 'sg-shuffle', bindings: 'ssbo', needs: 'subgroups',
    code: `enable subgroups;\n${header(TABLE_VEC4 - 1)}\n@group(0) @binding(1) var<storage, read> table: array<vec4f>;
${entry(`
  var acc = vec4f(0.0);
  let gid = wg.x * ${WG}u + lane;
  for (var it = 0u; it < ${ITERATIONS}u; it++) {
    let v = table[(gid + it * ${LOADS_PER_ITERATION}u * 997u) & MASK];
    for (var j = 0u; j < ${LOADS_PER_ITERATION}u; j++) {
      acc += subgroupShuffle(v, (sg_lane + j) % sg_size);
    }
  }
  sink[gid] = acc;`, ', @builtin(subgroup_invocation_id) sg_lane: u32, @builtin(subgroup_size) sg_size: u32')}`,
  },
  {
    name: 'sg-broadcast', bindings: 'ssbo', needs: 'subgroups',
    code: `enable subgroups;\n${header(TABLE_VEC4 - 1)}\n@group(0) @binding(1) var<storage, read> table: array<vec4f>;
${entry(`
  var acc = vec4f(0.0);
  let gid = wg.x * ${WG}u + lane;
  for (var it = 0u; it < ${ITERATIONS}u; it++) {
    let v = table[(gid + it * ${LOADS_PER_ITERATION}u * 997u) & MASK];
    ${[...Array(LOADS_PER_ITERATION).keys()].map((j) => `acc += subgroupBroadcast(v, ${j}u);`).join('\n    ')}
  }
  sink[gid] = acc;`)}`,
  },
];

async function main(): Promise<void> {
  const { device, features } = await rawDevice();
  const data = randomArray(4 * TABLE_VEC4, 1);
  const ssbo = storageBuffer(device, data);
  const ubo = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  writeArray(device, ubo, data);
  const texture = floatTexture(device, 64, TABLE_VEC4 / 64, data);
  const sink = storageBuffer(device, THREADS * 16);
  const variants: RawVariant[] = [...(await peakVariants(device))];
  for (const c of CASES) {
    if (!selected(c.name)) continue;
    if (c.needs && !features.has(c.needs)) {
      console.log(`${c.name}: skipped, no ${c.needs}`);
      continue;
    }
    try {
      const pipeline = await computePipeline(device, c.name, c.code);
      const source = c.bindings === 'ubo' ? ubo : c.bindings === 'tex' || c.bindings === 'stex' ? texture.createView() : ssbo;
      variants.push({
        name: c.name, flops: 0, bytes: THREADS * ITERATIONS * LOADS_PER_ITERATION * 16,
        dispatches: [{ pipeline, bindGroup: bindGroup(device, pipeline, [sink, source]), workgroups: [WORKGROUPS, 1, 1] }],
      });
    } catch (error) {
      console.log(`${c.name}: failed: ${String(error).split('\n')[0]}`);
    }
  }
  const timings = await compareRaw(device, variants, Number(flag('target') ?? 80));
  printRaw(timings);
  const loads = THREADS * ITERATIONS * LOADS_PER_ITERATION;
  for (const t of timings.slice(2)) console.log(`${t.name.padEnd(16)} ${((t.medianMs * 1e6) / loads).toFixed(3)} ns a lane-load`);
  process.exit(0);
}

await main();
