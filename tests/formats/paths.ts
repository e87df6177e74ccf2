// Where the format tests find committed fixtures and the shared data set.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO_ROOT, 'tests', 'fixtures');

/** `$POSEDYN_DATA`, else the shared data folder beside the checkout; undefined (with a message) when absent. */
export function sharedData(subpath: string, why: string): string | undefined {
  const path = resolve(REPO_ROOT, process.env.POSEDYN_DATA ?? '../shared/data', subpath);
  if (existsSync(path)) return path;
  console.log(`  skipped: ${why}: ${path} not found (set POSEDYN_DATA to the shared data folder)`);
  return undefined;
}
