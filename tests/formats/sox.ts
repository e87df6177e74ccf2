// Runs sox (and espeak-ng) for tests that make their audio fixtures at test time, in a fresh temporary folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasTool(name: string, why: string): boolean {
  const found = spawnSync(name, ['--version'], { encoding: 'utf8' }).error === undefined;
  if (!found) console.log(`  skipped: ${why}: '${name}' is not installed`);
  return found;
}

export function run(tool: string, args: readonly string[]): void {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
}

/** A temporary folder, removed by the returned `dispose`. */
export function tempFolder(prefix: string): { path: string; dispose: () => void } {
  const path = mkdtempSync(join(tmpdir(), `posedyn-${prefix}-`));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}
