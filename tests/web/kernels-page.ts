// The browser half of the kernel check: compiles WGSL sources sent by the test and builds a compute pipeline
// for every entry point on the page's engine device (same limits as the engine asks for), reporting each
// failure with the adapter's own message.
import { createBrowserEngine } from '../../runtime-web/device.ts';

export interface KernelSourceFile {
  readonly file: string;
  readonly code: string;
}

export interface EntryResult {
  readonly file: string;
  readonly entry: string;
  readonly error: string | null;
}

const engine = await createBrowserEngine();
const device = engine.device;

async function check(source: KernelSourceFile): Promise<EntryResult[]> {
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code: source.code, label: source.file });
  const moduleError = await device.popErrorScope();
  const messages = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  if (moduleError || messages.length > 0) {
    const text = messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ') || moduleError!.message;
    return [{ file: source.file, entry: '(module)', error: text }];
  }
  const entries = [...source.code.matchAll(/@compute\s+@workgroup_size\([^)]*\)\s*fn\s+(\w+)/g)].map((m) => m[1]!);
  return Promise.all(entries.map(async (entry): Promise<EntryResult> => {
    try {
      await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: entry }, label: `${source.file} ${entry}` });
      return { file: source.file, entry, error: null };
    } catch (error) {
      return { file: source.file, entry, error: error instanceof Error ? error.message : String(error) };
    }
  }));
}

const api = {
  adapter: engine.info.adapter,
  limits: { storageBuffers: device.limits.maxStorageBuffersPerShaderStage, invocations: device.limits.maxComputeInvocationsPerWorkgroup },
  async compile(sources: KernelSourceFile[]): Promise<EntryResult[]> {
    const results: EntryResult[] = [];
    for (const source of sources) results.push(...(await check(source)));
    return results;
  },
};
(globalThis as unknown as { posedynKernels: typeof api }).posedynKernels = api;
