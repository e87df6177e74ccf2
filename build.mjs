// Builds the package into dist/ (`npm run build`; `npm pack` and `npm publish` run it first, as prepack):
//
//   dist/lib/     JavaScript and declarations from one tsc run (tsconfig.build.json), one module a source module,
//                 in the source folders: dist/lib/core/index.js is `posedyn`,
//                 dist/lib/talking-head/index.js `posedyn/talking-head`, dist/lib/runtime-node/index.js
//                 `posedyn/node`, dist/lib/runtime-web/index.js `posedyn/web`, and dist/lib/runtime-node/cli/main.js
//                 the `posedyn` command. Unbundled on purpose: every class (Engine,
//                 Tensor, ...) lives in one file whichever entry a program imports it from, and with
//                 package.json's `sideEffects` an application's bundler drops each module a page does not use
//                 (a chunk bundled here would be kept whole for one used function, with its packages' imports).
//                 Relative imports end in .js (tsc's rewriteRelativeImportExtensions). Each WGSL kernel becomes
//                 a module whose default export is its text (`x.wgsl.js`), as esbuild's text loader and the
//                 source checkout's loader hook give it; the JSON mesh likewise (`x.json.js`), since Node
//                 needs import attributes for JSON and bundlers do not.
//   dist/posedyn.js, dist/demo/   the browser side (runtime-web/build.mjs): a standalone minified bundle of
//                 `posedyn/web` for pages without a bundler, and the prebuilt demo page that `posedyn serve` serves.
//
// Nothing built here needs esbuild, tsx or TypeScript at run time.
//
//   node build.mjs            (npm run build)
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from './runtime-web/build.mjs';

const root = dirname(fileURLToPath(import.meta.url));

/** The entries' declaration files: they reference the WebGPU types their signatures name. */
const TYPE_ENTRIES = ['core/index.d.ts', 'talking-head/index.d.ts', 'runtime-node/index.d.ts', 'runtime-web/index.d.ts'];

/** `from './x.wgsl'` and `from './y.json'`: imports of files that become JavaScript modules next to them. */
const ASSET_IMPORT = /(from\s+)(['"])(\.{1,2}\/[^'"]+\.(?:wgsl|json))\2/g;

export function buildLibrary(outdir = join(root, 'dist/lib')) {
  rmSync(outdir, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', outdir], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc (tsconfig.build.json) failed:\n${tsc.stdout}${tsc.stderr}`);
  const assets = new Set();
  for (const file of walk(outdir)) {
    const text = readFileSync(file, 'utf8');
    let out = text;
    if (file.endsWith('.d.ts')) {
      out = out.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
      if (TYPE_ENTRIES.includes(relative(outdir, file))) out = `/// <reference types="@webgpu/types" />\n${out}`;
    } else if (file.endsWith('.js')) {
      out = out.replace(ASSET_IMPORT, (_, from, quote, path) => {
        assets.add(join(dirname(relative(outdir, file)), path));
        return `${from}${quote}${path}.js${quote}`;
      });
    }
    if (out !== text) writeFileSync(file, out);
  }
  for (const asset of assets) {
    // tsc copies an imported JSON file beside its module; the module below replaces it (the mesh, the fitted face model).
    if (asset.endsWith('.json')) rmSync(join(outdir, asset), { force: true });
    const text = readFileSync(join(root, asset), 'utf8');
    const value = asset.endsWith('.json') ? JSON.stringify(JSON.parse(text)) : JSON.stringify(text);
    writeFileSync(join(outdir, `${asset}.js`), `// ${asset}, as a module (built by build.mjs)\nexport default ${value};\n`);
  }
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const started = Date.now();
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    buildLibrary();
    console.log('dist/lib/               JavaScript and declarations (core, talking-head, runtime-node, runtime-web)');
    await buildWeb();
    console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
