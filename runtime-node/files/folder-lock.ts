// A lock file that gives one process a folder: `<folder>/.posedyn.lock`, created exclusively ('wx'), holding the
// owner's pid, host, start time and command as JSON. A second process finds it and is refused, naming the owner.
// A lock whose pid no longer runs on this host is stale (a run killed with SIGKILL or Ctrl-C): it is reported and
// taken over. The lock goes when released, or at the owner's exit.
import { readFile, rename, rm } from 'node:fs/promises';
import { openSync, closeSync, writeSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.posedyn.lock';

interface LockRecord {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly command: string;
}

export interface FolderLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Whether `pid` runs on this machine (signal 0 only checks; EPERM means it runs as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readRecord(path: string): Promise<LockRecord | null> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as Partial<LockRecord>;
    return typeof record.pid === 'number' ? (record as LockRecord) : null;
  } catch {
    return null;
  }
}

/** Creates the lock file exclusively; false when it exists already. */
function tryCreate(path: string, record: LockRecord): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes `folder` (which must exist) for this process, `command` saying what for. Throws when another running
 * process holds it; a stale lock is removed and reported through `log`.
 */
export async function lockFolder(folder: string, command: string, log: (line: string) => void): Promise<FolderLock> {
  const path = join(folder, LOCK_FILE);
  const record: LockRecord = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  for (let attempt = 0; !tryCreate(path, record); attempt++) {
    const owner = await readRecord(path);
    const who = owner ? `pid ${owner.pid} on ${owner.host}, started ${owner.started}: ${owner.command}` : 'an unreadable lock';
    const stale = owner !== null && owner.host === record.host && !running(owner.pid);
    if (!stale || attempt > 0) {
      throw new Error(`${folder} is in use by another posedyn run (${who}); wait for it to finish or stop it. If no such run is active, remove ${path}`);
    }
    // Moved aside rather than deleted: two processes taking over the same stale lock at once cannot both
    // succeed, and one that moved a live lock (created meanwhile by the other) puts it back and gives way.
    const aside = `${path}.${process.pid}.stale`;
    if (!(await rename(path, aside).then(() => true, () => false))) continue;
    const moved = await readRecord(aside);
    if (moved && moved.pid !== owner.pid && running(moved.pid)) {
      await rename(aside, path);
      throw new Error(`${folder} is in use by another posedyn run (pid ${moved.pid}: ${moved.command}); wait for it to finish or stop it`);
    }
    await rm(aside, { force: true });
    log(`${folder}: removed a stale lock (${who}; that process is no longer running)`);
  }
  // A process that exits without releasing (an uncaught error, process.exit) still leaves the folder free.
  const onExit = () => {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return {
    path,
    release: async () => {
      process.removeListener('exit', onExit);
      const owner = await readRecord(path);
      if (owner?.pid === process.pid) await rm(path, { force: true });
    },
  };
}
