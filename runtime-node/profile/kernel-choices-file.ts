// One recorded set of kernel choices per adapter (core/kernel-selection.ts exportChoices/importChoices) as a JSON
// file: `posedyn profile ... --save-choices FILE` writes the choices its tuning measured, `--choices FILE` starts
// from them (classes it holds are not tuned again), and a file measured on another adapter is refused by name.
import { readFile } from 'node:fs/promises';
import type { Engine } from '../../core/engine.ts';
import type { KernelChoice } from '../../core/kernel-selection.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

interface ChoicesFile {
  readonly adapter: string;
  readonly choices: readonly KernelChoice[];
}

export async function loadKernelChoices(engine: Engine, path: string): Promise<number> {
  let saved: ChoicesFile;
  try {
    saved = JSON.parse(await readFile(path, 'utf8')) as ChoicesFile;
  } catch (error) {
    throw new Error(`--choices ${path}: ${error instanceof Error ? error.message : String(error)} (expected the JSON that --save-choices writes)`);
  }
  if (typeof saved?.adapter !== 'string' || !Array.isArray(saved.choices)) {
    throw new Error(`--choices ${path}: not a kernel choices file (expected { adapter, choices }, as --save-choices writes)`);
  }
  engine.kernels.importChoices(saved);
  return saved.choices.length;
}

export async function saveKernelChoices(engine: Engine, path: string): Promise<number> {
  const saved = engine.kernels.exportChoices();
  await writeFileAtomic(path, `${JSON.stringify(saved, null, 1)}\n`);
  return saved.choices.length;
}
