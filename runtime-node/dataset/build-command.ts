// `posedyn dataset build`: a folder of clips -> a dataset folder (dataset.json + clips/<name>.safetensors).
// Reads files here, decodes and builds in talking-head/data/, writes every file atomically, dataset.json last, so a
// reader never sees a manifest whose clip files are missing or half written. Talking-head videos in the folder
// are tracked as `posedyn track` tracks them (runtime-node/tracking/): one Chromium for all of them, started only
// when the folder has a video.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../../core/engine.ts';
import { buildDataset, clipFileBytes } from '../../talking-head/data/build-dataset.ts';
import { IDENTITY_MANIFEST, assignIdentities, discoverClips, parseIdentityManifest, readClipInput } from '../../talking-head/data/clip-sources.ts';
import { type DatasetManifest, datasetManifestToJson, datasetSummaryTable } from '../../talking-head/data/dataset-format.ts';
import { defaultFeatureConfig, deepSpeechFeatureConfig } from '../../talking-head/features/config.ts';
import { REPRODUCIBLE_KERNELS, createNodeEngine } from '../device.ts';
import { stderrLog } from '../cli/stderr-log.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { checkOutputFolder } from '../files/output-folder.ts';
import { readFileBytes } from '../files/read-file.ts';
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import { LandmarkFaceFit } from '../../talking-head/tracking/landmark-face-fit.ts';
import { ChromiumFaceTracker } from '../tracking/chromium-tracker.ts';
import { describeTrackedVideo, trackVideoFile } from '../tracking/track-video.ts';

export interface DatasetBuildOptions {
  /** the folder of clips */
  readonly data: string;
  /** the dataset folder to write */
  readonly out: string;
  /** Eq. (1) sigma in frames and half-window; defaults in talking-head/data/build-dataset.ts */
  readonly sigma?: number;
  readonly halfWindow?: number;
  /** an engine to reuse (tests); by default one is created */
  readonly engine?: Engine;
  /** where progress lines go; default stdout */
  readonly log?: (line: string) => void;
  /** a progress bar while a video is tracked (default true; shown on a terminal only) */
  readonly progress?: boolean;
}

export interface DatasetBuildReport {
  readonly manifest: DatasetManifest;
  readonly summary: string;
  /** wall-clock seconds of each stage (reading includes decoding and creating the GPU device) */
  readonly seconds: { readonly read: number; readonly build: number; readonly write: number };
}

async function listFolder(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    // Symbolic links count as the files they point to (a folder of links to clips elsewhere).
    const isFile = async (e: (typeof entries)[number]) => e.isFile() || (e.isSymbolicLink() && (await stat(join(folder, e.name)).then((s) => s.isFile(), () => false)));
    const files = await Promise.all(entries.map(async (e) => ((await isFile(e)) ? e.name : null)));
    return files.filter((name): name is string => name !== null);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${folder}: folder not found (pass the clip folder with --data)`, { cause: error });
    throw new Error(`${folder}: cannot list (${(error as Error).message})`, { cause: error });
  }
}

export async function runDatasetBuild(options: DatasetBuildOptions): Promise<DatasetBuildReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = performance.now();
  await checkOutputFolder(options.out, '--out');
  const names = await listFolder(options.data);
  const { clips: found, skipped } = discoverClips(names);
  for (const { file, reason } of skipped) log(`skipped ${join(options.data, file)}: ${reason}`);
  if (found.length === 0) {
    throw new Error(`${options.data}: no clips found (a clip is <stem>.wav or <stem>.features.npy with <stem>.mat or <stem>.csv, or a talking-head video <stem>.mp4 with sound)`);
  }
  const manifestPath = join(options.data, IDENTITY_MANIFEST);
  const identityManifest = names.includes(IDENTITY_MANIFEST)
    ? parseIdentityManifest(new TextDecoder().decode(await readFileBytes(manifestPath)), manifestPath)
    : undefined;
  const identities = assignIdentities(found.map((c) => c.stem), identityManifest, manifestPath);
  let tracker: { tracker: ChromiumFaceTracker; faceFit: LandmarkFaceFit } | null = null;
  const trackVideo = async (file: string) => {
    tracker ??= { tracker: await ChromiumFaceTracker.launch({ log }), faceFit: new LandmarkFaceFit(defaultFaceModel()) };
    const video = await trackVideoFile(join(options.data, file), { ...tracker, progress: options.progress ?? true });
    for (const line of describeTrackedVideo(video)) log(line);
    return video;
  };
  const decodeOptions = { sampleRate: defaultFeatureConfig.sampleRate, fps: defaultFeatureConfig.fps, precomputed: deepSpeechFeatureConfig, trackVideo };
  const inputs = [];
  try {
    for (const files of found) {
      inputs.push(await readClipInput(files, identities.get(files.stem)!, (file) => readFileBytes(join(options.data, file)), decodeOptions));
    }
  } finally {
    await (tracker as { tracker: ChromiumFaceTracker } | null)?.tracker.close();
  }
  const engine = options.engine ?? await createNodeEngine({ log: stderrLog, ...REPRODUCIBLE_KERNELS });
  const read = performance.now();
  const built = await buildDataset(engine, inputs, { sigma: options.sigma, halfWindow: options.halfWindow });
  const builtAt = performance.now();
  for (const note of built.notes) log(note);

  await mkdir(join(options.out, 'clips'), { recursive: true });
  for (const clip of built.clips) await writeFileAtomic(join(options.out, 'clips', `${clip.name}.safetensors`), clipFileBytes(clip));
  await writeFileAtomic(join(options.out, 'dataset.json'), datasetManifestToJson(built.manifest));
  const written = performance.now();

  const summary = datasetSummaryTable(built.manifest);
  const seconds = { read: (read - started) / 1000, build: (builtAt - read) / 1000, write: (written - builtAt) / 1000 };
  log(summary);
  log(
    `wrote ${join(options.out, 'dataset.json')} and ${built.clips.length} clip files; ` +
      `read ${seconds.read.toFixed(2)} s, build ${seconds.build.toFixed(2)} s (GPU features + smoothing), write ${seconds.write.toFixed(2)} s`,
  );
  return { manifest: built.manifest, summary, seconds };
}
