// `npm run docs` (typedoc, typedoc.json) writes the API reference from the types: a page for each package entry
// and namespace, and pages for what the README's examples use. Run here into a temporary folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('typedoc documents the four entries, the namespaces and the classes and functions the examples use', () => {
  const out = mkdtempSync(join(tmpdir(), 'posedyn-docs-'));
  try {
    const run = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    assert.is(run.status, 0, `typedoc failed:\n${run.stdout}\n${run.stderr}`);
    // The usual one: a doc comment that starts `/** [frames, 6]: ...` is a markdown link definition to typedoc, and
    // its text vanishes from the reference; write `/** Shape \`[frames, 6]\`: ...` instead.
    assert.not.match(run.stdout + run.stderr, /\[warning\]/, `typedoc warned (a comment starting with [shape]: reads as a link definition; write Shape \`[...]\`:):\n${run.stdout}${run.stderr}`);
    const pages = [
      'modules/posedyn.html', 'modules/posedyn_talking-head.html', 'modules/posedyn_node.html', 'modules/posedyn_web.html',
      'modules/posedyn_talking-head.workflows.html', 'modules/posedyn_talking-head.training.html', 'modules/posedyn_talking-head.formats.html',
      'classes/posedyn.Engine.html', 'classes/posedyn.Tensor.html', 'classes/posedyn.Adam.html',
      'functions/posedyn_web.createBrowserEngine.html', 'functions/posedyn_node.createNodeEngine.html',
      'functions/posedyn_talking-head.generateTalkingHead.html', 'functions/posedyn_talking-head.loadPoseGan.html',
    ];
    const missing = pages.filter((p) => !existsSync(join(out, p)));
    assert.equal(missing, [], `pages missing from the reference: ${missing.join(', ')}`);
    const engine = readFileSync(join(out, 'classes/posedyn.Engine.html'), 'utf8');
    for (const member of ['dispose', 'tidy', 'ownsDevice']) assert.ok(engine.includes(member), `Engine's page does not document ${member}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test.run();
