// The op declarations must not cost an app that only uses ops: they are plain objects with no top-level side
// effects, and no op module imports them. Checked by bundling tiny entries with esbuild (as a browser app would)
// and reading its metafile: which source files put bytes into the output.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The repository files (relative paths) that contribute bytes to a bundle of `entry` (TypeScript, from the root). */
async function bundledFiles(entry: string, modules: Record<string, string> = {}): Promise<string[]> {
  const virtual: esbuild.Plugin = {
    name: 'virtual',
    setup(build) {
      build.onResolve({ filter: /^virtual:/ }, (args) => ({ path: args.path, namespace: 'virtual' }));
      build.onLoad({ filter: /.*/, namespace: 'virtual' }, (args) => ({ contents: modules[args.path.slice('virtual:'.length)]!, loader: 'ts', resolveDir: root }));
    },
  };
  const result = await esbuild.build({
    stdin: { contents: entry, loader: 'ts', resolveDir: root }, bundle: true, write: false, outfile: 'out.js', format: 'esm',
    platform: 'browser', target: 'es2022', loader: { '.wgsl': 'text' }, metafile: true, logLevel: 'silent', absWorkingDir: root, plugins: [virtual],
  });
  const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
  return Object.entries(inputs).filter(([, info]) => info.bytesInOutput > 0).map(([path]) => path);
}

const declarationCode = (path: string) => /^(core|talking-head)\/(ops\/declarations\/|ops\/registry\.ts|reference\/)/.test(path);

test('an app that imports conv1d from an entry also exporting both op registries bundles no declaration, case or reference', async () => {
  const barrel = [
    "export * from './core/ops/conv1d.ts';",
    "export * from './core/ops/elementwise.ts';",
    "export * from './talking-head/ops/gaussian-filter.ts';",
    "export { coreOps } from './core/ops/registry.ts';",
    "export { talkingHeadOps } from './talking-head/ops/registry.ts';",
  ].join('\n');
  const files = await bundledFiles("import { conv1d } from 'virtual:barrel';\n(globalThis as Record<string, unknown>).conv1d = conv1d;", { barrel });
  assert.ok(files.includes('core/ops/conv1d.ts') && files.includes('core/kernels/conv1d.wgsl'), `conv1d itself is bundled: ${files.join(', ')}`);
  assert.equal(files.filter(declarationCode), [], 'declaration code in the bundle');
  assert.not.ok(files.includes('core/ops/elementwise.ts'), 'an op the app does not use is bundled');
});

test("an app that imports conv1d's declaration bundles its cases and references and no other op's", async () => {
  const files = await bundledFiles(
    "import { conv1dDeclaration } from './core/ops/declarations/conv1d.ts';\n(globalThis as Record<string, unknown>).d = conv1dDeclaration;",
  );
  assert.ok(files.includes('core/ops/declarations/conv1d.ts') && files.includes('core/reference/conv1d.ts'), `conv1d's declaration is bundled: ${files.join(', ')}`);
  const others = files.filter((f) => declarationCode(f) && !/(conv1d|common)\.ts$/.test(f));
  assert.equal(others, [], "other ops' declarations or references in the bundle");
});

test.run();
