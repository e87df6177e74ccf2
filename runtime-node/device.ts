// Dawn in Node: the `webgpu` package. Prefers a hardware adapter and falls back to the software one
// (lavapipe) only when nothing else exists, saying which it took. Requests the adapter's own limits, since
// Dawn's defaults are far below them (8 storage buffers a stage, 256 MiB buffers, 16 KiB workgroup memory).
import { create, globals } from 'webgpu';
import { Engine } from '../core/engine.ts';
import type { SelectionMode } from '../core/kernel-selection.ts';
import { describeAdapter, requestEngineDevice } from '../core/device-request.ts';

export interface NodeEngineOptions {
  /** Print which adapter was chosen (default true). */
  readonly verbose?: boolean;
  /** Extra Dawn toggles, e.g. ['enable_immediate_error_handling']. */
  readonly dawnOptions?: readonly string[];
  /** How kernel variants are chosen (core/engine.ts EngineOptions); default 'tune'. */
  readonly kernelSelection?: SelectionMode;
}

// Dawn aborts the process if the object returned by create() is garbage-collected while a device lives,
// so it is kept here for the life of the process.
let dawnInstance: GPU | null = null;

function dawn(options: readonly string[]): GPU {
  if (!dawnInstance) {
    Object.assign(globalThis, globals);
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    dawnInstance = create([...options]);
  }
  return dawnInstance;
}

export async function createNodeEngine(options: NodeEngineOptions = {}): Promise<Engine> {
  const gpu = dawn(options.dawnOptions ?? []);
  const hardware = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  let adapter = hardware && !hardware.info.isFallbackAdapter ? hardware : null;
  if (!adapter) adapter = await gpu.requestAdapter({ forceFallbackAdapter: true }) ?? hardware;
  if (!adapter) {
    throw new Error(
      'no WebGPU adapter: Dawn found neither a GPU nor a software Vulkan driver. On Debian 12 run ./setup.sh ' +
        '(it installs mesa-vulkan-drivers >= 24 from bookworm-backports) or install your GPU\'s Vulkan driver.',
    );
  }
  const device = await requestEngineDevice(adapter);
  const info = describeAdapter(adapter, device);
  if (options.verbose ?? true) {
    process.stderr.write(`posedyn: using ${info.isSoftwareAdapter ? 'software' : 'hardware'} adapter ${info.adapter}\n`);
  }
  // No explicit teardown is needed: dawn.node lets the process exit once no GPU promise is pending.
  return new Engine(device, info, { kernelSelection: options.kernelSelection ?? 'tune' });
}
