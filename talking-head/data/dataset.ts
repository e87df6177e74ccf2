// The dataset in memory, and the batches the trainers read from it.
//
// A Dataset holds every clip's arrays twice: as stored (raw units) and normalised with the train-split
// statistics of dataset.json, (x - mean) / max(std, STD_FLOOR) per channel. Batches are plain typed arrays
// in the layouts the networks take; uploading them is the trainer's job.
//
// Audio windows follow talking-head/features (config.ts `context`, `contextCentre`): frame i sees frames
// i - contextCentre .. i + context - 1 - contextCentre of its whole clip (with the defaults 16 and 8: i - 8 ..
// i + 7, frame i in column 8), taken across split boundaries (audio is input, not target), and zero outside the
// clip. The zeros are in normalised units, i.e. the train mean of each feature.
import { parseSafetensors, safetensorsTensor } from '../../core/formats/safetensors.ts';
import type { BuiltDataset } from './build-dataset.ts';
import {
  type ChannelStats, type ClipEntry, type DatasetManifest, type FrameRange, type Split, type WindowRef,
  FACE_CHANNELS, POSE_CHANNELS, STD_FLOOR, parseDatasetManifest,
} from './dataset-format.ts';

/** How a Dataset reads its folder; paths are relative to the dataset folder ('dataset.json', 'clips/x.safetensors'). */
export interface DatasetFiles {
  readText(path: string): Promise<string>;
  readBytes(path: string): Promise<Uint8Array>;
}

/** One frame of one clip: [clipIndex, frame]. */
export type FrameRef = readonly [clipIndex: number, frame: number];

export interface DatasetClip {
  readonly index: number;
  readonly entry: ClipEntry;
  /** index into manifest.identities */
  readonly identityIndex: number;
  readonly frames: number;
  /** raw units, row-major: features [frames, F], pose and poseRaw [frames, 6], face [frames, 144] or null */
  readonly features: Float32Array;
  readonly pose: Float32Array;
  readonly poseRaw: Float32Array;
  readonly face: Float32Array | null;
  /** features, pose and face normalised with the train statistics */
  readonly normalised: {
    readonly features: Float32Array;
    readonly pose: Float32Array;
    readonly face: Float32Array | null;
  };
}

function normalise(values: Float32Array, stats: ChannelStats): Float32Array {
  const C = stats.mean.length;
  const scale = stats.std.map((s) => 1 / Math.max(s, STD_FLOOR));
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - stats.mean[i % C]!) * scale[i % C]!;
  return out;
}

export class Dataset {
  readonly manifest: DatasetManifest;
  readonly clips: readonly DatasetClip[];

  /** Checks every array against the manifest; `arrays` in manifest clip order. */
  constructor(manifest: DatasetManifest, arrays: readonly Pick<DatasetClip, 'features' | 'pose' | 'poseRaw' | 'face'>[]) {
    if (arrays.length !== manifest.clips.length) throw new RangeError(`Dataset: ${arrays.length} clip arrays for ${manifest.clips.length} clips in the manifest`);
    const F = manifest.featureConfig.features;
    const identityIndex = new Map(manifest.identities.map((e, i) => [e.name, i]));
    this.manifest = manifest;
    this.clips = manifest.clips.map((entry, index): DatasetClip => {
      const a = arrays[index]!;
      const expect = (what: string, array: Float32Array | null, channels: number) => {
        if (array && array.length !== entry.frames * channels) {
          throw new RangeError(`Dataset: clip '${entry.name}' ${what} has ${array.length} values, expected ${entry.frames} x ${channels}`);
        }
      };
      expect('features', a.features, F);
      expect('pose', a.pose, POSE_CHANNELS);
      expect('poseRaw', a.poseRaw, POSE_CHANNELS);
      expect('face', a.face, FACE_CHANNELS);
      if ((a.face !== null) !== entry.hasFace) throw new RangeError(`Dataset: clip '${entry.name}' has hasFace ${entry.hasFace} but ${a.face ? 'has' : 'lacks'} face coefficients`);
      const faceStats = manifest.stats.face;
      return {
        index,
        entry,
        identityIndex: identityIndex.get(entry.identity)!,
        frames: entry.frames,
        features: a.features,
        pose: a.pose,
        poseRaw: a.poseRaw,
        face: a.face,
        normalised: {
          features: normalise(a.features, manifest.stats.features),
          pose: normalise(a.pose, manifest.stats.pose),
          face: a.face && faceStats ? normalise(a.face, faceStats) : null,
        },
      };
    });
  }

  get featureCount(): number {
    return this.manifest.featureConfig.features;
  }

  get context(): number {
    return this.manifest.featureConfig.context;
  }

  get contextCentre(): number {
    return this.manifest.featureConfig.contextCentre;
  }

  get windowLength(): number {
    return this.manifest.windowing.length;
  }

  /** Index into manifest.identities, or throws naming the identities there are. */
  identityIndex(name: string): number {
    const i = this.manifest.identities.findIndex((e) => e.name === name);
    if (i < 0) throw new RangeError(`Dataset: no identity '${name}' (identities: ${this.manifest.identities.map((e) => e.name).join(', ')})`);
    return i;
  }

  /** Maps a pose [.., 6] in normalised units back to raw units (the inverse of the pose normalisation). */
  denormalisePose(values: Float32Array): Float32Array {
    const { mean, std } = this.manifest.stats.pose;
    return values.map((v, i) => v * Math.max(std[i % POSE_CHANNELS]!, STD_FLOOR) + mean[i % POSE_CHANNELS]!);
  }
}

/** Reads dataset.json and every clip file through `files`. */
export async function loadDataset(files: DatasetFiles): Promise<Dataset> {
  const manifest = parseDatasetManifest(await files.readText('dataset.json'), 'dataset.json');
  const arrays = await Promise.all(manifest.clips.map(async (entry) => {
    const file = parseSafetensors(await files.readBytes(entry.file), entry.file);
    const tensor = (name: string, channels: number): Float32Array => {
      const t = safetensorsTensor(file, name, entry.file);
      if (!(t.data instanceof Float32Array) || t.shape.length !== 2 || t.shape[0] !== entry.frames || t.shape[1] !== channels) {
        throw new RangeError(`${entry.file}: tensor '${name}' is ${t.dtype} [${t.shape.join(', ')}], expected F32 [${entry.frames}, ${channels}]`);
      }
      return t.data;
    };
    return {
      features: tensor('features', manifest.featureConfig.features),
      pose: tensor('pose', POSE_CHANNELS),
      poseRaw: tensor('poseRaw', POSE_CHANNELS),
      face: entry.hasFace ? tensor('face', FACE_CHANNELS) : null,
    };
  }));
  return new Dataset(manifest, arrays);
}

/** A Dataset straight from buildDataset, without the round trip through files. */
export function datasetFromBuild(built: BuiltDataset): Dataset {
  return new Dataset(built.manifest, built.clips);
}

// ---- batches ----

/**
 * Writes frame `frame`'s audio window [F, context] of `clip` at out[offset..]: column c holds frame
 * frame - contextCentre + c, zero outside the clip. `out` must be zero there already (a fresh array).
 */
function writeAudioWindow(dataset: Dataset, features: Float32Array, frames: number, frame: number, out: Float32Array, offset: number): void {
  const F = dataset.featureCount;
  const C = dataset.context;
  for (let c = 0; c < C; c++) {
    const j = frame - dataset.contextCentre + c;
    if (j < 0 || j >= frames) continue;
    for (let f = 0; f < F; f++) out[offset + f * C + c] = features[j * F + f]!;
  }
}

function clipAt(dataset: Dataset, clipIndex: number, where: string): DatasetClip {
  const clip = dataset.clips[clipIndex];
  if (!Number.isInteger(clipIndex) || !clip) throw new RangeError(`${where}: clip index ${clipIndex}, expected 0 .. ${dataset.clips.length - 1}`);
  return clip;
}

export interface PoseBatchOptions {
  /** z-normalise features and poses with the train statistics (default true) */
  readonly normalise?: boolean;
  /** frames a window (default the dataset's windowing.length, 256) */
  readonly length?: number;
}

export interface PoseBatch {
  readonly batch: number;
  readonly length: number;
  /** [B, T, F, context] audio window of every frame */
  readonly audio: Float32Array;
  /** [B, T, F] the per-frame features (column contextCentre of `audio`) */
  readonly audioFrames: Float32Array;
  /** [B, T, 6] smoothed poses */
  readonly pose: Float32Array;
  /** [B, 6] the pose of each window's first frame */
  readonly initial: Float32Array;
  /** [B] index into manifest.identities */
  readonly identity: Int32Array;
}

/** PoseGAN samples: windows [clipIndex, start] of `length` frames (they must lie inside their clip). */
export function poseBatch(dataset: Dataset, windows: readonly WindowRef[], options: PoseBatchOptions = {}): PoseBatch {
  const normalised = options.normalise ?? true;
  const T = options.length ?? dataset.windowLength;
  const F = dataset.featureCount;
  const C = dataset.context;
  const B = windows.length;
  const out: PoseBatch = {
    batch: B,
    length: T,
    audio: new Float32Array(B * T * F * C),
    audioFrames: new Float32Array(B * T * F),
    pose: new Float32Array(B * T * POSE_CHANNELS),
    initial: new Float32Array(B * POSE_CHANNELS),
    identity: new Int32Array(B),
  };
  windows.forEach(([clipIndex, start], b) => {
    const clip = clipAt(dataset, clipIndex, `poseBatch window ${b}`);
    if (!Number.isInteger(start) || start < 0 || start + T > clip.frames) {
      throw new RangeError(`poseBatch window ${b}: frames ${start} .. ${start + T - 1} of clip '${clip.entry.name}', which has ${clip.frames}`);
    }
    const features = normalised ? clip.normalised.features : clip.features;
    const pose = normalised ? clip.normalised.pose : clip.pose;
    for (let t = 0; t < T; t++) writeAudioWindow(dataset, features, clip.frames, start + t, out.audio, (b * T + t) * F * C);
    out.audioFrames.set(features.subarray(start * F, (start + T) * F), b * T * F);
    out.pose.set(pose.subarray(start * POSE_CHANNELS, (start + T) * POSE_CHANNELS), b * T * POSE_CHANNELS);
    out.initial.set(pose.subarray(start * POSE_CHANNELS, (start + 1) * POSE_CHANNELS), b * POSE_CHANNELS);
    out.identity[b] = clip.identityIndex;
  });
  return out;
}

function splitOf(entry: ClipEntry, frame: number): Split | undefined {
  return (Object.keys(entry.segments) as Split[]).find((s) => frame >= entry.segments[s][0] && frame < entry.segments[s][1]);
}

/** Every PGFace pair (t, t + 1) inside one split segment of a clip with face coefficients, as [clipIndex, t]. */
export function facePairs(dataset: Dataset, split: Split): FrameRef[] {
  return dataset.clips.flatMap((clip) => {
    if (!clip.entry.hasFace) return [];
    const [from, to] = clip.entry.segments[split];
    return Array.from({ length: Math.max(0, to - from - 1) }, (_, k): FrameRef => [clip.index, from + k]);
  });
}

export interface FaceBatch {
  /** 2K rows: row 2k is frame t of pair k, row 2k + 1 frame t + 1 */
  readonly rows: number;
  /** [2K, F, context] */
  readonly audio: Float32Array;
  /** [2K, 6] smoothed pose, normalised */
  readonly pose: Float32Array;
  /** [2K, 144] alpha_id then alpha_exp, normalised */
  readonly face: Float32Array;
}

/** PGFace samples: for each [clipIndex, t], frames t and t + 1 (same clip, same split segment, with face). */
export function faceBatch(dataset: Dataset, frameRefs: readonly FrameRef[]): FaceBatch {
  const F = dataset.featureCount;
  const C = dataset.context;
  const rows = 2 * frameRefs.length;
  const out: FaceBatch = {
    rows,
    audio: new Float32Array(rows * F * C),
    pose: new Float32Array(rows * POSE_CHANNELS),
    face: new Float32Array(rows * FACE_CHANNELS),
  };
  frameRefs.forEach(([clipIndex, t], k) => {
    const clip = clipAt(dataset, clipIndex, `faceBatch pair ${k}`);
    const face = clip.normalised.face;
    if (!face) throw new RangeError(`faceBatch pair ${k}: clip '${clip.entry.name}' has no face coefficients (its pose came from OpenFace)`);
    const split = Number.isInteger(t) ? splitOf(clip.entry, t) : undefined;
    if (split === undefined || splitOf(clip.entry, t + 1) !== split) {
      throw new RangeError(`faceBatch pair ${k}: frames ${t} and ${t + 1} of clip '${clip.entry.name}' (${clip.frames} frames) are not both inside one split segment`);
    }
    for (let r = 0; r < 2; r++) {
      const row = 2 * k + r;
      const frame = t + r;
      writeAudioWindow(dataset, clip.normalised.features, clip.frames, frame, out.audio, row * F * C);
      out.pose.set(clip.normalised.pose.subarray(frame * POSE_CHANNELS, (frame + 1) * POSE_CHANNELS), row * POSE_CHANNELS);
      out.face.set(face.subarray(frame * FACE_CHANNELS, (frame + 1) * FACE_CHANNELS), row * FACE_CHANNELS);
    }
  });
  return out;
}

export interface SegmentView {
  readonly clip: DatasetClip;
  readonly split: Split;
  /** [start, end) in the clip's frames */
  readonly range: FrameRange;
  readonly length: number;
  /** views into the clip's normalised arrays: [length, F], [length, 6], [length, 144] or null */
  readonly audioFrames: Float32Array;
  readonly pose: Float32Array;
  readonly face: Float32Array | null;
}

/** Every clip's segment of `split` (empty segments skipped), in clip order: what evaluation walks over. */
export function* segmentFrames(dataset: Dataset, split: Split): Generator<SegmentView> {
  const F = dataset.featureCount;
  for (const clip of dataset.clips) {
    const range = clip.entry.segments[split];
    const [from, to] = range;
    if (to <= from) continue;
    yield {
      clip,
      split,
      range,
      length: to - from,
      audioFrames: clip.normalised.features.subarray(from * F, to * F),
      pose: clip.normalised.pose.subarray(from * POSE_CHANNELS, to * POSE_CHANNELS),
      face: clip.normalised.face?.subarray(from * FACE_CHANNELS, to * FACE_CHANNELS) ?? null,
    };
  }
}
