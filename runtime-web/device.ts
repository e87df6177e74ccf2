// WebGPU in a browser: navigator.gpu. Same policy as runtime-node/device.ts: a hardware adapter first, the
// software (fallback) one only when nothing else exists, the adapter's own limits, timestamp queries if offered.
// Handed the `device` of an application (a three.js WebGPU renderer's, say), the engine shares it: it adds no
// listener to it, catches its own errors with error scopes, and engine.dispose() leaves the device alive.
import { Engine } from '../core/engine.ts';
import type { SelectionMode } from '../core/kernel-selection.ts';
import { describeAdapter, requestEngineDevice } from '../core/device-request.ts';

export class NoWebGPUError extends Error {
  override name = 'NoWebGPUError';
}

export interface BrowserEngineOptions {
  /** An existing device to run on, shared with the rest of the page (the engine does not own it). */
  readonly device?: GPUDevice;
  /** An adapter to ask for the engine's own device (the engine owns that device). */
  readonly adapter?: GPUAdapter;
  /** Where to say which adapter was chosen and that a device was lost, e.g. `console.info`. Default: silent. */
  readonly log?: (message: string) => void;
  /** How kernel variants are chosen (core/engine.ts EngineOptions): 'tune' (default) or 'preferred'. */
  readonly kernelSelection?: SelectionMode;
}

/**
 * An engine on WebGPU in this page: on `options.device` if given, else on a new device of `options.adapter` or
 * of the best adapter navigator.gpu offers. Throws NoWebGPUError, in plain words, where WebGPU is missing.
 */
export async function createBrowserEngine(options: BrowserEngineOptions = {}): Promise<Engine> {
  const log = options.log;
  if (options.device) {
    const engine = new Engine(options.device, undefined, { ownsDevice: false, log, kernelSelection: options.kernelSelection });
    log?.(`posedyn: using the given device on ${engine.info.isSoftwareAdapter ? 'software' : 'hardware'} adapter ${engine.info.adapter}`);
    return engine;
  }
  const adapter = options.adapter ?? (await chooseAdapter());
  const device = await requestEngineDevice(adapter);
  const info = describeAdapter(adapter, device);
  log?.(`posedyn: using ${info.isSoftwareAdapter ? 'software' : 'hardware'} adapter ${info.adapter}`);
  return new Engine(device, info, { ownsDevice: true, log, kernelSelection: options.kernelSelection });
}

async function chooseAdapter(): Promise<GPUAdapter> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) {
    throw new NoWebGPUError('This browser does not expose WebGPU (navigator.gpu is missing). Use a recent Chrome, Edge or Firefox with WebGPU enabled, served over http://127.0.0.1 or https.');
  }
  const hardware = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  let adapter = hardware && !hardware.info.isFallbackAdapter ? hardware : null;
  if (!adapter) adapter = (await gpu.requestAdapter({ forceFallbackAdapter: true })) ?? hardware;
  if (!adapter) throw new NoWebGPUError('WebGPU is present but no adapter is available (the GPU may be blocklisted).');
  return adapter;
}
