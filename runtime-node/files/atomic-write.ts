// Writes a file so that readers see either the old content or the complete new content, never a torn write:
// write a temporary file in the same folder (same file system, so rename is atomic), fsync it, rename it over
// the target, then fsync the folder so the rename itself survives a crash (POSIX; skipped where unsupported).
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export async function writeFileAtomic(path: string, content: Uint8Array | string): Promise<void> {
  const folder = dirname(path);
  const temp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new Error(`${path}: atomic write failed (${(error as Error).message}); the previous file is unchanged`, { cause: error });
  }
  await syncFolder(folder);
}

async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Folders cannot be opened or fsynced on some platforms (Windows); the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}
