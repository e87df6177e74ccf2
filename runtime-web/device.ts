// WebGPU in a browser: navigator.gpu. Same policy as runtime-node/device.ts: a hardware adapter first, the
// software (fallback) one only when nothing else exists, the adapter's own limits, timestamp queries if offered.
import { Engine } from '../core/engine.ts';
import { describeAdapter, requestEngineDevice } from '../core/device-request.ts';

export class NoWebGPUError extends Error {
  override name = 'NoWebGPUError';
}

export async function createBrowserEngine(): Promise<Engine> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) {
    throw new NoWebGPUError('This browser does not expose WebGPU (navigator.gpu is missing). Use a recent Chrome, Edge or Firefox with WebGPU enabled, served over http://127.0.0.1 or https.');
  }
  const hardware = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  let adapter = hardware && !hardware.info.isFallbackAdapter ? hardware : null;
  if (!adapter) adapter = (await gpu.requestAdapter({ forceFallbackAdapter: true })) ?? hardware;
  if (!adapter) throw new NoWebGPUError('WebGPU is present but no adapter is available (the GPU may be blocklisted).');
  const device = await requestEngineDevice(adapter);
  const info = describeAdapter(adapter, device);
  console.info(`posedyn: using ${info.isSoftwareAdapter ? 'software' : 'hardware'} adapter ${info.adapter}`);
  return new Engine(device, info);
}
