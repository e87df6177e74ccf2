// Turns WGSL compiler messages into errors a person can act on: the kernel, its file, the line and a caret.
import type { KernelSource } from './kernels/launch.ts';

export class KernelError extends Error {
  override name = 'KernelError';
}

export function formatCompileMessages(kernel: KernelSource, messages: readonly GPUCompilationMessage[]): string {
  const lines = kernel.code.split('\n');
  const parts = messages.map((m) => {
    const source = lines[m.lineNum - 1] ?? '';
    const caret = ' '.repeat(Math.max(0, m.linePos - 1)) + '^';
    const gutter = `${m.lineNum}`.padStart(5);
    return `${kernel.file}:${m.lineNum}:${m.linePos}: ${m.type}: ${m.message}\n${gutter} | ${source}\n${' '.repeat(5)} | ${caret}`;
  });
  return `WGSL kernel '${kernel.name}' failed to compile:\n${parts.join('\n')}`;
}
