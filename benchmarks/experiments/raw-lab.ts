// Plumbing for experiments that need more than the engine's launches: a device with the adapter's optional
// features (subgroups, shader-f16), bind groups with textures and uniform buffers, and several dispatches a
// timed submit. Like lab.ts, every variant is timed once a round, in turn, beside the FMA peak and copy kernels,
// so foreign load on the shared machine hits them alike; only ratios within one run mean anything.
//
// Common flags: --only=a,b (variants), --rounds=N (default 3), --dawn=TOGGLES.
import { create, globals } from 'webgpu';
import peakSource from '../../core/kernels/peak.wgsl';
import type { KernelLaunch } from '../../core/kernels/launch.ts';
import { packUniforms, uniformLayout } from '../../core/kernels/uniform-layout.ts';
import { median } from '../harness.ts';
import { flag, selected } from './lab.ts';

export { flag, selected };

export interface RawDevice {
  readonly device: GPUDevice;
  readonly adapter: string;
  readonly features: ReadonlySet<string>;
  readonly subgroupSize: { min: number; max: number } | null;
}

let keepAlive: GPU | null = null;

/** A Dawn device with the adapter's limits and the features experiments may want (when offered). */
export async function rawDevice(wanted: readonly string[] = ['subgroups', 'timestamp-query', 'shader-f16']): Promise<RawDevice> {
  Object.assign(globalThis, globals);
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const dawn = flag('dawn');
  keepAlive ??= create(dawn ? [dawn] : []);
  const adapter = (await keepAlive.requestAdapter({ powerPreference: 'high-performance' })) ?? (await keepAlive.requestAdapter({ forceFallbackAdapter: true }));
  if (!adapter) throw new Error('no WebGPU adapter');
  const requiredFeatures = wanted.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const requiredLimits: Record<string, number> = {};
  for (const name of [
    'maxStorageBuffersPerShaderStage', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxUniformBufferBindingSize',
    'maxSampledTexturesPerShaderStage', 'maxStorageTexturesPerShaderStage', 'maxTextureDimension2D',
  ] as const) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  let reported = 0;
  device.addEventListener('uncapturederror', (e) => {
    if (reported++ < 2) console.error(`validation: ${(e as GPUUncapturedErrorEvent).error.message.split('\n')[0]}`);
  });
  const info = adapter.info as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
  const name = `${info.description || info.device || 'adapter'} ${info.vendor ?? ''} ${info.architecture ?? ''}`.trim();
  const subgroupSize = info.subgroupMinSize ? { min: info.subgroupMinSize, max: info.subgroupMaxSize ?? info.subgroupMinSize } : null;
  console.log(`adapter: ${name}; features ${requiredFeatures.join(', ')}; subgroup size ${subgroupSize ? `${subgroupSize.min}-${subgroupSize.max}` : 'unknown'}; rounds ${flag('rounds') ?? 3}, interleaved`);
  return { device, adapter: name, features: new Set(requiredFeatures), subgroupSize };
}

/** Compiles `code` and its entry `main`; throws with the compiler's messages when it fails. */
export async function computePipeline(
  device: GPUDevice, label: string, code: string, constants: Record<string, number> = {}, entryPoint = 'main',
): Promise<GPUComputePipeline> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code, label });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    await device.popErrorScope();
    throw new Error(`${label}: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}\n${code}`);
  }
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint, constants }, label });
  const error = await device.popErrorScope();
  if (error) throw new Error(`${label}: ${error.message}`);
  return pipeline;
}

export type Binding = GPUBuffer | GPUTextureView | { buffer: GPUBuffer; offset?: number; size?: number };

export function bindGroup(device: GPUDevice, pipeline: GPUComputePipeline, bindings: readonly Binding[], group = 0): GPUBindGroup {
  const entries = bindings.map((b, binding): GPUBindGroupEntry => {
    if (b instanceof GPUBuffer) return { binding, resource: { buffer: b } };
    if ('buffer' in b) return { binding, resource: b };
    return { binding, resource: b };
  });
  return device.createBindGroup({ layout: pipeline.getBindGroupLayout(group), entries });
}

/** One dispatch of a variant; a variant may be several (a fused pass against two unfused ones). */
export interface Dispatch {
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly workgroups: readonly [number, number, number];
}

export interface RawVariant {
  readonly name: string;
  readonly dispatches: readonly Dispatch[];
  /** Declared work of one run: flops and bytes read plus written. */
  readonly flops: number;
  readonly bytes: number;
  /** Encodes copies before the dispatches (e.g. buffer to texture), counted in the variant's time. */
  readonly encodeBefore?: (encoder: GPUCommandEncoder) => void;
  /** After the warm-up round: the variant's error against the expected result (largest relative difference). */
  readonly check?: () => Promise<number>;
  /** A peer on the CPU instead (TF.js WASM): one synchronous run, timed in the same rounds. */
  readonly cpu?: () => void;
}

export interface RawTiming {
  readonly name: string;
  readonly medianMs: number;
  readonly gflops: number;
  readonly gbps: number;
  readonly error: number | null;
  readonly samples: readonly number[];
  /**
   * Median CPU time of this process a run (every thread: lavapipe's workers, dawn.node's polling), in ms. Other
   * jobs on the machine stretch the wall time but hardly this, so on a shared machine it ranks CPU-adapter
   * variants more steadily than the wall time does.
   */
  readonly cpuMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function encodeRun(device: GPUDevice, v: RawVariant, repeat: number): GPUCommandBuffer {
  const encoder = device.createCommandEncoder();
  for (let r = 0; r < repeat; r++) {
    v.encodeBefore?.(encoder);
    const pass = encoder.beginComputePass();
    for (const d of v.dispatches) {
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(...d.workgroups);
    }
    pass.end();
  }
  return encoder.finish();
}

/**
 * Times the variants interleaved: a warm-up round (compile, check, and the repeat count that makes a run last
 * about `targetMs`), then --rounds rounds, each running every variant once: submit, sleep 80% of its best
 * time, wait. Returns ms a run (one repeat).
 */
export async function compareRaw(device: GPUDevice, variants: readonly RawVariant[], targetMs = 120): Promise<RawTiming[]> {
  const rounds = Number(flag('rounds') ?? 3);
  const samples = variants.map(() => [] as number[]);
  const cpu = variants.map(() => [] as number[]);
  const cpuMs = (from: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(from);
    return (used.user + used.system) / 1e3;
  };
  const repeats = variants.map(() => 1);
  const errors: (number | null)[] = variants.map(() => null);
  for (let round = -1; round < rounds; round++) {
    for (const [i, v] of variants.entries()) {
      await device.queue.onSubmittedWorkDone();
      if (v.cpu) {
        const start = performance.now();
        for (let r = 0; r < repeats[i]!; r++) v.cpu();
        const ms = (performance.now() - start) / repeats[i]!;
        if (round === -1) repeats[i] = Math.max(1, Math.min(32, Math.round(targetMs / Math.max(ms, 0.01))));
        if (round === 0) samples[i] = [];
        samples[i]!.push(ms);
        continue;
      }
      const best = samples[i]!.length > 0 ? Math.min(...samples[i]!) : 0;
      const command = encodeRun(device, v, repeats[i]!);
      const start = performance.now();
      const startCpu = process.cpuUsage();
      device.queue.submit([command]);
      if (best > 0) await sleep(0.8 * best * repeats[i]!);
      await device.queue.onSubmittedWorkDone();
      const ms = (performance.now() - start) / repeats[i]!;
      if (round >= 0) cpu[i]!.push(cpuMs(startCpu) / repeats[i]!);
      if (round === -1) {
        if (v.check) errors[i] = await v.check();
        // The first run compiled the pipeline: time one more before choosing the repeat count.
        const command2 = encodeRun(device, v, 1);
        const start2 = performance.now();
        device.queue.submit([command2]);
        await device.queue.onSubmittedWorkDone();
        const ms2 = performance.now() - start2;
        repeats[i] = Math.max(1, Math.min(32, Math.round(targetMs / Math.max(ms2, 0.01))));
        samples[i]!.push(Math.min(ms, ms2));
      } else {
        if (round === 0) samples[i] = [];
        samples[i]!.push(ms);
      }
    }
  }
  return variants.map((v, i) => {
    const medianMs = median(samples[i]!);
    return { name: v.name, medianMs, gflops: v.flops / medianMs / 1e6, gbps: v.bytes / medianMs / 1e6, error: errors[i]!, samples: samples[i]!, cpuMs: cpu[i]!.length > 0 ? median(cpu[i]!) : NaN };
  });
}

/** The FMA peak kernel and the copy kernel of core/kernels/peak.wgsl, as raw variants. */
export async function peakVariants(device: GPUDevice): Promise<RawVariant[]> {
  const fmaWorkgroups = 1024;
  const iterations = 256;
  const threads = fmaWorkgroups * 64;
  const sink = device.createBuffer({ size: threads * 16, usage: GPUBufferUsage.STORAGE });
  const fmaParams = uniformBuffer(device, new Uint32Array([iterations, f32bits(0.999), f32bits(1e-3), 0]));
  const module = device.createShaderModule({ code: peakSource });
  const fma = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'fma_chains' } });
  const copy = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'copy_vec4' } });
  const copyBytes = 64 << 20;
  const src = device.createBuffer({ size: copyBytes, usage: GPUBufferUsage.STORAGE });
  const dst = device.createBuffer({ size: copyBytes, usage: GPUBufferUsage.STORAGE });
  const copyParams = uniformBuffer(device, new Uint32Array([copyBytes / 16, 0, 0, 0]));
  return [
    {
      name: 'fma peak', flops: threads * (iterations * 4 * 4 * 4 * 2 + 12), bytes: 0,
      dispatches: [{ pipeline: fma, bindGroup: bindGroup(device, fma, [fmaParams, sink]), workgroups: [fmaWorkgroups, 1, 1] }],
    },
    {
      name: 'copy peak', flops: 0, bytes: 2 * copyBytes,
      dispatches: [{ pipeline: copy, bindGroup: bindGroup(device, copy, [copyParams, src, dst]), workgroups: [copyBytes / 16 / 4 / 256, 1, 1] }],
    },
  ];
}

export function f32bits(value: number): number {
  return new Uint32Array(new Float32Array([value]).buffer)[0]!;
}

export function uniformBuffer(device: GPUDevice, data: Uint32Array | Float32Array): GPUBuffer {
  const buffer = device.createBuffer({ size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  writeArray(device, buffer, data);
  return buffer;
}

/** queue.writeBuffer of a whole typed array (any backing buffer). */
export function writeArray(device: GPUDevice, buffer: GPUBuffer, data: Float32Array | Uint32Array, byteOffset = 0): void {
  device.queue.writeBuffer(buffer, byteOffset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}

export function storageBuffer(device: GPUDevice, data: Float32Array | Uint32Array | number, extraUsage = 0): GPUBuffer {
  const bytes = typeof data === 'number' ? data : data.byteLength;
  const buffer = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage });
  if (typeof data !== 'number') writeArray(device, buffer, data);
  return buffer;
}

/** An rgba32float texture of width x height texels holding `data` (4 floats a texel, rows of `width` texels). */
export function floatTexture(device: GPUDevice, width: number, height: number, data?: Float32Array): GPUTexture {
  const texture = device.createTexture({
    size: [width, height], format: 'rgba32float',
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC,
  });
  if (data) device.queue.writeTexture({ texture }, data.buffer as ArrayBuffer, { offset: data.byteOffset, bytesPerRow: width * 16, rowsPerImage: height }, [width, height]);
  return texture;
}

export async function readBuffer(device: GPUDevice, buffer: GPUBuffer, bytes: number): Promise<Float32Array> {
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return copy;
}

/** Largest |actual - expected| / (1 + |expected|). */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  return Number.isNaN(worst) ? Infinity : worst;
}

/** Prints each variant: median ms (and the fastest round), GFLOP/s or GB/s, fraction of the interleaved FMA or copy peak, ratio to a baseline. */
export function printRaw(timings: readonly RawTiming[], baseline?: string): void {
  const fma = timings.find((t) => t.name === 'fma peak');
  const copy = timings.find((t) => t.name === 'copy peak');
  const base = timings.find((t) => t.name === baseline);
  for (const t of timings) {
    const compute = t.gflops > 0 && fma ? `${((100 * t.gflops) / fma.gflops).toFixed(1).padStart(5)}% FMA` : '';
    const memory = t.gbps > 0 && copy ? `${((100 * t.gbps) / copy.gbps).toFixed(1).padStart(5)}% copy` : '';
    console.log([
      t.name.padEnd(34), `${t.medianMs.toFixed(2).padStart(9)} ms`, `(min ${Math.min(...t.samples).toFixed(2)})`,
      Number.isFinite(t.cpuMs) ? `cpu ${t.cpuMs.toFixed(2).padStart(7)} ms` : '',
      t.gflops > 0 ? `${t.gflops.toFixed(2).padStart(7)} GFLOP/s` : ''.padStart(15),
      t.gbps > 0 ? `${t.gbps.toFixed(2).padStart(6)} GB/s` : ''.padStart(11),
      compute, memory, base ? `x${(base.medianMs / t.medianMs).toFixed(2)}` : '',
      t.error === null ? '' : `err ${t.error.toExponential(1)}`,
    ].filter(Boolean).join('  '));
  }
}

/** TF.js with its WASM backend (SIMD, one thread), the issue's CPU peer, loaded into this process. */
export async function tfjsWasm(): Promise<typeof import('@tensorflow/tfjs')> {
  const { loadTf } = await import('../peers/tfjs.ts');
  const notes: string[] = [];
  const tf = await loadTf('wasm', notes);
  console.log(notes.join('; '));
  return tf;
}

/** One of the engine's own launches (core/kernels/*.ts) as a raw dispatch on this device. */
export async function launchDispatch(device: GPUDevice, launch: KernelLaunch): Promise<Dispatch> {
  const layout = uniformLayout(launch.kernel, launch.entry);
  const bytes = new ArrayBuffer(layout.bindingSize);
  packUniforms(layout, launch.params, new DataView(bytes), 0);
  const pipeline = await computePipeline(device, `${launch.kernel.name}.${launch.entry}`, launch.kernel.code, { ...(launch.constants ?? {}) }, launch.entry);
  const params = device.createBuffer({ size: bytes.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(params, 0, bytes);
  return { pipeline, bindGroup: bindGroup(device, pipeline, [params, ...launch.buffers]), workgroups: launch.workgroups };
}

/** Runs dispatches once, waiting for them. */
export async function runOnce(device: GPUDevice, dispatches: readonly Dispatch[]): Promise<void> {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.workgroups);
  }
  pass.end();
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
}
