// Kernels whose WGSL is written by TypeScript for a spec (conv1d-subgroup.ts, matmul-subgroup.ts): one source a
// spec, written once. The engine caches modules and pipelines by the source's `file`, so the spec's key is in it.
import type { KernelSource } from './launch.ts';

/** Made at first use, so importing a module that generates kernels runs nothing (package.json's sideEffects). */
let sources: Map<string, KernelSource> | undefined;

/** The source `name` of `module` for the spec `key`, written by `write` the first time it is asked for. */
export function generatedSource(name: string, module: string, key: string, write: () => string): KernelSource {
  sources ??= new Map();
  const file = `${module} [${key}]`;
  let source = sources.get(file);
  if (!source) {
    source = { name, file, code: write() };
    sources.set(file, source);
  }
  return source;
}
