// Whether a file or folder is there (no error for a missing one): resume, reuse and default-file checks.
import { stat } from 'node:fs/promises';

export function pathExists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
