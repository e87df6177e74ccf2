// Dawn in Node: the `webgpu` package. Prefers a hardware adapter and falls back to the software one
// (lavapipe) only when nothing else exists, saying which it took when given a `log`. Requests the adapter's own
// limits, since Dawn's defaults are far below them (8 storage buffers a stage, 256 MiB buffers, 16 KiB
// workgroup memory). Handed a `device` (one an application made and shares), it only wraps it: no listener,
// no new device, and engine.dispose() leaves the device alive.
import { create, globals } from 'webgpu';
import { Engine } from '../core/engine.ts';
import type { SelectionMode } from '../core/kernel-selection.ts';
import { describeAdapter, requestEngineDevice } from '../core/device-request.ts';

export interface NodeEngineOptions {
  /** An existing device to run on (shared with the rest of the application; the engine does not own it). */
  readonly device?: GPUDevice;
  /** An adapter to ask for the engine's own device (the engine owns that device). */
  readonly adapter?: GPUAdapter;
  /** Where to say which adapter was chosen and that a device was lost, e.g. `(line) => console.error(line)`. Default: silent. */
  readonly log?: (message: string) => void;
  /** Extra Dawn toggles, e.g. ['enable_immediate_error_handling'] (used only when the engine makes the Dawn instance). */
  readonly dawnOptions?: readonly string[];
  /** How kernel variants are chosen (core/engine.ts EngineOptions): 'tune' (default) or 'preferred'. */
  readonly kernelSelection?: SelectionMode;
}

/**
 * The options of an engine whose results go into files (training, fine-tuning, evaluation, generation, datasets,
 * video): kernel variants by the device's preference (core/kernel-selection.ts), not by a timing run, so a seed
 * gives the same bytes in every process. A measured choice depends on the machine's load at the time, and
 * variants differ in float rounding (core/kernels/PERFORMANCE.md), which training amplifies: a resumed run must
 * end where an uninterrupted one does, bit for bit (tests/models/training-folder.test.ts). `posedyn bench` and
 * `posedyn profile` measure; the library's own default is 'tune'.
 */
export const REPRODUCIBLE_KERNELS: Pick<NodeEngineOptions, 'kernelSelection'> = { kernelSelection: 'preferred' };

// Dawn aborts the process if the object returned by create() is garbage-collected while a device lives,
// so it is kept here for the life of the process.
let dawnInstance: GPU | null = null;

/**
 * The process's Dawn `GPU` object (navigator.gpu's counterpart), made on first use; also installs the WebGPU
 * globals (GPUBufferUsage, ...) the engine reads. `options` apply only to the first call.
 */
export function dawnGpu(options: readonly string[] = []): GPU {
  if (!dawnInstance) {
    Object.assign(globalThis, globals);
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    dawnInstance = create([...options]);
  }
  return dawnInstance;
}

/** An engine on Dawn: on `options.device` if given, else on a new device of `options.adapter` or the best adapter. */
export async function createNodeEngine(options: NodeEngineOptions = {}): Promise<Engine> {
  const log = options.log;
  if (options.device) {
    // GPUBufferUsage and friends are globals only once the `webgpu` package installed them.
    if (!('GPUBufferUsage' in globalThis)) Object.assign(globalThis, globals);
    const engine = new Engine(options.device, undefined, { ownsDevice: false, log, kernelSelection: options.kernelSelection });
    log?.(`posedyn: using the given device on ${engine.info.isSoftwareAdapter ? 'software' : 'hardware'} adapter ${engine.info.adapter}`);
    return engine;
  }
  const adapter = options.adapter ?? (await chooseAdapter(dawnGpu(options.dawnOptions ?? [])));
  const device = await requestEngineDevice(adapter);
  const info = describeAdapter(adapter, device);
  log?.(`posedyn: using ${info.isSoftwareAdapter ? 'software' : 'hardware'} adapter ${info.adapter}`);
  // No explicit teardown is needed: dawn.node lets the process exit once no GPU promise is pending (or after
  // engine.dispose(), which destroys the device).
  return new Engine(device, info, { ownsDevice: true, log, kernelSelection: options.kernelSelection });
}

async function chooseAdapter(gpu: GPU): Promise<GPUAdapter> {
  const hardware = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  let adapter = hardware && !hardware.info.isFallbackAdapter ? hardware : null;
  if (!adapter) adapter = await gpu.requestAdapter({ forceFallbackAdapter: true }) ?? hardware;
  if (!adapter) {
    throw new Error(
      'no WebGPU adapter: Dawn found neither a GPU nor a software Vulkan driver. On Debian 12 run ./setup.sh ' +
        '(it installs mesa-vulkan-drivers >= 24 from bookworm-backports) or install your GPU\'s Vulkan driver.',
    );
  }
  return adapter;
}
