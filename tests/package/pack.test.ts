// The package as a new user gets it: `npm pack`, the tarball installed into an empty folder (no dev
// dependencies there: no tsx, esbuild or TypeScript at run time), and there
//   - every `exports` entry loads, with one Engine class whichever entry it comes from;
//   - README.md's examples run as written: an engine on Dawn and a training step (`posedyn`), the shipped
//     pretrained models generating from a WAV (`posedyn/talking-head`, `posedyn/node`);
//   - `npx posedyn generate` writes its result and `npx posedyn serve` serves the prebuilt page from the package;
//   - a TypeScript program using all four entries type-checks against the shipped declarations;
//   - README's page example, bundled from `posedyn/web` with esbuild, generates in Chromium the same poses as Node;
//   - tree-shaking: the inference-only page carries no training code, and is measured against a page that also
//     fine-tunes and against the standalone bundle (sizes printed, and kept in tests/output/package/sizes.json).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleBrowserEntry, root } from '../../runtime-web/build.mjs';
import { startServer } from '../../runtime-node/serve/server.ts';
import { encodeWav16, parseWav } from '../../talking-head/formats/wav.ts';
import { SKIP_MESSAGE, hasChromium, launchBrowser } from '../web/browser.ts';

const OUTPUT = join(root, 'tests/output/package');
mkdirSync(OUTPUT, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'posedyn-pack-'));
const consumer = join(work, 'consumer');
const installed = join(consumer, 'node_modules/posedyn');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const sizes: Record<string, number> = {};

interface Run { status: number | null; stdout: string; stderr: string }

/** Runs a command to its end; says how long it took when that was long (where the test's minutes go). */
function run(command: string, args: string[], cwd: string, timeoutMs = 300_000): Run {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, FORCE_COLOR: '0' } });
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 5) console.log(`${command} ${args.slice(0, 2).join(' ')}: ${seconds.toFixed(1)} s`);
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

function ok(result: Run, what: string): Run {
  assert.is(result.status, 0, `${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** README.md's ```js blocks that import posedyn, by the entry named in their heading. */
function readmeExamples(): Map<string, string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const examples = new Map<string, string>();
  for (const match of readme.matchAll(/^### `(posedyn[^`]*)`[^\n]*\n(?:[^\n]*\n)*?```js\n([\s\S]*?)```/gm)) examples.set(match[1]!, match[2]!);
  return examples;
}

/** The first 4 s of the shipped speech sample, as a 16-bit WAV (shorter runs, same real speech). */
function shortSpeech(): Uint8Array {
  const wav = parseWav(new Uint8Array(readFileSync(join(root, 'talking-head/pretrained/sample-speech.wav'))), 'sample-speech.wav');
  return encodeWav16(wav.samples.subarray(0, wav.sampleRate * 4), wav.sampleRate);
}

let tarball = '';

test('npm pack: built JavaScript, declarations, the shipped checkpoints and page; no sources, tests or reports', () => {
  const packed = ok(run('npm', ['pack', '--json', '--pack-destination', work], root), 'npm pack');
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('\n[') + 1))[0] as { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
  tarball = join(work, report.filename);
  sizes.tarballBytes = report.size;
  sizes.unpackedBytes = report.unpackedSize;
  const files = report.files.map((f) => f.path);
  const allowed = /^(package\.json|README\.md|LICENSE|dist\/lib\/.+\.(js|d\.ts)|dist\/posedyn\.js|dist\/(demo|tracker|face_mesh)\/.+|talking-head\/pretrained\/.+\.(safetensors|wav|md)|talking-head\/face\/mediapipe-mesh\/NOTICE)$/;
  const stray = files.filter((f) => !allowed.test(f));
  assert.equal(stray, [], `files that should not ship: ${stray.join(', ')}`);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
  const promised = [
    ...Object.values(manifest.exports).flatMap((e) => (typeof e === 'string' ? [] : Object.values(e))),
    ...Object.values(manifest.bin),
  ].map((p) => p.replace(/^\.\//, ''));
  assert.ok(files.includes('LICENSE'), 'the tarball carries the licence package.json names');
  const missing = promised.filter((p) => !files.includes(p));
  assert.equal(missing, [], `package.json points at files the tarball lacks: ${missing.join(', ')}`);
  const checkpoints = readdirSync(join(root, 'talking-head/pretrained'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.safetensors')).map((f) => `talking-head/pretrained/${f}`);
  assert.ok(checkpoints.length >= 3);
  assert.equal(checkpoints.filter((c) => !files.includes(c)), [], 'a pretrained checkpoint is missing from the tarball');
  for (const page of ['dist/demo/index.html', 'dist/demo/main.js', 'dist/posedyn.js']) assert.ok(files.includes(page), `${page} is missing`);
  console.log(`tarball ${report.filename}: ${kib(report.size)} (${report.files.length} files, ${kib(report.unpackedSize)} unpacked)`);
});

test('the tarball installs into an empty folder, without the dev tools', () => {
  mkdirSync(consumer, { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'posedyn-consumer', private: true, type: 'module' }));
  ok(run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], consumer), 'npm install <tarball>');
  for (const dev of ['tsx', 'esbuild', 'typescript', 'uvu']) assert.not.ok(existsSync(join(consumer, 'node_modules', dev)), `${dev} was installed: it must not be needed at run time`);
  assert.ok(existsSync(join(consumer, 'node_modules/.bin/posedyn')), 'no posedyn command in node_modules/.bin');
  writeFileSync(join(consumer, 'speech.wav'), shortSpeech());
});

test('every entry loads, and the runtime entries re-export the same bindings (one Engine class)', () => {
  writeFileSync(join(consumer, 'entries.mjs'), [
    "import * as core from 'posedyn';",
    "import * as head from 'posedyn/talking-head';",
    "import * as node from 'posedyn/node';",
    "import * as web from 'posedyn/web';",
    "const same = [node.Engine, web.Engine].every((E) => E === core.Engine) && node.loadPoseGan === head.loadPoseGan && web.training === head.training;",
    "const pretrained = import.meta.resolve('posedyn/pretrained/posegan.safetensors');",
    "console.log(JSON.stringify({ same, counts: [core, head, node, web].map((m) => Object.keys(m).length), pretrained, paper: 'PoseGanTrainer' in core }));",
  ].join('\n'));
  const out = JSON.parse(ok(run('node', ['entries.mjs'], consumer), 'node entries.mjs').stdout) as { same: boolean; counts: number[]; pretrained: string; paper: boolean };
  assert.ok(out.same, 'the entries hold different copies of a class or function');
  assert.not.ok(out.paper, "'posedyn' (core) exports the paper's trainer");
  assert.ok(out.pretrained.endsWith('/node_modules/posedyn/talking-head/pretrained/posegan.safetensors'), out.pretrained);
  console.log(`exports: posedyn ${out.counts[0]}, posedyn/talking-head ${out.counts[1]}, posedyn/node ${out.counts[2]}, posedyn/web ${out.counts[3]}`);
});

const examples = readmeExamples();

test("README's `posedyn` example trains on Dawn: the loss falls", () => {
  const code = examples.get('posedyn');
  assert.ok(code, "README.md has no ```js example under a '### `posedyn`' heading");
  writeFileSync(join(consumer, 'example-core.mjs'), code);
  const out = ok(run('node', ['example-core.mjs'], consumer), 'the posedyn example').stdout;
  const losses = [...out.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
  assert.is(losses.length, 5, `expected 5 loss lines, got:\n${out}`);
  assert.ok(losses[4]! < losses[0]! / 10, `the loss did not fall tenfold: ${losses.join(', ')}`);
});

test("README's `posedyn/talking-head` and `posedyn/node` examples generate from the shipped checkpoints", () => {
  for (const [entry, file] of [['posedyn/talking-head', 'example-talking-head.mjs'], ['posedyn/node', 'example-node.mjs']] as const) {
    const code = examples.get(entry);
    assert.ok(code, `README.md has no \`\`\`js example under a '### \`${entry}\`' heading`);
    writeFileSync(join(consumer, file), code);
  }
  const head = ok(run('node', ['example-talking-head.mjs'], consumer), 'the posedyn/talking-head example').stdout;
  const match = /(\d+) frames at 30 fps for Obama; yaw from (-?\d+\.\d+) to (-?\d+\.\d+) rad/.exec(head);
  assert.ok(match, `unexpected output:\n${head}`);
  assert.is(Number(match[1]), 742, '24.7 s of speech at 30 fps');
  assert.ok(Number(match[3]) - Number(match[2]) > 0.01, `the head does not turn: ${match[0]}`);

  const node = ok(run('node', ['example-node.mjs'], consumer), 'the posedyn/node example');
  assert.match(node.stderr, /posedyn: using the given device on (software|hardware) adapter/, 'the log option was not heard');
  const written = JSON.parse(readFileSync(join(consumer, 'head.json'), 'utf8')) as { pose: number[] };
  assert.is(written.pose.length, 742 * 6);
  assert.ok(written.pose.every(Number.isFinite));
});

let nodePoses: number[] = [];

test('npx posedyn generate writes result.json; npx posedyn serve serves the prebuilt page and checkpoints', async () => {
  ok(run('npx', ['--no-install', 'posedyn', '--help'], consumer), 'npx posedyn --help');
  ok(run('npx', ['--no-install', 'posedyn', 'generate', '--audio', 'speech.wav', '--out', 'out/gen', '--face-checkpoint', join(installed, 'talking-head/pretrained/pgface.safetensors')], consumer), 'npx posedyn generate');
  const result = JSON.parse(readFileSync(join(consumer, 'out/gen/result.json'), 'utf8')) as { frames: number; pose: number[][] };
  assert.is(result.frames, 120, '4 s of speech at 30 fps');
  nodePoses = result.pose[0]!;

  // The command itself, not npx, so that stopping it stops the server.
  const server = spawn(join(consumer, 'node_modules/.bin/posedyn'), ['serve', '--port', '0'], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`posedyn serve did not start:\n${seen}`)), 30_000);
      const hear = (chunk: Buffer) => {
        seen += chunk.toString();
        const found = /posedyn demo at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(seen);
        if (found) (clearTimeout(timer), resolve(found[1]!));
      };
      server.stdout.on('data', hear);
      server.stderr.on('data', hear);
    });
    for (const path of ['', 'main.js', 'dist/posedyn.js', 'pretrained/posegan.safetensors', 'pretrained/personal/Obama/pgface.safetensors']) {
      const response = await fetch(url + path);
      assert.is(response.status, 200, `GET /${path}: ${response.status}`);
      await response.arrayBuffer();
    }
  } finally {
    server.kill();
  }
});

test('TypeScript programs type-check against the shipped declarations: a page without Node types, a Node program with them', () => {
  writeFileSync(join(consumer, 'check-web.ts'), [
    "import { Engine, type Tensor, tensor } from 'posedyn';",
    "import { type TalkingHeadResult, generateTalkingHead, training } from 'posedyn/talking-head';",
    "import { createBrowserEngine, type BrowserEngineOptions } from 'posedyn/web';",
    'export async function check(device: GPUDevice): Promise<[Engine, Tensor, typeof generateTalkingHead, typeof training.PoseGanTrainer, TalkingHeadResult | null]> {',
    "  const options: BrowserEngineOptions = { device, log: (line: string) => console.log(line) };",
    '  const engine: Engine = await createBrowserEngine(options);',
    '  return [engine, tensor(engine, [1, 2], [2]), generateTalkingHead, training.PoseGanTrainer, null];',
    '}',
    '// @ts-expect-error a mistyped option is caught',
    'void createBrowserEngine({ devise: null });',
  ].join('\n'));
  writeFileSync(join(consumer, 'check-node.ts'), [
    "import { type Engine, createNodeEngine, PRETRAINED } from 'posedyn/node';",
    'export async function check(device: GPUDevice): Promise<[Engine, string]> {',
    '  return [await createNodeEngine({ device, log: (line: string) => console.log(line) }), PRETRAINED.posegan];',
    '}',
    '// @ts-expect-error a mistyped option is caught',
    'void createNodeEngine({ devise: null });',
  ].join('\n'));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  // posedyn/node's declarations name Node's types (node:http in the server's): a Node program has @types/node.
  const nodeTypes = { typeRoots: [join(root, 'node_modules/@types')], types: ['node'] };
  for (const [file, types] of [['check-web.ts', { types: [] }], ['check-node.ts', nodeTypes]] as const) {
    for (const [module, moduleResolution] of [['nodenext', 'nodenext'], ['esnext', 'bundler']]) {
      const config = { compilerOptions: { strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], ...types, module, moduleResolution, skipLibCheck: false }, files: [file] };
      writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(config));
      ok(run('node', [tsc, '-p', 'tsconfig.json'], consumer), `tsc ${file} with module ${module}, moduleResolution ${moduleResolution}`);
    }
  }
});

test('tree-shaking: a page that only generates carries no training code', async () => {
  const page = join(consumer, 'page');
  mkdirSync(page, { recursive: true });
  writeFileSync(join(page, 'generate.js'), examples.get('posedyn/web') ?? '');
  // The same page, then the page's personalisation: dropped clip files -> fine-tuned PoseGAN checkpoint bytes.
  writeFileSync(join(page, 'fine-tune.js'), [
    examples.get('posedyn/web') ?? '',
    "import { decodeCheckpoint, features, workflows } from 'posedyn/web';",
    "const poseganBytes = await bytes('posegan.safetensors');",
    "const meta = decodeCheckpoint(poseganBytes, 'posegan.safetensors').meta;",
    "const files = [{ name: 'me.wav', bytes: await bytes('me.wav') }, { name: 'me.csv', bytes: await bytes('me.csv') }];",
    "const { dataset } = await workflows.personDatasetFromFiles(engine, files, features.featureConfigFromJson(meta.featureConfig, 'posegan'), Number(meta.modelConfig.frames));",
    "const tuned = await workflows.fineTune(engine, poseganBytes, 'posegan.safetensors', dataset, { dataSource: 'me', producedBy: 'page', maxSteps: 5 });",
    'console.log(tuned.checkpoint.length);',
  ].join('\n'));
  const inference = await bundleBrowserEntry({ entry: join(page, 'generate.js'), outfile: join(page, 'index.js') });
  const training = await bundleBrowserEntry({ entry: join(page, 'fine-tune.js'), outfile: join(page, 'fine-tune.bundle.js') });
  const standalone = readFileSync(join(installed, 'dist/posedyn.js'));
  Object.assign(sizes, {
    inferencePageBytes: inference.bytes, inferencePageGzipBytes: inference.gzipBytes,
    fineTunePageBytes: training.bytes, fineTunePageGzipBytes: training.gzipBytes,
    standaloneBytes: standalone.length, standaloneGzipBytes: gzipSync(standalone, { level: 9 }).length,
  });
  writeFileSync(join(OUTPUT, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  console.log(`inference-only page ${kib(inference.bytes)} minified, ${kib(inference.gzipBytes)} gzipped; ` +
    `page that also fine-tunes ${kib(training.bytes)}, ${kib(training.gzipBytes)}; ` +
    `standalone dist/posedyn.js ${kib(sizes.standaloneBytes!)}, ${kib(sizes.standaloneGzipBytes!)}`);
  // Texts only training code contains: Adam's kernel (written by adam-group.ts, which names itself in it) and class,
  // the OpenFace reader of the dataset builder.
  const inferenceText = readFileSync(join(page, 'index.js'), 'utf8');
  const trainingText = readFileSync(join(page, 'fine-tune.bundle.js'), 'utf8');
  for (const marker of ['core/kernels/adam-group.ts', 'Adam: no parameters to optimise', 'pose_Rx']) {
    assert.ok(trainingText.includes(marker), `the fine-tuning page lacks '${marker}': the marker says nothing`);
    assert.not.ok(inferenceText.includes(marker), `the inference-only page carries '${marker}'`);
  }
  assert.ok(inference.gzipBytes < 0.75 * training.gzipBytes, `inference page ${inference.gzipBytes} B gzipped is not well below the fine-tuning page's ${training.gzipBytes} B`);
});

interface SharedDeviceCheck { value: number; listeners: string[]; engineBuffers: number; left: number; deviceAlive: boolean }

/** A page that hands its own device to createBrowserEngine, watching the device's listeners and buffers. */
const SHARED_DEVICE_PAGE = `import { createBrowserEngine, mul, sum, tensor } from 'posedyn/web';
globalThis.sharedDeviceCheck = (async () => {
  const device = await (await navigator.gpu.requestAdapter()).requestDevice();
  const listeners = [];
  const addEventListener = device.addEventListener.bind(device);
  device.addEventListener = (type, ...rest) => (listeners.push(type), addEventListener(type, ...rest));
  Object.defineProperty(device, 'onuncapturederror', { get: () => null, set: () => listeners.push('onuncapturederror') });
  const lost = device.lost;
  Object.defineProperty(device, 'lost', { get: () => (listeners.push('lost'), lost) });
  const made = [];
  const destroyed = new Set();
  const createBuffer = device.createBuffer.bind(device);
  device.createBuffer = (descriptor) => {
    const buffer = createBuffer(descriptor);
    made.push(buffer);
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => (destroyed.add(buffer), destroy());
    return buffer;
  };
  const engine = await createBrowserEngine({ device });
  const x = tensor(engine, [1, 2, 3], [3]);
  const value = await sum(mul(x, x)).item();
  const engineBuffers = made.length;
  engine.dispose();
  const left = made.filter((b) => !destroyed.has(b)).length;
  const after = device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_DST, label: 'after dispose' });
  return { value, listeners, engineBuffers, left, deviceAlive: after.size === 16 };
})();
`;

if (!hasChromium) {
  test.skip(SKIP_MESSAGE, () => undefined);
} else {
  test("README's page example, bundled from posedyn/web, generates in Chromium the poses Node generates; a shared device stays the page's", async () => {
    const page = join(consumer, 'page');
    writeFileSync(join(page, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="index.js"></script></body></html>\n');
    const pretrained = join(installed, 'talking-head/pretrained');
    for (const name of ['posegan.safetensors', 'pgface.safetensors']) cpSync(join(pretrained, name), join(page, name));
    cpSync(join(consumer, 'speech.wav'), join(page, 'speech.wav'));
    writeFileSync(join(page, 'shared-entry.js'), SHARED_DEVICE_PAGE);
    await bundleBrowserEntry({ entry: join(page, 'shared-entry.js'), outfile: join(page, 'shared.js') });
    const server = await startServer([{ prefix: '/', dir: page }]);
    const chromium = await launchBrowser();
    try {
      const tab = await chromium.browser.newPage();
      const line = new Promise<string>((resolve) => tab.on('console', (m) => m.text().startsWith('generated ') && resolve(m.text())));
      tab.on('pageerror', (e) => chromium.log.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
      await tab.goto(server.url);
      const said = await Promise.race([line, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no result from the page in 120 s: ${chromium.log.join('\n')}`)), 120_000))]);
      const match = /^generated (\d+) frames; first pose (.+)$/.exec(said);
      assert.ok(match, said);
      assert.is(Number(match[1]), 120);
      const pagePose = match[2]!.split(' ').map(Number);
      pagePose.forEach((v, i) => assert.ok(Math.abs(v - nodePoses[i]!) <= 1.5e-3, `pose channel ${i}: page ${v}, Node ${nodePoses[i]}`));

      // The page's own device handed to createBrowserEngine: no listener added, every buffer freed, device alive.
      await tab.addScriptTag({ url: `${server.url}shared.js`, type: 'module' });
      await tab.waitForFunction(() => 'sharedDeviceCheck' in globalThis, { timeout: 30_000 });
      const shared = await tab.evaluate(() => (globalThis as unknown as { sharedDeviceCheck: Promise<SharedDeviceCheck> }).sharedDeviceCheck);
      assert.equal(shared, { value: 14, listeners: [], engineBuffers: shared.engineBuffers, left: 0, deviceAlive: true });
      assert.ok(shared.engineBuffers >= 3, `the engine made ${shared.engineBuffers} buffers`);
    } finally {
      await chromium.close();
      await server.close();
    }
  });
}

test('clean up the temporary install', () => {
  rmSync(work, { recursive: true, force: true });
});

test.run();
