// A person's clips as files (bytes, e.g. dropped on a page) -> the dataset a fine-tune trains on:
//   files -> clips (talking-head/data/clip-sources.ts: <stem>.wav with <stem>.mat or <stem>.csv, or a talking-head
//   video tracked by the runtime's `trackVideo`, an optional identities manifest) -> decoded clip inputs ->
//   per-clip features, Eq. (1)-smoothed poses, the 7:1:2 split and windows (talking-head/data/build-dataset.ts,
//   as `posedyn dataset build` writes them).
import type { Engine } from '../../core/engine.ts';
import { type ClipInput, buildDataset } from '../data/build-dataset.ts';
import { IDENTITY_MANIFEST, type TrackedVideoClip, assignIdentities, discoverClips, parseIdentityManifest, readClipInput } from '../data/clip-sources.ts';
import { Dataset } from '../data/dataset.ts';
import { type AudioFeatureConfig, deepSpeechFeatureConfig } from '../features/config.ts';

export interface ClipFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** How the runtime tracks a video file among the files (bytes and name in). */
export type TrackVideoFile = (file: ClipFile) => Promise<TrackedVideoClip>;

/** Groups files into clips and decodes them; files that form no clip are listed with the reason. */
export async function clipInputsFromFiles(files: readonly ClipFile[], fps: number, sampleRate: number, trackVideo?: TrackVideoFile): Promise<{ inputs: ClipInput[]; skipped: string[] }> {
  const byName = new Map(files.map((f) => [f.name, f.bytes]));
  const discovery = discoverClips([...byName.keys()]);
  const skipped = discovery.skipped.map((s) => `${s.file}: ${s.reason}`);
  if (discovery.clips.length === 0) {
    throw new RangeError(
      `no clip among ${files.map((f) => f.name).join(', ')}: a clip is <name>.wav with <name>.mat (Deep3DFaceRecon coefficients) ` +
        `or <name>.csv (OpenFace 2.x), or a talking-head video with sound${skipped.length ? ` (${skipped.join('; ')})` : ''}`,
    );
  }
  const manifestBytes = byName.get(IDENTITY_MANIFEST);
  const manifest = manifestBytes ? parseIdentityManifest(new TextDecoder().decode(manifestBytes), IDENTITY_MANIFEST) : undefined;
  const identities = assignIdentities(discovery.clips.map((c) => c.stem), manifest);
  const inputs: ClipInput[] = [];
  for (const clip of discovery.clips) {
    inputs.push(await readClipInput(clip, identities.get(clip.stem)!, async (file) => byName.get(file)!, {
      sampleRate, fps, precomputed: deepSpeechFeatureConfig, trackVideo: trackVideo && ((file) => trackVideo({ name: file, bytes: byName.get(file)! })),
    }));
  }
  return { inputs, skipped };
}

/**
 * The dataset of a person's clip files, with the audio front end a checkpoint was trained on and its window
 * length; `skipped` lists files that form no clip.
 */
export async function personDatasetFromFiles(engine: Engine, files: readonly ClipFile[], featureConfig: AudioFeatureConfig, windowLength: number, trackVideo?: TrackVideoFile): Promise<{ dataset: Dataset; skipped: string[] }> {
  const sampleRate = featureConfig.frontEnd === 'logmel-pitch-v1' ? featureConfig.sampleRate : 16000;
  const { inputs, skipped } = await clipInputsFromFiles(files, featureConfig.fps, sampleRate, trackVideo);
  const built = await buildDataset(engine, inputs, {
    ...(featureConfig.frontEnd === 'logmel-pitch-v1' ? { featureConfig } : { precomputedConfig: featureConfig }),
    windowLength,
  });
  return { dataset: new Dataset(built.manifest, built.clips), skipped };
}
