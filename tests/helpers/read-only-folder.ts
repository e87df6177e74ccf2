// A folder this process cannot write in, for the tests of read-only outputs: chmod 0555 as a normal user; as
// root (which ignores permissions) a read-only bind mount of the folder onto itself. null where neither works
// (root without mount rights): the caller skips, saying so.
import { spawnSync } from 'node:child_process';
import { chmod } from 'node:fs/promises';

export interface ReadOnlyFolder {
  release(): Promise<void>;
}

export async function makeReadOnly(folder: string): Promise<ReadOnlyFolder | null> {
  if (process.getuid?.() !== 0) {
    await chmod(folder, 0o555);
    return { release: () => chmod(folder, 0o755) };
  }
  const mount = (...args: string[]) => spawnSync('mount', args, { encoding: 'utf8' }).status === 0;
  if (!mount('--bind', folder, folder)) return null;
  if (!mount('-o', 'remount,bind,ro', folder)) {
    spawnSync('umount', [folder]);
    return null;
  }
  return { release: async () => void spawnSync('umount', [folder]) };
}
