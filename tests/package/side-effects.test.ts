// package.json says the built modules have no side effects (`sideEffects`: only the CLI's main.js has), which
// lets an application's bundler drop every module a page does not use. Checked on the sources: each entry is
// bundled for its side effects alone (`import 'entry'`) with esbuild told to ignore that claim and every
// purity annotation; what esbuild could not drop must be declarations whose initialisers call nothing but
// known-pure builtins. A module that registers itself somewhere, patches a global or prints would show here.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Calls that only compute, so a module may make them at import: builtins; the package-root lookup (reads
 * package.json, changes nothing); and this repository's pure helpers that tables are built with (a kernel's
 * uniform layout from its WGSL text, the renderer's materials from sRGB colours). A new name here is a decision:
 * the function must touch nothing outside its arguments.
 */
const PURE_CALLS = new RegExp(`^(${[
  'Object\\.freeze', 'Array\\.from', '(Uint8|Uint16|Uint32|Int32|Float32|Float64)Array', 'Math\\.\\w+', 'Number', 'String', '\\w+\\.padStart',
  'packageRoot', 'join\\d*', 'uniformLayout', 'surface', 'mixSurface', 'linearFromSrgb',
].join('|')})$`);

/** The top-level statements esbuild keeps when `entry` is imported for its side effects only. */
async function keptStatements(entry: string): Promise<string[]> {
  const result = await esbuild.build({
    stdin: { contents: `import './${entry}';`, resolveDir: root, loader: 'ts' }, bundle: true, write: false, format: 'esm',
    platform: 'node', packages: 'external', loader: { '.wgsl': 'text' }, ignoreAnnotations: true, logLevel: 'silent',
  });
  const statements: string[] = [];
  for (const line of result.outputFiles[0]!.text.split('\n')) {
    if (line === '' || line.startsWith('//')) continue;
    if (/^\s/.test(line) || /^[}\])]/.test(line)) statements[statements.length - 1] += `\n${line}`;
    else statements.push(line);
  }
  return statements;
}

for (const entry of ['core/index.ts', 'talking-head/index.ts', 'runtime-node/index.ts', 'runtime-web/index.ts']) {
  test(`${entry} imported for its side effects leaves only pure declarations`, async () => {
    const effects = (await keptStatements(entry)).filter((statement) => {
      if (/^import\s/.test(statement) || /^function\s/.test(statement)) return false;
      if (!/^(var|let|const)\s/.test(statement)) return true;
      const code = statement.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      const calls = [...code.matchAll(/(?<![\w$.])(?:new\s+)?([A-Za-z_$][\w$.]*)\(/g)].map((m) => m[1]!);
      return calls.some((name) => !PURE_CALLS.test(name));
    });
    assert.equal(effects, [], `top-level code with possible side effects:\n${effects.join('\n---\n')}`);
  });
}

test.run();
