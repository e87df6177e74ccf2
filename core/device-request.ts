// Asking an adapter for a device the engine can use, the same way in every runtime: the adapter's own limits
// for the resources the kernels need, and timestamp queries when offered (the profiler uses them).
import { type EngineInfo, describeAdapterInfo } from './engine.ts';

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

/** A device on `adapter` with the adapter's own limits for what the kernels use, and timestamp queries if offered. */
export async function requestEngineDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS_TO_RAISE) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  return adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'posedyn' });
}

export function describeAdapter(adapter: GPUAdapter): EngineInfo {
  return describeAdapterInfo(adapter.info);
}
