// Asking an adapter for a device the engine can use, the same way in every runtime: the adapter's own limits
// for the resources the kernels need, and timestamp queries when offered (the profiler uses them).
import type { EngineInfo } from './engine.ts';

const LIMITS_TO_RAISE = [
  'maxStorageBuffersPerShaderStage',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
] as const;

export async function requestEngineDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS_TO_RAISE) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  // Kernel variants that share operands over a subgroup (core/kernels/variants.ts) need it.
  if (adapter.features.has('subgroups')) requiredFeatures.push('subgroups' as GPUFeatureName);
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'posedyn' });
  device.lost.then((info) => {
    if (info.reason !== 'destroyed') console.error(`posedyn: GPU device lost (${info.reason}): ${info.message}`);
  });
  return device;
}

export function describeAdapter(adapter: GPUAdapter, device?: GPUDevice): EngineInfo {
  const i = adapter.info as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
  const name = [i.description || i.device, i.vendor && `vendor ${i.vendor}`, i.architecture && `arch ${i.architecture}`]
    .filter(Boolean)
    .join(', ');
  const software = i.isFallbackAdapter || /llvmpipe|lavapipe|swiftshader|software/i.test(`${i.description} ${i.device} ${i.architecture}`);
  const subgroups = device ? device.features.has('subgroups') : adapter.features.has('subgroups');
  return {
    adapter: name || 'unknown adapter', isSoftwareAdapter: software, subgroups,
    subgroupMinSize: subgroups ? i.subgroupMinSize ?? 0 : 0, subgroupMaxSize: subgroups ? i.subgroupMaxSize ?? 0 : 0,
  };
}
