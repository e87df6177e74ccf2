// Experiment: what one small dispatch costs on the adapter, whatever it computes: N dispatches of a 64-thread kernel in
// one compute pass, each reading and writing the buffer the one before wrote (a barrier between them, as in a chain of
// layers), or each its own buffer (no dependence), at 1 and 8 workgroups. Wall time a dispatch, and this process's CPU
// time a dispatch (lavapipe's workers included).
//
// Run: timeout 120 node --import ./runtime-node/register.mjs benchmarks/experiments/dispatch-floor.ts [--dispatches=2000]
import { bindGroup, computePipeline, flag, rawDevice, storageBuffer, uniformBuffer } from './raw-lab.ts';

const N = Number(flag('dispatches') ?? 2000);
const { device } = await rawDevice();
const code = `@group(0) @binding(0) var<uniform> p: vec4u; @group(0) @binding(1) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { if (g.x < p.x) { x[g.x] = x[g.x] * 0.5 + 1.0; } }`;
const pipeline = await computePipeline(device, 'floor', code);
const params = uniformBuffer(device, new Uint32Array([512, 0, 0, 0]));
const shared = storageBuffer(device, 4 * 512);
const own = Array.from({ length: 64 }, () => storageBuffer(device, 4 * 512));
const sharedGroup = bindGroup(device, pipeline, [params, shared]);
const ownGroups = own.map((b) => bindGroup(device, pipeline, [params, b]));
for (let round = 0; round < 3; round++) {
  for (const [label, groupOf] of [['dependent', () => sharedGroup], ['independent', (i: number) => ownGroups[i % 64]!]] as const) {
    for (const workgroups of [1, 8]) {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      for (let i = 0; i < N; i++) {
        pass.setBindGroup(0, groupOf(i));
        pass.dispatchWorkgroups(workgroups);
      }
      pass.end();
      const command = encoder.finish();
      await device.queue.onSubmittedWorkDone();
      const cpu = process.cpuUsage();
      const start = performance.now();
      device.queue.submit([command]);
      await device.queue.onSubmittedWorkDone();
      const us = ((performance.now() - start) * 1000) / N;
      const used = process.cpuUsage(cpu);
      if (round > 0) console.log(`${label.padEnd(11)} ${workgroups} workgroup${workgroups > 1 ? 's' : ' '}: ${us.toFixed(1)} us a dispatch, cpu ${((used.user + used.system) / N).toFixed(1)} us`);
    }
  }
}
process.exit(0);
