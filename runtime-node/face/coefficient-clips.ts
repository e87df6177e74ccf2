// Clips with Deep3DFaceRecon coefficients and a video of the same frames (the styletalk samples: <stem>.mat and
// <stem>.wav in one folder, <stem>.mp4 in another), read and tracked for the face-model fit
// (talking-head/face/fitted/): the coefficients come from the .mat, the clip's dataset frames from the .mat and
// the .wav as `posedyn dataset build` counts them (reconcileFrames), the landmarks from `posedyn track`'s
// pipeline on the video.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { reconcileFrames, splitSegments } from '../../talking-head/data/build-dataset.ts';
import { VIDEO_SUFFIXES, assignIdentities, discoverClips, readClipInput } from '../../talking-head/data/clip-sources.ts';
import type { Split } from '../../talking-head/data/dataset-format.ts';
import { defaultFeatureConfig, deepSpeechFeatureConfig } from '../../talking-head/features/config.ts';
import { frameCount } from '../../talking-head/features/framing.ts';
import { defaultFaceModel } from '../../talking-head/face/default-face-model.ts';
import { type TrackedCoefficientClip, videoOffset } from '../../talking-head/face/fitted/tracked-coefficient-clips.ts';
import { LandmarkFaceFit } from '../../talking-head/tracking/landmark-face-fit.ts';
import { faceTrackToJson, parseFaceTrack } from '../../talking-head/tracking/track-format.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { pathExists } from '../files/path-exists.ts';
import { readFileBytes } from '../files/read-file.ts';
import { ChromiumFaceTracker } from '../tracking/chromium-tracker.ts';
import { countVideoFrames } from '../tracking/ffmpeg.ts';
import { TRACK_FILE } from '../tracking/track-command.ts';
import { describeTrackedVideo, trackVideoFile } from '../tracking/track-video.ts';

export interface CoefficientClip {
  readonly name: string;
  readonly identity: string;
  /** [rows, 144] */
  readonly coefficients: Float32Array;
  /** [rows, 6] Deep3DFaceRecon's poses of the same rows (angles radians, trans bfm) */
  readonly pose: Float64Array;
  readonly rows: number;
  /** the dataset's frames: the rows trimmed to the audio's length (reconcileFrames) */
  readonly frames: number;
}

/**
 * Video frames tracked before a split's first frame when only that split is tracked: MediaPipe finds the face by
 * detection in the first frame and follows it from its landmarks after, so its first frames can differ from
 * what the same frames get in the middle of a video; half a second lets it settle.
 */
export const WARM_UP_FRAMES = 15;

/** Every clip of `folder` with a .mat holding face coefficients and a .wav; identities as the dataset build names them. */
export async function readCoefficientClips(folder: string): Promise<CoefficientClip[]> {
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${folder}: ${error.code === 'ENOENT' ? 'folder not found' : error.message} (expected a folder of <stem>.mat + <stem>.wav clips)`, { cause: error });
  });
  const found = discoverClips(names).clips.filter((c) => c.pose.kind === 'deep3d-mat' && c.audio.kind === 'wav');
  if (found.length === 0) throw new Error(`${folder}: no clip with a Deep3DFaceRecon <stem>.mat and a <stem>.wav`);
  const identities = assignIdentities(found.map((c) => c.stem));
  const options = { sampleRate: defaultFeatureConfig.sampleRate, fps: defaultFeatureConfig.fps, precomputed: deepSpeechFeatureConfig };
  const clips: CoefficientClip[] = [];
  for (const files of found) {
    const input = await readClipInput(files, identities.get(files.stem)!, (file) => readFileBytes(join(folder, file)), options);
    if (!input.face) throw new Error(`${join(folder, files.pose.file)}: no face coefficients (expected 'coeff' N x 257, or 'id' and 'exp')`);
    if (input.audio.kind !== 'samples') throw new Error(`${join(folder, files.audio.file)}: expected speech samples`);
    const audioFrames = frameCount(input.audio.samples.length, defaultFeatureConfig);
    clips.push({
      name: files.stem, identity: input.identity, coefficients: input.face, pose: Float64Array.from(input.pose.values), rows: input.pose.frames,
      frames: reconcileFrames(files.stem, audioFrames, input.pose.frames),
    });
  }
  return clips;
}

export interface TrackClipsOptions {
  /** the folder of <stem>.mp4 (or another video suffix ffmpeg reads) */
  readonly videos: string;
  /**
   * A folder of whole-video tracks, <tracks>/<stem>/track.json as `posedyn track` writes them: read where present,
   * else tracked and written there. Without it, nothing is read or written.
   */
  readonly tracks?: string;
  /** track only this split's frames (and WARM_UP_FRAMES before them); never cached */
  readonly split?: Split;
  readonly log?: (line: string) => void;
  readonly progress?: boolean;
}

/** The video of clip `stem` in `videos` (<stem>.mp4 or another suffix ffmpeg reads). */
export async function clipVideoFile(videos: string, stem: string): Promise<string> {
  for (const suffix of VIDEO_SUFFIXES) {
    const file = join(videos, `${stem}${suffix}`);
    if (await pathExists(file)) return file;
  }
  throw new Error(`${videos}: no video of clip '${stem}' (expected ${stem}.mp4)`);
}

/** The clips with the landmarks of their videos (one Chromium for all, started only when a video needs tracking). */
export async function trackCoefficientClips(clips: readonly CoefficientClip[], options: TrackClipsOptions): Promise<TrackedCoefficientClip[]> {
  const log = options.log ?? (() => undefined);
  let tracker: ChromiumFaceTracker | null = null;
  const faceFit = new LandmarkFaceFit(defaultFaceModel());
  const out: TrackedCoefficientClip[] = [];
  try {
    for (const clip of clips) {
      const cached = options.tracks && !options.split ? join(options.tracks, clip.name, TRACK_FILE) : null;
      if (cached && (await pathExists(cached))) {
        const track = parseFaceTrack(new TextDecoder().decode(await readFileBytes(cached)), cached);
        if (track.fps !== defaultFeatureConfig.fps) throw new Error(`${cached}: tracked at ${track.fps} frames a second, expected ${defaultFeatureConfig.fps}`);
        out.push({ ...clip, offset: videoOffset(clip.name, track.frames, clip.rows), landmarks: track.landmarks, firstVideoFrame: 0 });
        log(`${clip.name}: ${track.frames} tracked frames read from ${cached}`);
        continue;
      }
      const file = await clipVideoFile(options.videos, clip.name);
      const offset = videoOffset(clip.name, await countVideoFrames(file), clip.rows);
      let range: { from: number; count: number } | undefined;
      if (options.split) {
        const [from, to] = splitSegments(clip.frames)[options.split];
        const first = Math.max(0, from + offset - WARM_UP_FRAMES);
        range = { from: first, count: to + offset - first };
      }
      tracker ??= await ChromiumFaceTracker.launch({ log });
      const video = await trackVideoFile(file, { tracker, faceFit, range, progress: options.progress });
      if (video.info.decodeFps !== defaultFeatureConfig.fps || video.info.fps !== defaultFeatureConfig.fps) {
        throw new Error(`${file}: a ${video.info.fps.toFixed(2)} frames/s video; coefficient rows are frames of a ${defaultFeatureConfig.fps} frames/s video`);
      }
      for (const line of describeTrackedVideo(video)) log(line);
      if (cached) {
        await mkdir(join(options.tracks!, clip.name), { recursive: true });
        await writeFileAtomic(cached, faceTrackToJson(video.track));
        log(`wrote ${cached}`);
      }
      out.push({ ...clip, offset, landmarks: video.track.landmarks, firstVideoFrame: range?.from ?? 0 });
    }
  } finally {
    await tracker?.close();
  }
  return out;
}
