// Output paths checked before any work, so a command fails in its first second instead of after minutes of
// training with a raw EEXIST / ENOTDIR / EACCES: an output folder must be a folder (or not exist yet, below a
// folder) that this process can write in, which is probed by creating and removing a file there. Nothing is
// created by the checks. writeOutputFiles then writes a command's results so that a failure leaves nothing new.
import { mkdir, open, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathExists } from './path-exists.ts';
import { writeFileAtomic } from './atomic-write.ts';

/** Why a folder cannot be written in, in a person's words. */
function writeProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    case 'EDQUOT': return 'disk quota exceeded';
    default: return error.message;
  }
}

/** The nearest folder at or above `path` that exists; throws when a file stands where a folder must be. */
async function nearestExisting(path: string): Promise<{ folder: string; exists: boolean }> {
  const target = resolve(path);
  for (let at = target; ; at = dirname(at)) {
    // ENOTDIR: a file further up the path; the walk reaches it and says so.
    const info = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (info && !info.isDirectory()) throw new Error(at === target ? 'is a file, expected a folder' : `${at} is a file, so no folder can be made below it`);
    if (info) return { folder: at, exists: at === target };
    if (dirname(at) === at) throw new Error('no part of the path exists');
  }
}

/** Creates and removes a probe file in `folder`; throws the reason when that is not allowed. */
async function probeWrite(folder: string): Promise<void> {
  const probe = join(folder, `.posedyn-write-check.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (error) {
    throw new Error(`cannot write in ${folder} (${writeProblem(error as NodeJS.ErrnoException)})`, { cause: error });
  }
  await rm(probe, { force: true });
}

/**
 * Checks that `path` can be an output folder (named `flag` in messages): an existing folder this process can
 * write in, or a path that does not exist yet below one. Returns whether it exists already.
 */
export async function checkOutputFolder(path: string, flag: string): Promise<{ exists: boolean }> {
  try {
    const { folder, exists } = await nearestExisting(path);
    await probeWrite(folder);
    return { exists };
  } catch (error) {
    throw new Error(`${flag} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Checks that an output file can be written at `path` (its folder as checkOutputFolder; the path not a folder). */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) throw new Error(`${flag} ${path}: is a folder, expected a file name`);
  await checkOutputFolder(dirname(resolve(path)), flag);
}

/**
 * Writes a command's output files into `folder` (created when missing), each atomically. When one fails, the
 * files of this call that were new are removed again, and the folder when this call created it: a failed
 * command leaves nothing behind (files it replaced keep their new content; each is whole).
 */
export async function writeOutputFiles(folder: string, files: readonly { readonly name: string; readonly content: Uint8Array | string }[]): Promise<string[]> {
  const created = !(await pathExists(folder));
  await mkdir(folder, { recursive: true });
  const fresh: string[] = [];
  const written: string[] = [];
  try {
    for (const file of files) {
      const path = join(folder, file.name);
      if (!(await pathExists(path))) fresh.push(path);
      await writeFileAtomic(path, file.content);
      written.push(path);
    }
    return written;
  } catch (error) {
    for (const path of fresh) await rm(path, { force: true });
    if (created) await rmdir(folder).catch(() => undefined);
    throw error;
  }
}
