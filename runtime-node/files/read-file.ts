// Reads a whole file as bytes for the runtime-agnostic parsers in talking-head/formats/, with errors that name the path.
import { readFile } from 'node:fs/promises';

/** The file's bytes; throws "<path>: file not found" / "<path>: cannot read (...)" instead of a bare ENOENT. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${path}: file not found`, { cause: error });
    if (code === 'EISDIR') throw new Error(`${path}: is a directory, expected a file`, { cause: error });
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`${path}: permission denied`, { cause: error });
    throw new Error(`${path}: cannot read (${(error as Error).message})`, { cause: error });
  }
}
