// A folder of clips -> ClipInputs for build-dataset.ts: which files form a clip, whose identity it is, and how
// each file's bytes become audio, poses and face coefficients. Runtime-agnostic: file names in, bytes read
// through a callback.
//
// A clip is a stem with a pose source and an audio source:
//   pose:  <stem>.mat (Deep3DFaceRecon: `coeff` N x 257, or `angle` N x 3 + `trans` N x 3 with optional
//          `id` N x 80 + `exp` N x 64), <stem>.csv (OpenFace 2.x; pose only, so the clip has no face), or a
//          talking-head video <stem>.mp4 / .webm / .mov / .mkv / .m4v / .avi, tracked by the runtime's face
//          tracker (talking-head/tracking/: pose in cm, face coefficients fitted to its landmarks). In that order
//          of preference when several exist.
//   audio: <stem>.features.npy / <stem>.features.npz (precomputed, used instead of the front end), <stem>.wav, or
//          the sound of the clip's video (when the video is its pose source). In that order.
import { MODEL_SAMPLE_RATE, decodeAudio } from '../audio/decode.ts';
import { Resampler } from '../audio/resample.ts';
import type { PrecomputedFeatureConfig } from '../features/config.ts';
import { type MatArray, matrixRowMajor, parseMat5 } from '../formats/mat5.ts';
import { type NpyArray, parseNpy, parseNpz } from '../formats/npy.ts';
import { parseOpenFaceCsv } from '../formats/openface-csv.ts';
import { deep3dCoeffColumns, fromOpenFace, posesFromDeep3DCoeff } from '../pose/pose-convention.ts';
import type { FaceTrack } from '../tracking/face-track.ts';
import { checkTrackingSuccess } from '../tracking/tracking-success.ts';
import type { ClipAudio, ClipInput, ClipPose } from './build-dataset.ts';
import { FACE_CHANNELS, FACE_EXP_CHANNELS, FACE_ID_CHANNELS, POSE_CHANNELS } from './dataset-format.ts';

/** The optional identity manifest in a clip folder: { "clips": { "<stem>": "<identity>" } }. */
export const IDENTITY_MANIFEST = 'manifest.json';

export interface ClipFileSet {
  readonly stem: string;
  /** file names inside the folder */
  readonly pose: { readonly kind: 'deep3d-mat' | 'openface-csv' | 'video'; readonly file: string };
  readonly audio: { readonly kind: 'wav' | 'features-npy' | 'features-npz' | 'video'; readonly file: string };
}

export interface ClipDiscovery {
  /** sorted by stem */
  readonly clips: readonly ClipFileSet[];
  /** files that look like clip data but do not form a clip, with the reason */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

/** File name endings of the videos a clip folder may hold (what ffmpeg and browsers commonly read). */
export const VIDEO_SUFFIXES = ['.mp4', '.webm', '.mov', '.mkv', '.m4v', '.avi'] as const;

const SUFFIXES = [
  ['.features.npy', 'features-npy'], ['.features.npz', 'features-npz'], ['.wav', 'wav'], ['.mat', 'deep3d-mat'], ['.csv', 'openface-csv'],
  ...VIDEO_SUFFIXES.map((suffix) => [suffix, 'video'] as const),
] as const;
type FileKind = (typeof SUFFIXES)[number][1];

/** Groups the folder's file names into clips (see the header for the rules). Other files are ignored. */
export function discoverClips(fileNames: readonly string[]): ClipDiscovery {
  const byStem = new Map<string, Partial<Record<FileKind, string>>>();
  const skipped: { file: string; reason: string }[] = [];
  for (const file of [...fileNames].sort()) {
    const lower = file.toLowerCase();
    const match = SUFFIXES.find(([suffix]) => lower.endsWith(suffix) && lower.length > suffix.length);
    if (!match) {
      if (lower.endsWith('.npy') || lower.endsWith('.npz')) skipped.push({ file, reason: 'precomputed features must be named <stem>.features.npy or <stem>.features.npz' });
      continue;
    }
    const stem = file.slice(0, file.length - match[0].length);
    const kinds = byStem.get(stem) ?? {};
    if (kinds[match[1]]) {
      skipped.push({ file, reason: `clip '${stem}' has ${kinds[match[1]]} already` });
      continue;
    }
    kinds[match[1]] = file;
    byStem.set(stem, kinds);
  }
  const clips: ClipFileSet[] = [];
  for (const [stem, kinds] of [...byStem.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const present = Object.values(kinds);
    const pose = kinds['deep3d-mat'] ? { kind: 'deep3d-mat' as const, file: kinds['deep3d-mat'] }
      : kinds['openface-csv'] ? { kind: 'openface-csv' as const, file: kinds['openface-csv'] }
        : kinds.video ? { kind: 'video' as const, file: kinds.video } : undefined;
    const audio = kinds['features-npy'] ? { kind: 'features-npy' as const, file: kinds['features-npy'] }
      : kinds['features-npz'] ? { kind: 'features-npz' as const, file: kinds['features-npz'] }
        : kinds.wav ? { kind: 'wav' as const, file: kinds.wav }
          : pose?.kind === 'video' ? { kind: 'video' as const, file: pose.file } : undefined;
    if (!pose) {
      for (const file of present) skipped.push({ file, reason: `no pose source (${stem}.mat, ${stem}.csv or a video ${stem}.mp4)` });
      continue;
    }
    if (!audio) {
      for (const file of present) skipped.push({ file, reason: `no audio (${stem}.wav or ${stem}.features.npy)` });
      continue;
    }
    for (const file of present) {
      if (file === pose.file || file === audio.file) continue;
      skipped.push({ file, reason: `clip '${stem}' uses ${pose.file} and ${audio.file}` });
    }
    clips.push({ stem, pose, audio });
  }
  return { clips, skipped };
}

// ---- identities ----

/** One trailing clip marker: `_clip`, `_clip3`, `_clip_3`, `_<digits>` or `_short` (case-insensitive). */
const CLIP_SUFFIX = /_(?:clip_?\d*|\d+|short)$/i;

/**
 * The speaker of a clip from its file stem: trailing clip markers (CLIP_SUFFIX) are removed until none is left,
 * never down to an empty name. Obama_clip1 -> Obama, andrew_clip_2 -> andrew, feifeili_clip2_short -> feifeili,
 * KristiNoem -> KristiNoem, speaker_07 -> speaker.
 */
export function identityFromStem(stem: string): string {
  let name = stem;
  for (let next = name.replace(CLIP_SUFFIX, ''); next !== name && next.length > 0; next = name.replace(CLIP_SUFFIX, '')) name = next;
  return name;
}

/** Parses manifest.json: { "clips": { "<stem>": "<identity>" } }; errors name the field. */
export function parseIdentityManifest(text: string, source: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const clips = (value as { clips?: unknown } | null)?.clips;
  if (value === null || typeof value !== 'object' || clips === null || typeof clips !== 'object' || Array.isArray(clips)) {
    throw new RangeError(`${source}: field 'clips' is missing or not an object; expected { "clips": { "<stem>": "<identity>" } }`);
  }
  const out = new Map<string, string>();
  for (const [stem, identity] of Object.entries(clips as Record<string, unknown>)) {
    if (typeof identity !== 'string' || identity.length === 0) throw new RangeError(`${source}: field 'clips.${stem}' is ${JSON.stringify(identity)}, expected an identity name`);
    out.set(stem, identity);
  }
  return out;
}

/** Identity of every stem: the manifest's when it names the stem, else identityFromStem. Unknown manifest stems are refused. */
export function assignIdentities(stems: readonly string[], manifest?: ReadonlyMap<string, string>, source = IDENTITY_MANIFEST): Map<string, string> {
  const known = new Set(stems);
  for (const stem of manifest?.keys() ?? []) {
    if (!known.has(stem)) throw new RangeError(`${source}: field 'clips.${stem}' names no clip in the folder (clips: ${stems.join(', ')})`);
  }
  return new Map(stems.map((stem) => [stem, manifest?.get(stem) ?? identityFromStem(stem)]));
}

// ---- decoding ----

/** The Deep3DFaceRecon `coeff` columns posedyn reads, by name (texture and lighting are not used). */
const USED_COEFF_COLUMNS = [['alpha_id', deep3dCoeffColumns.id], ['alpha_exp', deep3dCoeffColumns.exp], ['angle', deep3dCoeffColumns.angles], ['trans', deep3dCoeffColumns.trans]] as const;

/**
 * Refuses a NaN or infinite value in the used columns [from, to) of a row-major [rows, cols] variable, naming the
 * file, the variable, the frame (row, 0-based) and the column (0-based, with its coefficient's name).
 */
function assertFiniteColumns(data: ArrayLike<number>, rows: number, cols: number, source: string, variable: string, columns: readonly (readonly [string, readonly [number, number]])[]): void {
  for (let r = 0; r < rows; r++) {
    for (const [name, [from, to]] of columns) {
      for (let c = from; c < to; c++) {
        const v = data[r * cols + c]!;
        if (Number.isFinite(v)) continue;
        throw new RangeError(`${source}: '${variable}' frame ${r} (row ${r + 1}), column ${c} (${name}[${c - from}]) is ${v}, expected a finite number; the clip cannot be used`);
      }
    }
  }
}

/** Deep3DFaceRecon coefficients -> poses (unit 'bfm') and face [frames, 144] (id then exp, or null). */
export function clipFromDeep3DMat(bytes: Uint8Array, source: string): { pose: ClipPose; face: Float32Array | null } {
  const vars = parseMat5(bytes, source);
  const coeff = vars.get('coeff');
  if (coeff) {
    const m = matrixRowMajor(coeff, source, 'coeff', { cols: deep3dCoeffColumns.total });
    assertFiniteColumns(m.data, m.rows, m.cols, source, 'coeff', USED_COEFF_COLUMNS);
    const face = new Float32Array(m.rows * FACE_CHANNELS);
    for (let r = 0; r < m.rows; r++) face.set(m.data.subarray(r * m.cols + deep3dCoeffColumns.id[0], r * m.cols + deep3dCoeffColumns.exp[1]), r * FACE_CHANNELS);
    return { pose: { ...posesFromDeep3DCoeff(m.data, m.rows), frames: m.rows }, face };
  }
  const required = (name: string): MatArray => {
    const found = vars.get(name);
    if (!found) throw new RangeError(`${source}: has neither 'coeff' (N x 257) nor '${name}' (Deep3DFaceRecon per-key coefficients); variables: ${[...vars.keys()].join(', ') || 'none'}`);
    return found;
  };
  const angle = matrixRowMajor(required('angle'), source, 'angle', { cols: 3, as: 'float64' });
  const trans = matrixRowMajor(required('trans'), source, 'trans', { cols: 3, rows: angle.rows, as: 'float64' });
  assertFiniteColumns(angle.data, angle.rows, 3, source, 'angle', [['angle', [0, 3]]]);
  assertFiniteColumns(trans.data, trans.rows, 3, source, 'trans', [['trans', [0, 3]]]);
  const frames = angle.rows;
  const values = new Float64Array(frames * POSE_CHANNELS);
  for (let f = 0; f < frames; f++) {
    values.set(angle.data.subarray(f * 3, f * 3 + 3), f * POSE_CHANNELS);
    values.set(trans.data.subarray(f * 3, f * 3 + 3), f * POSE_CHANNELS + 3);
  }
  const pose: ClipPose = { values, frames, unit: 'bfm' };
  if (!vars.has('id') && !vars.has('exp')) return { pose, face: null };
  const id = matrixRowMajor(required('id'), source, 'id', { cols: FACE_ID_CHANNELS, rows: frames });
  const exp = matrixRowMajor(required('exp'), source, 'exp', { cols: FACE_EXP_CHANNELS, rows: frames });
  assertFiniteColumns(id.data, frames, FACE_ID_CHANNELS, source, 'id', [['alpha_id', [0, FACE_ID_CHANNELS]]]);
  assertFiniteColumns(exp.data, frames, FACE_EXP_CHANNELS, source, 'exp', [['alpha_exp', [0, FACE_EXP_CHANNELS]]]);
  const face = new Float32Array(frames * FACE_CHANNELS);
  for (let f = 0; f < frames; f++) {
    face.set(id.data.subarray(f * FACE_ID_CHANNELS, (f + 1) * FACE_ID_CHANNELS), f * FACE_CHANNELS);
    face.set(exp.data.subarray(f * FACE_EXP_CHANNELS, (f + 1) * FACE_EXP_CHANNELS), f * FACE_CHANNELS + FACE_ID_CHANNELS);
  }
  return { pose, face };
}

/**
 * OpenFace CSV -> poses in posedyn's convention (unit 'mm'). The track must be at `fps`: when its timestamps
 * span time, the rate they imply must be within 5% of it. Frames OpenFace failed on (success 0 or a low
 * confidence) are reported, and a clip that failed on most frames is refused (talking-head/tracking/tracking-success.ts).
 */
export function clipFromOpenFaceCsv(bytes: Uint8Array, source: string, fps: number): ClipPose {
  const track = parseOpenFaceCsv(bytes, source);
  const span = track.timestamps[track.length - 1]! - track.timestamps[0]!;
  if (track.length > 1 && span > 0) {
    const rate = (track.length - 1) / span;
    if (Math.abs(rate - fps) > 0.05 * fps) throw new RangeError(`${source}: timestamps give ${rate.toFixed(2)} frames a second, expected ${fps}; track the video at ${fps} fps`);
  }
  const note = checkTrackingSuccess(source, track.valid, fps);
  const values = new Float64Array(track.length * POSE_CHANNELS);
  for (let f = 0; f < track.length; f++) {
    const p = track.pose.subarray(f * 6, f * 6 + 6);
    values.set(fromOpenFace(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!).values, f * POSE_CHANNELS);
  }
  return { values, frames: track.length, unit: 'mm', notes: note ? [note] : [] };
}

/**
 * Precomputed features -> one vector a frame: windows [N, context, F] (DeepSpeech as VOCA writes them) give
 * their centre column (frame i's own features); [N, F] is taken as it is. An .npz must hold one array or one
 * named 'features'.
 */
export function clipFromFeatureFile(bytes: Uint8Array, source: string, kind: 'features-npy' | 'features-npz', config: Pick<PrecomputedFeatureConfig, 'context' | 'contextCentre'>): ClipAudio {
  let array: NpyArray;
  if (kind === 'features-npy') array = parseNpy(bytes, source);
  else {
    const arrays = parseNpz(bytes, source);
    const found = arrays.get('features') ?? (arrays.size === 1 ? [...arrays.values()][0] : undefined);
    if (!found) throw new RangeError(`${source}: holds ${arrays.size} arrays (${[...arrays.keys()].join(', ')}); expected one, or one named 'features'`);
    array = found;
  }
  const data = array.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new TypeError(`${source}: features have dtype ${array.dtype}, expected float16, float32 or float64`);
  const { shape } = array;
  if (shape.length === 2) return { kind: 'precomputed', perFrame: Float32Array.from(data), frames: shape[0]!, features: shape[1]! };
  if (shape.length === 3 && shape[1] === config.context) {
    const [frames, context, F] = shape as [number, number, number];
    const perFrame = new Float32Array(frames * F);
    for (let i = 0; i < frames; i++) perFrame.set(data.subarray((i * context + config.contextCentre) * F, (i * context + config.contextCentre + 1) * F), i * F);
    return { kind: 'precomputed', perFrame, frames, features: F };
  }
  throw new RangeError(`${source}: features have shape [${shape.join(', ')}], expected windows [N, ${config.context}, F] or per-frame features [N, F]`);
}

/** Speech bytes (WAV, any rate) -> mono samples at `sampleRate`. */
export function clipAudioFromWav(bytes: Uint8Array, source: string, sampleRate: number): ClipAudio {
  const samples = decodeAudio(bytes, source);
  return { kind: 'samples', samples: sampleRate === MODEL_SAMPLE_RATE ? samples : new Resampler(MODEL_SAMPLE_RATE, sampleRate).run(samples) };
}

/** A video tracked by the runtime (`posedyn track`'s pipeline in Node, the page's own tracker in a browser). */
export interface TrackedVideoClip {
  /** frames at `fps`, [frames, 6] poses in cm (talking-head/tracking/face-track.ts), [frames, 144] face coefficients, and which frames had a face */
  readonly track: Pick<FaceTrack, 'fps' | 'frames' | 'pose' | 'face' | 'success'>;
  /** the video's sound, mono at 16 kHz, or null when it has none */
  readonly speech: Float32Array | null;
}

export interface ClipDecodeOptions {
  /** the front end's input rate (16 kHz) */
  readonly sampleRate: number;
  /** frames a second of pose tracks and features (30) */
  readonly fps: number;
  /** window layout of precomputed feature files */
  readonly precomputed: Pick<PrecomputedFeatureConfig, 'context' | 'contextCentre'>;
  /** how this runtime tracks a video file of the folder; clips from videos need it */
  readonly trackVideo?: (file: string) => Promise<TrackedVideoClip>;
}

/** Reads and decodes one clip's files through `readBytes(fileName)` (and `options.trackVideo` for a video). */
export async function readClipInput(
  files: ClipFileSet, identity: string, readBytes: (file: string) => Promise<Uint8Array>, options: ClipDecodeOptions,
): Promise<ClipInput> {
  let video: TrackedVideoClip | null = null;
  if (files.pose.kind === 'video') {
    if (!options.trackVideo) throw new RangeError(`${files.pose.file}: a video clip, and no face tracker was given to read it`);
    video = await options.trackVideo(files.pose.file);
    if (video.track.fps !== options.fps) throw new RangeError(`${files.pose.file}: tracked at ${video.track.fps} frames a second, expected ${options.fps}`);
  }
  // A video tracked on too few frames is refused, as an OpenFace track is (talking-head/tracking/tracking-success.ts).
  const videoNote = video && checkTrackingSuccess(files.pose.file, video.track.success, options.fps);
  const { pose, face } = video
    ? { pose: { values: Float64Array.from(video.track.pose), frames: video.track.frames, unit: 'cm' as const, notes: videoNote ? [videoNote] : [] }, face: video.track.face }
    : files.pose.kind === 'deep3d-mat'
      ? clipFromDeep3DMat(await readBytes(files.pose.file), files.pose.file)
      : { pose: clipFromOpenFaceCsv(await readBytes(files.pose.file), files.pose.file, options.fps), face: null };
  let audio: ClipAudio;
  if (files.audio.kind === 'video') {
    if (!video?.speech) throw new RangeError(`${files.audio.file}: the video has no sound; a clip needs speech (put it beside the video as ${files.stem}.wav)`);
    const speech = video.speech;
    audio = { kind: 'samples', samples: options.sampleRate === MODEL_SAMPLE_RATE ? speech : new Resampler(MODEL_SAMPLE_RATE, options.sampleRate).run(speech) };
  } else {
    const audioBytes = await readBytes(files.audio.file);
    audio = files.audio.kind === 'wav'
      ? clipAudioFromWav(audioBytes, files.audio.file, options.sampleRate)
      : clipFromFeatureFile(audioBytes, files.audio.file, files.audio.kind, options.precomputed);
  }
  return { name: files.stem, identity, audio, pose, face };
}
