import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runtime-node/files/atomic-write.ts';
import { readFileBytes } from '../../runtime-node/files/read-file.ts';
import { tempFolder } from './sox.ts';

const tmp = tempFolder('files');
test.after(tmp.dispose);

test('readFileBytes returns the bytes, and names the path when the file is missing or a folder', async () => {
  const path = join(tmp.path, 'a.bin');
  writeFileSync(path, Uint8Array.of(1, 2, 3));
  assert.equal([...await readFileBytes(path)], [1, 2, 3]);
  const missing = join(tmp.path, 'nope.wav');
  await readFileBytes(missing).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, `${missing}: file not found`));
  await readFileBytes(tmp.path).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, `${tmp.path}: is a directory, expected a file`));
});

test('writeFileAtomic replaces the content (bytes or text) and leaves no temporary file', async () => {
  const path = join(tmp.path, 'model.safetensors');
  await writeFileAtomic(path, 'old');
  await writeFileAtomic(path, Uint8Array.of(9, 8, 7));
  assert.equal([...readFileSync(path)], [9, 8, 7]);
  assert.equal(readdirSync(tmp.path).filter((f) => f.includes('.tmp')), []);
});

test('writeFileAtomic failing (target is a folder) keeps the old content, removes the temp file and names the path', async () => {
  const folder = join(tmp.path, 'busy');
  mkdirSync(join(folder, 'target'), { recursive: true });
  writeFileSync(join(folder, 'target', 'inside.txt'), 'keep me');
  await writeFileAtomic(join(folder, 'target'), 'new').then(() => assert.unreachable(), (e: Error) => {
    assert.match(e.message, `${join(folder, 'target')}: atomic write failed`);
  });
  assert.is(readFileSync(join(folder, 'target', 'inside.txt'), 'utf8'), 'keep me');
  assert.equal(readdirSync(folder), ['target']);
});

test('writeFileAtomic into a read-only folder fails without touching the old file', async () => {
  if (process.getuid?.() === 0) {
    console.log('  skipped: read-only folder check: running as root, which ignores folder permissions');
    return;
  }
  const folder = join(tmp.path, 'locked');
  mkdirSync(folder);
  writeFileSync(join(folder, 'f.txt'), 'old');
  chmodSync(folder, 0o555);
  try {
    await writeFileAtomic(join(folder, 'f.txt'), 'new').then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /atomic write failed/));
    assert.is(readFileSync(join(folder, 'f.txt'), 'utf8'), 'old');
  } finally {
    chmodSync(folder, 0o755);
  }
});

test.run();
