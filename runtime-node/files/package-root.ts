// The folder of the posedyn package: the repository root in a source checkout, node_modules/posedyn when
// installed. Found by walking up from this module's own file to the package.json that names "posedyn", so the
// answer is the same from the TypeScript sources (runtime-node/files/) and from the built chunks (dist/lib/...).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

export function packageRoot(): string {
  if (root) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'posedyn') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`no package.json named "posedyn" above ${start}: is this file part of the posedyn package?`);
  }
}
