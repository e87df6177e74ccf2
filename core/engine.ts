// The engine executes kernel launches on one GPUDevice. It records many dispatches into one compute pass and
// one command buffer, and submits only when asked to (flush), when a readback needs the results, or when the
// per-submit uniform arena is full. It owns the pipeline cache, the buffer pools, the tensor scopes, the
// gradient switch and the seed counter. It never learns where its GPUDevice came from (Dawn or a browser).
//
// It can live inside someone else's app, on a device shared with the app's renderer: validation errors are
// caught with error scopes around its own calls (never a listener on the device), it prints nothing unless
// given a `log`, and dispose() gives back every buffer it made. Only a device the engine was given to own
// (`ownsDevice`, as the runtimes' createNodeEngine/createBrowserEngine make it) also gets an 'uncapturederror'
// listener, for the root cause of an error that a scope sees only as a consequence, and is destroyed on dispose.
import type { KernelLaunch, KernelSource } from './kernels/launch.ts';
import { type UniformLayout, packUniforms, uniformLayout } from './kernels/uniform-layout.ts';
import { BindGroupCache } from './bind-group-cache.ts';
import { BufferPool, type MemoryReport } from './buffer-pool.ts';
import { KernelSelector, type SelectionMode } from './kernel-selection.ts';
import type { DeviceFeatures, KernelFamily, Scratch } from './kernels/variants.ts';
import { KernelError, formatCompileMessages } from './kernel-errors.ts';

/** Something the engine can dispose at the end of a scope: tensors. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

/** Receives each dispatch; the profiler implements it (see core/profiler.ts). */
export interface DispatchObserver {
  /**
   * Timestamp writes for this dispatch's own compute pass, or undefined to share the current pass.
   * `encodeStartMs` is performance.now() on entering dispatch(), before the pipeline lookup and bind group.
   */
  timestampWritesFor(launch: KernelLaunch, encodeStartMs: number): GPUComputePassTimestampWrites | undefined;
  /** Called once the dispatch is encoded: ends its CPU encoding interval. */
  afterDispatch?(): void;
  /** Called with the encoder just before it is finished, to resolve queries. */
  beforeSubmit(encoder: GPUCommandEncoder): void;
  afterSubmit(): void;
}

/** The adapter and what its device offers (core/kernels/variants.ts): adapter, software or not, subgroups. */
export type EngineInfo = DeviceFeatures;

export interface EngineOptions {
  /**
   * How kernel variants are chosen (core/kernel-selection.ts): 'tune' (default) times the variants of each shape
   * class at its first use; 'preferred' takes the device's preferred variant without measuring (tests, where
   * runs must repeat exactly).
   */
  readonly kernelSelection?: SelectionMode;
  /**
   * Whether the engine owns the device: true when it was made for the engine alone (the runtimes'
   * createNodeEngine and createBrowserEngine without a `device`). An owned device gets an 'uncapturederror'
   * listener and is destroyed by dispose(). False (the default) for a device an application hands in: the engine
   * then adds no listener to it and leaves it alive.
   */
  readonly ownsDevice?: boolean;
  /** Where the engine reports what it notices between calls (a lost device). Default: nowhere. */
  readonly log?: (message: string) => void;
}

const UNIFORM_ARENA_BYTES = 1 << 20;

/**
 * Executes kernel launches on one GPUDevice: records dispatches into one command buffer and submits on flush,
 * readback or a full uniform arena; owns the pipeline cache, buffer pools, tensor scopes, the gradient switch
 * and the seeds. Made by `createNodeEngine` / `createBrowserEngine`, or directly on a device of your own
 * (`ownsDevice` false by default: no listener on it, left alive by dispose()).
 */
export class Engine {
  readonly device: GPUDevice;
  readonly info: EngineInfo;
  readonly ownsDevice: boolean;
  readonly storage: BufferPool;
  readonly #staging: BufferPool;
  readonly #modules = new Map<string, { module: GPUShaderModule; compiled: Promise<void> }>();
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  /** Each entry point's uniform struct, parsed from its WGSL once (keyed by file and entry, like pipelines). */
  readonly #uniformLayouts = new Map<string, UniformLayout>();
  /** Asynchronous compile and validation checks; their first failure is thrown at the next sync point. */
  #pendingChecks: Promise<void>[] = [];
  /** A kernel's compile or pipeline error: the root cause, reported in preference to what follows from it. */
  #kernelError: Error | null = null;
  /** A validation error an owned device raised uncaptured: the root cause of what the scopes below see. */
  #uncapturedError: Error | null = null;
  /** A validation error caught by the engine's error scopes (submit, upload); often a consequence of the above. */
  #validationError: Error | null = null;

  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #recordedDispatches = 0;
  readonly #uniformArena: GPUBuffer;
  readonly #uniformBytes = new ArrayBuffer(UNIFORM_ARENA_BYTES);
  readonly #uniformView = new DataView(this.#uniformBytes);
  #uniformUsed = 0;
  readonly #uniformAlign: number;
  readonly #bindGroups: BindGroupCache;

  #scopes: Set<Disposable>[] = [];
  #gradEnabled = true;
  #seedCounter = 0;
  #disposed = false;
  readonly #onUncapturedError: ((event: Event) => void) | null = null;
  observer: DispatchObserver | null = null;
  /** Dispatches and submits so far: tests use these to check batching. */
  readonly counters = { dispatches: 0, submits: 0 };
  /** Which variant of each kernel family runs, per shape class (core/kernel-selection.ts). */
  readonly kernels: KernelSelector;

  /** `info` defaults to a description of `device.adapterInfo` and the device's features. */
  constructor(device: GPUDevice, info: EngineInfo = describeAdapterInfo(device.adapterInfo, device.features), options: EngineOptions = {}) {
    this.device = device;
    this.info = info;
    this.ownsDevice = options.ownsDevice ?? false;
    this.kernels = new KernelSelector({
      device: info,
      dispatch: (launch) => this.dispatch(launch),
      copy: (c) => this.copyBuffer(c.source, c.sourceOffset, c.target, c.targetOffset, c.bytes),
      flush: () => this.flush(),
      idle: async () => {
        await this.device.queue.onSubmittedWorkDone();
        await this.#throwDeferred();
      },
      acquire: (bytes, label) => this.storage.acquire(bytes, label),
      release: (buffer) => this.storage.release(buffer),
      clear: (buffer) => this.clearBuffer(buffer),
    }, options.kernelSelection ?? 'tune');
    // GPUBufferUsage is a global only once a runtime installed WebGPU, so it is read here, not at import.
    // Kernels bind whole buffers, so a storage buffer may be no larger than one binding.
    this.storage = new BufferPool(device, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, device.limits.maxStorageBufferBindingSize);
    this.#staging = new BufferPool(device, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    this.#uniformAlign = device.limits.minUniformBufferOffsetAlignment;
    this.#uniformArena = device.createBuffer({
      size: UNIFORM_ARENA_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      label: 'uniform arena',
    });
    this.#bindGroups = new BindGroupCache(device);
    if (this.ownsDevice) {
      this.#onUncapturedError = (event) => {
        this.#uncapturedError ??= new KernelError(`WebGPU validation error: ${(event as GPUUncapturedErrorEvent).error.message}`);
      };
      device.addEventListener('uncapturederror', this.#onUncapturedError);
      const log = options.log;
      if (log) {
        device.lost.then((lost) => {
          if (lost.reason !== 'destroyed') log(`posedyn: GPU device lost (${lost.reason}): ${lost.message}`);
        });
      }
    }
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /**
   * Frees what the engine holds on the GPU: every storage and readback buffer (tensors still alive become
   * unusable), the uniform arena, the shader modules and pipelines; work recorded but not submitted is dropped.
   * An owned device is destroyed; a handed-in one is left as it was. Calling it twice is harmless. (Pipelines
   * have no destroy in WebGPU: the engine drops its references. A Profiler's query sets are the profiler's:
   * profiler.destroy().)
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#pass = null;
    this.#encoder = null;
    this.#recordedDispatches = 0;
    this.#uniformUsed = 0;
    this.observer = null;
    this.storage.destroy();
    this.#staging.destroy();
    this.#uniformArena.destroy();
    this.#modules.clear();
    this.#pipelines.clear();
    this.#uniformLayouts.clear();
    this.#bindGroups.clear();
    this.#pendingChecks = [];
    this.#scopes = [];
    if (this.#onUncapturedError) this.device.removeEventListener('uncapturederror', this.#onUncapturedError);
    if (this.ownsDevice) this.device.destroy();
  }

  // ---------------------------------------------------------------- kernels

  /** Records one kernel launch into the current command buffer. Nothing runs until the next flush. */
  dispatch(launch: KernelLaunch): void {
    const encodeStartMs = this.observer ? performance.now() : 0;
    this.#assertLive('dispatch');
    if (this.#kernelError) throw this.#takeError();
    const layout = this.#uniformLayout(launch);
    const paramBytes = layout.bindingSize;
    if (this.#uniformUsed + paramBytes > UNIFORM_ARENA_BYTES) this.flush();
    const offset = this.#uniformUsed;
    // Throws (naming the field) before anything is recorded when the launch does not fit the WGSL struct.
    packUniforms(layout, launch.params, this.#uniformView, offset);
    this.#uniformUsed = Math.ceil((offset + paramBytes) / this.#uniformAlign) * this.#uniformAlign;
    const pipeline = this.#pipeline(launch);

    const label = `${launch.kernel.name}.${launch.entry}`;
    const bindGroup = this.#bindGroups.get(pipeline, this.#uniformArena, offset, paramBytes, launch.buffers, label);

    const encoder = (this.#encoder ??= this.device.createCommandEncoder({ label: 'posedyn batch' }));
    const timestampWrites = this.observer?.timestampWritesFor(launch, encodeStartMs);
    if (timestampWrites) {
      this.#endPass();
      const pass = encoder.beginComputePass({ label, timestampWrites });
      encodeDispatch(pass, pipeline, bindGroup, launch);
      pass.end();
    } else {
      const pass = (this.#pass ??= encoder.beginComputePass({ label: 'posedyn kernels' }));
      encodeDispatch(pass, pipeline, bindGroup, launch);
    }
    this.observer?.afterDispatch?.();
    this.#recordedDispatches++;
    this.counters.dispatches++;
  }

  /**
   * Records the launches of the variant of `family` chosen for `problem` (core/kernel-selection.ts); `describe`
   * names the problem in reports. Temporary buffers a variant asks for are back in the pool once recorded.
   */
  run<P>(family: KernelFamily<P>, problem: P, describe: () => string): void {
    const variant = this.kernels.variantFor(family, problem, describe);
    const temporaries: GPUBuffer[] = [];
    const scratch: Scratch = {
      acquire: (bytes, label) => {
        const buffer = this.storage.acquire(bytes, label);
        temporaries.push(buffer);
        return buffer;
      },
    };
    for (const launch of variant.launches(problem, this.info, scratch)) this.dispatch(launch);
    for (const c of variant.copies?.(problem) ?? []) this.copyBuffer(c.source, c.sourceOffset, c.target, c.targetOffset, c.bytes);
    // The pool hands a released buffer out again only after the submit that uses it.
    for (const buffer of temporaries) this.storage.release(buffer);
  }

  /** Records zero-filling a storage buffer, ordered with the dispatches around it. */
  clearBuffer(buffer: GPUBuffer): void {
    this.#endPass();
    const encoder = (this.#encoder ??= this.device.createCommandEncoder({ label: 'posedyn batch' }));
    encoder.clearBuffer(buffer);
    this.#recordedDispatches++;
  }

  /** Copies bytes between storage buffers inside the recorded command stream (ordered with dispatches). */
  copyBuffer(source: GPUBuffer, sourceOffset: number, target: GPUBuffer, targetOffset: number, bytes: number): void {
    this.#assertLive('copyBuffer');
    this.#endPass();
    const encoder = (this.#encoder ??= this.device.createCommandEncoder({ label: 'posedyn batch' }));
    encoder.copyBufferToBuffer(source, sourceOffset, target, targetOffset, bytes);
    this.#recordedDispatches++;
  }

  /** Submits everything recorded so far as one command buffer. Cheap when nothing is recorded. */
  flush(): void {
    if (!this.#encoder) return;
    this.#endPass();
    // Errors in recorded commands (an invalid bind group, say) surface at finish(): caught here, named by label.
    this.device.pushErrorScope('validation');
    if (this.#uniformUsed > 0) {
      this.device.queue.writeBuffer(this.#uniformArena, 0, this.#uniformBytes, 0, this.#uniformUsed);
    }
    this.observer?.beforeSubmit(this.#encoder);
    this.device.queue.submit([this.#encoder.finish()]);
    this.#deferValidation(this.device.popErrorScope());
    this.observer?.afterSubmit();
    this.counters.submits++;
    this.#encoder = null;
    this.#uniformUsed = 0;
    this.#recordedDispatches = 0;
    this.storage.markSubmitted();
    this.#staging.markSubmitted();
  }

  /**
   * Flushes, waits for the GPU, and throws the first compile or validation error seen so far. Then, when
   * kernel shape classes were met for the first time, runs their tuning (core/kernel-selection.ts).
   */
  async sync(): Promise<void> {
    this.#assertLive('sync');
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.#throwDeferred();
    if (this.kernels.hasPendingTuning) await this.#tune();
  }

  // ---------------------------------------------------------------- memory

  /** Uploads data into a storage buffer. Recorded work is submitted first so the write cannot overtake it. */
  upload(buffer: GPUBuffer, data: Float32Array | Uint32Array, byteOffset = 0): void {
    this.#assertLive('upload');
    if (this.#recordedDispatches > 0) this.flush();
    this.device.pushErrorScope('validation');
    this.device.queue.writeBuffer(buffer, byteOffset, data.buffer, data.byteOffset, data.byteLength);
    this.#deferValidation(this.device.popErrorScope());
  }

  /** Reads `bytes` bytes of a storage buffer back to the CPU: the only way data leaves the GPU. */
  async download(buffer: GPUBuffer, bytes: number, byteOffset = 0): Promise<ArrayBuffer> {
    this.#assertLive('download');
    const size = Math.ceil(bytes / 4) * 4;
    const staging = this.#staging.acquire(size, 'readback');
    this.#endPass();
    const encoder = (this.#encoder ??= this.device.createCommandEncoder({ label: 'posedyn batch' }));
    encoder.copyBufferToBuffer(buffer, byteOffset, staging, 0, size);
    this.#recordedDispatches++;
    this.flush();
    let copy: ArrayBuffer;
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, size);
      copy = staging.getMappedRange(0, size).slice(0, bytes);
      staging.unmap();
    } catch (error) {
      await this.#throwDeferred();
      throw error;
    } finally {
      this.#staging.release(staging);
      await this.#throwDeferred();
    }
    // Shape classes met by the work just read back are tuned now, before the next step records more.
    if (this.kernels.hasPendingTuning) await this.#tune();
    return copy;
  }

  memory(): MemoryReport {
    return this.storage.report();
  }

  // ---------------------------------------------------------------- scopes, gradients, seeds

  /**
   * Runs fn; every tensor created inside and not returned (nor kept) is disposed when it ends. Returned
   * tensors (also inside arrays and plain objects) move to the enclosing scope.
   */
  tidy<T>(fn: () => T): T {
    const scope = new Set<Disposable>();
    this.#scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } finally {
      this.#scopes.pop();
    }
    const returned = new Set<Disposable>();
    collectDisposables(result, returned);
    const parent = this.#scopes.at(-1);
    for (const item of scope) {
      if (returned.has(item)) parent?.add(item);
      else if (!item.isDisposed) item.dispose();
    }
    return result;
  }

  /** Registers a new tensor with the innermost scope (called by the tensor constructor). */
  track(item: Disposable): void {
    this.#scopes.at(-1)?.add(item);
  }

  /** Removes a tensor from every scope: it lives until disposed explicitly (parameters, optimizer state). */
  keep<T extends Disposable>(item: T): T {
    for (const scope of this.#scopes) scope.delete(item);
    return item;
  }

  get gradEnabled(): boolean {
    return this.#gradEnabled;
  }

  /** Runs fn without recording gradients. */
  noGrad<T>(fn: () => T): T {
    const previous = this.#gradEnabled;
    this.#gradEnabled = false;
    try {
      return fn();
    } finally {
      this.#gradEnabled = previous;
    }
  }

  /** Sets the engine's seed; every random op draws a fresh stream from it in call order, so runs repeat. */
  seed(seed: number): void {
    this.#seedCounter = (seed >>> 0) * 0x9e3779b1;
  }

  nextSeed(): number {
    this.#seedCounter = (this.#seedCounter + 0x9e3779b9) >>> 0;
    return this.#seedCounter;
  }

  // ---------------------------------------------------------------- internals

  /** Runs the kernel tuning with the dispatch observer (a profiler) detached: tuning runs are not the user's work. */
  async #tune(): Promise<void> {
    const observer = this.observer;
    this.observer = null;
    try {
      await this.kernels.tune();
    } finally {
      this.observer = observer;
    }
  }

  #assertLive(what: string): void {
    if (this.#disposed) throw new Error(`Engine.${what}: the engine was disposed (engine.dispose()); make a new one`);
  }

  /** Keeps a popped error scope's answer for the next sync point. */
  #deferValidation(scope: Promise<GPUError | null>): void {
    this.#pendingChecks.push(scope.then((error) => {
      if (error) this.#validationError ??= new KernelError(`WebGPU validation error: ${error.message}`);
    }));
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = null;
  }

  #module(kernel: KernelSource): { module: GPUShaderModule; compiled: Promise<void> } {
    let entry = this.#modules.get(kernel.file);
    if (!entry) {
      this.device.pushErrorScope('validation');
      const module = this.device.createShaderModule({ code: kernel.code, label: kernel.file });
      const scope = this.device.popErrorScope();
      const compiled = (async () => {
        const info = await module.getCompilationInfo();
        const errors = info.messages.filter((m) => m.type === 'error');
        if (errors.length > 0) throw new KernelError(formatCompileMessages(kernel, errors));
        const error = await scope;
        if (error) throw new KernelError(`WGSL kernel '${kernel.name}' (${kernel.file}): ${error.message}`);
      })();
      this.#defer(compiled);
      entry = { module, compiled };
      this.#modules.set(kernel.file, entry);
    }
    return entry;
  }

  #uniformLayout(launch: KernelLaunch): UniformLayout {
    const key = `${launch.kernel.file}|${launch.entry}`;
    let layout = this.#uniformLayouts.get(key);
    if (!layout) {
      layout = uniformLayout(launch.kernel, launch.entry);
      this.#uniformLayouts.set(key, layout);
    }
    return layout;
  }

  #pipeline(launch: KernelLaunch): GPUComputePipeline {
    const constants = launch.constants ?? {};
    const key = `${launch.kernel.file}|${launch.entry}|${Object.entries(constants).sort().map(([k, v]) => `${k}=${v}`).join(',')}`;
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      const { module, compiled } = this.#module(launch.kernel);
      this.device.pushErrorScope('validation');
      pipeline = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: launch.entry, constants },
        label: `${launch.kernel.name}.${launch.entry}`,
      });
      const scope = this.device.popErrorScope();
      this.#defer(
        (async () => {
          // A module that failed to compile makes every pipeline on it invalid: report the compile error.
          await compiled;
          const error = await scope;
          if (error) {
            throw new KernelError(
              `pipeline for kernel '${launch.kernel.name}' entry '${launch.entry}' (${launch.kernel.file}) with constants ${JSON.stringify(constants)} is invalid: ${error.message}`,
            );
          }
        })(),
      );
      this.#pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  #defer(check: Promise<void>): void {
    this.#pendingChecks.push(
      check.catch((error: unknown) => {
        this.#kernelError ??= error instanceof Error ? error : new KernelError(String(error));
      }),
    );
  }

  async #throwDeferred(): Promise<void> {
    const checks = this.#pendingChecks;
    this.#pendingChecks = [];
    await Promise.all(checks);
    if (this.#kernelError || this.#uncapturedError || this.#validationError) throw this.#takeError();
  }

  /** The most telling error seen so far (a kernel's own, then a root cause, then its consequences); clears them all. */
  #takeError(): Error {
    const error = this.#kernelError ?? this.#uncapturedError ?? this.#validationError!;
    this.#kernelError = null;
    this.#uncapturedError = null;
    this.#validationError = null;
    return error;
  }
}

/**
 * An EngineInfo from what the adapter says about itself (GPUAdapter.info or GPUDevice.adapterInfo) and the
 * features of the device the engine runs on (`subgroups`: kernel variants that share values over a subgroup
 * need it, core/kernels/variants.ts). Without `features`, no subgroups are assumed.
 */
export function describeAdapterInfo(adapterInfo: GPUAdapterInfo, features?: GPUSupportedFeatures): EngineInfo {
  const info = adapterInfo as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
  const name = [info.description || info.device, info.vendor && `vendor ${info.vendor}`, info.architecture && `arch ${info.architecture}`]
    .filter(Boolean)
    .join(', ');
  const software = info.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader|software/i.test(`${info.description} ${info.device} ${info.architecture}`);
  const subgroups = features?.has('subgroups') ?? false;
  return {
    adapter: name || 'unknown adapter', isSoftwareAdapter: software, subgroups,
    subgroupMinSize: subgroups ? info.subgroupMinSize ?? 0 : 0, subgroupMaxSize: subgroups ? info.subgroupMaxSize ?? 0 : 0,
  };
}

function encodeDispatch(pass: GPUComputePassEncoder, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, launch: KernelLaunch): void {
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  const [x, y, z] = launch.workgroups;
  pass.dispatchWorkgroups(x, y, z);
}

function collectDisposables(value: unknown, into: Set<Disposable>): void {
  if (value === null || typeof value !== 'object') return;
  if ('dispose' in value && 'isDisposed' in value) {
    into.add(value as Disposable);
    return;
  }
  const items = Array.isArray(value) ? value : value.constructor === Object ? Object.values(value) : [];
  for (const item of items) collectDisposables(item, into);
}
