// Node implementation of talking-head/data/dataset.ts DatasetFiles: paths relative to a dataset folder.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileBytes } from '../files/read-file.ts';
import { type Dataset, type DatasetFiles, loadDataset } from '../../talking-head/data/dataset.ts';

export function nodeDatasetFiles(folder: string): DatasetFiles {
  return {
    readBytes: (path) => readFileBytes(join(folder, path)),
    readText: async (path) => {
      const full = join(folder, path);
      try {
        return await readFile(full, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${full}: file not found (build the dataset with \`posedyn dataset build\`)`, { cause: error });
        throw new Error(`${full}: cannot read (${(error as Error).message})`, { cause: error });
      }
    },
  };
}

/** Loads the dataset a `posedyn dataset build --out <folder>` wrote. */
export function loadDatasetFolder(folder: string): Promise<Dataset> {
  return loadDataset(nodeDatasetFiles(folder));
}
