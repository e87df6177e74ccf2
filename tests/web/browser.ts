// Shared by the web tests: Chromium with WebGPU (SwiftShader when headless), pages served from 127.0.0.1 by the
// same server as `posedyn serve`, page bundles built with the same esbuild settings as the public bundle, and
// the output folder for screenshots.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { bundleBrowserEntry, root } from '../../runtime-web/build.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT = join(root, 'tests/output/web');
export const hasChromium = existsSync(CHROMIUM);
export const SKIP_MESSAGE = `${CHROMIUM} is missing: browser tests skipped (./setup.sh installs Chromium)`;

/** WebGPU in headless Chromium on Linux: Vulkan on (SwiftShader without a GPU), nothing that reaches the network. */
const ARGS = [
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--headless=new', '--no-sandbox', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--autoplay-policy=no-user-gesture-required',
];

export interface TestBrowser {
  readonly browser: Browser;
  /** console errors and uncaught page errors seen so far, for failure messages */
  readonly log: string[];
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** `extraArgs`: more Chromium flags, e.g. a fake camera for getUserMedia. */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'posedyn-chromium-'));
  // Pages' download links (the demo's video and GLB) save nothing: tests read the files from the page instead.
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs, `--user-data-dir=${profile}`], headless: true, downloadBehavior: { policy: 'deny' } });
  const log: string[] = [];
  return {
    browser,
    log,
    async open(url) {
      const page = await browser.newPage();
      page.setDefaultTimeout(120_000);
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warn') log.push(`console.${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => log.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
      await page.goto(url);
      return page;
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Bundles a test page's entry into OUTPUT/<name>/ next to an index.html that loads it; returns the folder. */
export async function buildTestPage(name: string, entry: string): Promise<string> {
  const dir = join(OUTPUT, name);
  mkdirSync(dir, { recursive: true });
  await bundleBrowserEntry({ entry, outfile: join(dir, 'page.js'), minify: false });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="page.js"></script></body></html>\n`);
  return dir;
}
