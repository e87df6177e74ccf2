import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveFile, startServer } from '../../runtime-node/serve/server.ts';
import { removeFolders, tempFolder } from '../data/synthetic-clips.ts';

const root = await tempFolder('serve');
const site = join(root, 'site');
await mkdir(join(site, 'sub'), { recursive: true });
await writeFile(join(root, 'secret.txt'), 'outside the mount');
await mkdir(join(root, 'private'));
await writeFile(join(root, 'private', 'key.txt'), 'outside too');
await writeFile(join(site, 'index.html'), '<p>hello</p>');
await writeFile(join(site, 'sub', 'inner.txt'), 'inside');
await writeFile(join(site, 'big.bin'), new Uint8Array(8 << 20));
await symlink(join(root, 'secret.txt'), join(site, 'link-out.txt'));
await symlink(join(root, 'private'), join(site, 'dir-out'));
await symlink(join(site, 'sub', 'inner.txt'), join(site, 'link-in.txt'));
const mounts = [{ prefix: '/', dir: site }];
const server = await startServer(mounts, 0);

function fetchPath(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((done, fail) => {
    const r = request(`${server.url}${path.replace(/^\//, '')}`, { method }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
    });
    r.on('error', fail);
    r.end();
  });
}

test('symbolic links that lead out of a mount are refused; links inside it are served', async () => {
  assert.is(resolveFile(mounts, '/link-out.txt'), null);
  assert.is(resolveFile(mounts, '/dir-out/key.txt'), null);
  assert.is((await fetchPath('/link-out.txt')).status, 404);
  assert.is((await fetchPath('/dir-out/key.txt')).status, 404);
  const inside = await fetchPath('/link-in.txt');
  assert.is(inside.status, 200);
  assert.is(inside.body, 'inside');
  assert.is((await fetchPath('/')).body, '<p>hello</p>');
  assert.is((await fetchPath('/../secret.txt')).status, 404);
});

test('methods other than GET and HEAD get 405 with an Allow header', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const r = await fetchPath('/index.html', method);
    assert.is(r.status, 405, method);
    assert.is(r.headers.allow, 'GET, HEAD');
  }
  const head = await fetchPath('/index.html', 'HEAD');
  assert.is(head.status, 200);
  assert.is(head.headers['content-length'], '12');
});

test('400 downloads aborted after their first bytes leave no file open', async () => {
  if (!existsSync('/proc/self/fd')) {
    console.log('  skipped: open file count: no /proc/self/fd on this platform');
    return;
  }
  const open = async () => (await readdir('/proc/self/fd')).length;
  const before = await open();
  for (let i = 0; i < 400; i++) {
    await new Promise<void>((done) => {
      const r = request(`${server.url}big.bin`, (res) => res.once('data', () => r.destroy()));
      r.on('close', () => done());
      r.on('error', () => undefined);
      r.end();
    });
  }
  let after = await open();
  for (let waited = 0; after > before + 2 && waited < 2000; waited += 50) {
    await new Promise((done) => setTimeout(done, 50));
    after = await open();
  }
  console.log(`  open file descriptors: ${before} before, ${after} after 400 aborted downloads`);
  assert.ok(after <= before + 2, `open fds went from ${before} to ${after}`);
});

test.after(async () => {
  await server.close();
  await removeFolders(root);
});

test.run();
