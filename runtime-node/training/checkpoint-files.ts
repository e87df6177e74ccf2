// Reading checkpoint files from disk; writing is talking-head/workflows/checkpoint-writer.ts's bytes put down
// atomically (files/atomic-write.ts).
import { type Checkpoint, decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { readFileBytes } from '../files/read-file.ts';

export async function readCheckpointFile(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(await readFileBytes(path), path);
}
