// Asking an adapter for a device the engine can use, the same way in every runtime: the adapter's own limits
// for the resources the kernels need, timestamp queries (the profiler uses them) and subgroups when offered.
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
  // Kernel variants that share operands over a subgroup (core/kernels/variants.ts) need it.
  if (adapter.features.has('subgroups')) requiredFeatures.push('subgroups' as GPUFeatureName);
  return adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'posedyn' });
}

/** The EngineInfo of `adapter`, with the subgroups of `device` (made on it) or, without one, of the adapter. */
export function describeAdapter(adapter: GPUAdapter, device?: GPUDevice): EngineInfo {
  return describeAdapterInfo(adapter.info, device?.features ?? adapter.features);
}
