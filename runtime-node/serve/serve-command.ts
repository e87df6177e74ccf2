// `posedyn serve`: the demo page (dist/demo), the bundle (dist/posedyn.js) and the pretrained checkpoints
// (talking-head/pretrained/) on http://127.0.0.1:<port>/. The installed package carries the page prebuilt; a
// source checkout builds it first when dist/ lacks it (or with --rebuild).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { integerOption } from '../cli/options.ts';
import { packageRoot } from '../files/package-root.ts';
import { type Mount, type RunningServer, startServer } from './server.ts';

const root = packageRoot();

/** Builds the page with runtime-web/build.mjs (esbuild, a development tool) in a child process. */
function buildPage(log: (line: string) => void): void {
  const script = join(root, 'runtime-web/build.mjs');
  if (!existsSync(script)) throw new Error(`the demo page is not built (${join(root, 'dist/demo')}) and ${script}, which builds it, is not here (the installed package carries the page prebuilt; reinstall it)`);
  log('building the page and bundle (runtime-web/build.mjs)');
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`building the page failed: ${(run.stderr || run.stdout).trim()}`);
  for (const line of run.stdout.trim().split('\n')) if (line) log(line);
}

/** The files in dist/ that the pages need; when one is missing the page is built. */
const BUILT_FILES = ['posedyn.js', 'demo/index.html', 'demo/main.js', 'tracker/index.html', 'tracker/page.js', 'face_mesh/face_mesh.js'];

/** Builds dist/ (page, bundle, tracker page, face tracker files) unless it is there already or `rebuild` asks. */
export function ensurePagesBuilt(options: { rebuild?: boolean; log: (line: string) => void; dist?: string }): void {
  const dist = options.dist ?? join(root, 'dist');
  if (options.rebuild || !BUILT_FILES.every((f) => existsSync(join(dist, f)))) buildPage(options.log);
}

/** What the demo page needs, by URL: the page at /, the bundle at /posedyn.js, checkpoints under /pretrained/, the face tracker under /face_mesh/. */
export function demoMounts(dist = join(root, 'dist')): Mount[] {
  return [
    { prefix: '/', dir: join(dist, 'demo') },
    { prefix: '/dist/', dir: dist },
    { prefix: '/face_mesh/', dir: join(dist, 'face_mesh') },
    { prefix: '/pretrained/', dir: join(root, 'talking-head/pretrained'), extensions: ['.safetensors'] },
  ];
}

/** Serves the page (building it first in a source checkout when needed); `log` hears what it does (default: nothing). */
export async function serveDemo(options: { port: number; rebuild?: boolean; log?: (line: string) => void }): Promise<RunningServer> {
  const log = options.log ?? (() => undefined);
  const dist = join(root, 'dist');
  ensurePagesBuilt({ rebuild: options.rebuild, log });
  const server = await startServer(demoMounts(dist), options.port);
  const pretrained = ['posegan', 'pgface'].filter((k) => existsSync(join(root, `talking-head/pretrained/${k}.safetensors`)));
  log(`posedyn demo at ${server.url} (bundle at ${server.url}dist/posedyn.js)`);
  log(pretrained.length === 2
    ? 'serving the pretrained checkpoints from talking-head/pretrained/'
    : 'talking-head/pretrained/ lacks posegan.safetensors and pgface.safetensors: the page will use untrained weights');
  return server;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the demo page, the browser bundle and the pretrained checkpoints on 127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', '8080')
    .option('--rebuild', 'rebuild the page and bundle even when dist/ has them', false)
    .action(async (options: { port: string; rebuild: boolean }) => {
      const port = integerOption(options.port, '--port');
      await serveDemo({ port, rebuild: options.rebuild, log: (line) => process.stdout.write(`${line}\n`) });
      process.stdout.write('press Ctrl-C to stop\n');
      await new Promise(() => undefined);
    });
}
