// Every WGSL kernel in kernels/ compiles, and every compute entry point builds its pipeline, on Chromium's WebGPU
// (SwiftShader when headless: 10 storage buffers a stage, 256 invocations a workgroup, no shader-f16). A failure
// names the file, the entry point and the adapter's message.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root } from '../../runtime-web/build.mjs';
import { startServer } from '../../runtime-node/serve/server.ts';
import { SKIP_MESSAGE, buildTestPage, hasChromium, launchBrowser } from './browser.ts';
import type { EntryResult, KernelSourceFile } from './kernels-page.ts';

declare const posedynKernels: {
  adapter: string;
  limits: { storageBuffers: number; invocations: number };
  compile(sources: KernelSourceFile[]): Promise<EntryResult[]>;
};

if (!hasChromium) {
  test.skip(SKIP_MESSAGE, () => undefined);
} else {
  test('every WGSL kernel compiles and builds its compute pipelines in Chromium', async () => {
    const dir = await buildTestPage('kernels', join(root, 'tests/web/kernels-page.ts'));
    const server = await startServer([{ prefix: '/', dir }]);
    const chromium = await launchBrowser();
    try {
      const page = await chromium.open(server.url);
      await page.waitForFunction(() => 'posedynKernels' in globalThis, { timeout: 60_000 });
      const sources = ['core/kernels', 'talking-head/kernels', 'talking-head/render'].flatMap((folder) =>
        readdirSync(join(root, folder)).filter((f) => f.endsWith('.wgsl')).sort()
          .map((f) => ({ file: `${folder}/${f}`, code: readFileSync(join(root, folder, f), 'utf8') })));
      const results = await page.evaluate((s) => posedynKernels.compile(s), sources);
      const { adapter, limits } = await page.evaluate(() => ({ adapter: posedynKernels.adapter, limits: posedynKernels.limits }));
      console.log(`  ${adapter}: ${results.length} entry points in ${sources.length} files (${limits.storageBuffers} storage buffers a stage, ${limits.invocations} invocations a workgroup)`);
      const failed = results.filter((r) => r.error !== null);
      assert.ok(results.length > sources.length, 'entry points were found');
      assert.equal(failed, [], `kernels that fail:\n${failed.map((r) => `  ${r.file} ${r.entry}: ${r.error}`).join('\n')}`);
    } finally {
      await chromium.close();
      await server.close();
    }
  });
}

test.run();
