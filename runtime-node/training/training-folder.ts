// A training folder belongs to one run. `posedyn train` and `posedyn finetune` claim theirs before any work:
//   - the folder is checked for writability (files/output-folder.ts) and locked (files/folder-lock.ts), so a
//     second run into it is refused while the first lives;
//   - a folder that holds a run (last.safetensors, best.safetensors or log.jsonl) is only continued with
//     --resume or replaced with --overwrite; --resume without a last.safetensors is refused;
//   - temporary files left by interrupted atomic writes (.<name>.<pid>.<hex>.tmp) are removed;
//   - best and last are written last first: a last.safetensors whose epoch was the best holds exactly the best
//     parameters, so if a run died between the two writes, the claim of a resumed run rewrites best from last
//     (repairBest); when the epoch was not the best, best is not rewritten at all. So after any crash, --resume
//     leaves the two consistent;
//   - a new run that fails before saving its first checkpoint removes what it wrote (and the folder when it
//     made it): a failed command leaves nothing behind.
import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { type FolderLock, lockFolder } from '../files/folder-lock.ts';
import { checkOutputFolder } from '../files/output-folder.ts';
import { pathExists } from '../files/path-exists.ts';
import { readFileBytes } from '../files/read-file.ts';

export const RUN_FILES = { last: 'last.safetensors', best: 'best.safetensors', log: 'log.jsonl', curves: 'loss.png' } as const;

/** The temporary files writeFileAtomic (files/atomic-write.ts) makes: .<name>.<pid>.<8 hex>.tmp */
const TEMP_FILE = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

export interface ClaimOptions {
  /** continue the run the folder holds */
  readonly resume: boolean;
  /** replace the run the folder holds */
  readonly overwrite: boolean;
  /** the command, recorded in the lock */
  readonly command: string;
  readonly log: (line: string) => void;
}

export class TrainingFolder {
  readonly path: string;
  /** last.safetensors when resuming */
  readonly last: Checkpoint | null;
  readonly #lock: FolderLock;
  readonly #created: boolean;
  /** files and folders this run made that a failure before the first checkpoint removes again */
  readonly #made: string[] = [];
  #saved = false;

  constructor(path: string, last: Checkpoint | null, lock: FolderLock, created: boolean) {
    this.path = path;
    this.last = last;
    this.#lock = lock;
    this.#created = created;
  }

  file(name: keyof typeof RUN_FILES): string {
    return join(this.path, RUN_FILES[name]);
  }

  /** Registers something this run creates inside the folder (e.g. finetune's dataset/), removed if the run fails early. */
  async made(path: string): Promise<void> {
    if (!(await pathExists(path))) this.#made.push(path);
  }

  /** Called once a checkpoint is on disk: from then on a failure keeps the folder (it can be resumed). */
  saved(): void {
    this.#saved = true;
  }

  /**
   * Makes best.safetensors agree with last.safetensors when a run died between the two writes: when last's
   * epoch was the best, best must hold last's parameters and epoch. Returns what it repaired, or null.
   */
  async repairBest(): Promise<string | null> {
    const last = this.last;
    if (!last) return null;
    const { epoch, bestEpoch } = last.meta.training;
    if (bestEpoch !== epoch) return null;
    const bestPath = this.file('best');
    const best = (await pathExists(bestPath)) ? decodeCheckpoint(await readFileBytes(bestPath), bestPath).meta.training.epoch : null;
    if (best === epoch) return null;
    const tensors = new Map([...last.tensors].filter(([name]) => !name.startsWith('optimizer.')));
    await writeFileAtomic(bestPath, encodeCheckpoint({ meta: last.meta, tensors }));
    return `repaired ${bestPath}: it held ${best === null ? 'nothing' : `epoch ${best}`}, but epoch ${epoch} (last.safetensors) is the best; the previous run stopped between the two checkpoint writes`;
  }

  /** The run ended (trained, or failed after saving): the lock goes. */
  async release(): Promise<void> {
    await this.#lock.release();
  }

  /** The run failed: a new run that saved nothing removes what it made; the lock goes. */
  async abandon(): Promise<void> {
    if (!this.#saved && !this.last) {
      for (const path of this.#made.reverse()) await rm(path, { recursive: true, force: true });
    }
    await this.#lock.release();
    if (!this.#saved && !this.last && this.#created) await rmdir(this.path).catch(() => undefined);
  }

  /** A training run's first record in a fresh folder (registered so that an early failure removes it). */
  async createRunFiles(): Promise<void> {
    for (const name of [RUN_FILES.log, RUN_FILES.curves]) await this.made(join(this.path, name));
  }
}

/** Describes the run a folder holds, from its last checkpoint when readable. */
async function describeRun(folder: string, present: readonly string[]): Promise<string> {
  const last = join(folder, RUN_FILES.last);
  if (!present.includes(RUN_FILES.last)) return present.join(', ');
  try {
    const t = decodeCheckpoint(await readFileBytes(last), last).meta.training;
    const best = t.bestValidation === null ? '' : `, best validation ${t.bestValidation.toPrecision(4)}${typeof t.bestEpoch === 'number' ? ` at epoch ${t.bestEpoch}` : ''}`;
    return `${present.join(', ')}; last.safetensors after epoch ${t.epoch}${best}`;
  } catch (error) {
    return `${present.join(', ')}; last.safetensors is unreadable: ${(error as Error).message}`;
  }
}

/**
 * Claims `path` for a training run (see the header): checks, locks, cleans leftovers, applies --resume or
 * --overwrite. Throws before any work when the folder cannot be used; the lock is then not held.
 */
export async function claimTrainingFolder(path: string, options: ClaimOptions): Promise<TrainingFolder> {
  if (options.resume && options.overwrite) throw new Error('--resume and --overwrite: choose one (continue the run in the folder, or replace it)');
  const { exists } = await checkOutputFolder(path, '--out');
  await mkdir(path, { recursive: true });
  const lock = await lockFolder(path, options.command, options.log);
  try {
    const entries = await readdir(path);
    const leftovers = entries.filter((name) => TEMP_FILE.test(name));
    for (const name of leftovers) await rm(join(path, name), { force: true });
    if (leftovers.length > 0) options.log(`${path}: removed ${leftovers.length} temporary file(s) left by an interrupted write (${leftovers.join(', ')})`);
    const present = Object.values(RUN_FILES).filter((name) => entries.includes(name));
    const holdsRun = present.some((name) => name !== RUN_FILES.curves);
    let last: Checkpoint | null = null;
    if (options.resume) {
      const lastPath = join(path, RUN_FILES.last);
      if (!present.includes(RUN_FILES.last)) {
        throw new Error(`--resume: ${lastPath} is not there, so ${path} holds no run to resume${present.length ? ` (it has ${present.join(', ')})` : ''}; leave out --resume to start one`);
      }
      last = decodeCheckpoint(await readFileBytes(lastPath), lastPath);
    } else if (holdsRun && !options.overwrite) {
      throw new Error(`${path} holds a training run (${await describeRun(path, present)}); pass --resume to continue it, or --overwrite to replace it`);
    } else if (holdsRun) {
      for (const name of present) await rm(join(path, name), { force: true });
      options.log(`--overwrite: removed the previous run's ${present.join(', ')} from ${path}`);
    }
    return new TrainingFolder(path, last, lock, !exists);
  } catch (error) {
    await lock.release();
    if (!exists) await rmdir(path).catch(() => undefined);
    throw error;
  }
}
