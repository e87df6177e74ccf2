// The on-disk dataset description `dataset.json`: its types, its validation, its canonical text, and the
// summary table printed after a build. See README.md here for the layout of the whole dataset folder.
//
// Conventions used throughout talking-head/data/:
//   - frame ranges are half-open [start, end) in frames at featureConfig.fps (30);
//   - a window is [clipIndex, start]: frames start .. start + windowing.length - 1 of clips[clipIndex];
//   - poses are [pitch, yaw, roll, tx, ty, tz] in posedyn's convention (talking-head/pose/pose-convention.ts), the
//     translation in `poseUnit`; identity rest poses and statistics are in those raw units.
import { type AudioFeatureConfig, featureConfigFromJson, featureConfigToJson } from '../features/config.ts';
import { TRANSLATION_UNITS, type TranslationUnit } from '../pose/pose-convention.ts';

export const DATASET_FORMAT = 'posedyn-dataset';
export const DATASET_VERSION = 1;

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** Values a frame: head pose (pitch, yaw, roll, tx, ty, tz) and face coefficients (alpha_id 80, alpha_exp 64). */
export const POSE_CHANNELS = 6;
export const FACE_ID_CHANNELS = 80;
export const FACE_EXP_CHANNELS = 64;
export const FACE_CHANNELS = FACE_ID_CHANNELS + FACE_EXP_CHANNELS;

/** [start, end): frames start .. end - 1 */
export type FrameRange = readonly [start: number, end: number];
/** A window of `windowing.length` frames of one clip: [clipIndex, first frame]. */
export type WindowRef = readonly [clipIndex: number, start: number];

export interface ChannelStats {
  /** per channel, population statistics (divide by N) over the train split */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface IdentityEntry {
  readonly name: string;
  /** mean smoothed pose over the identity's train frames: the rest pose that starts inference (PAPER.md, PoseGAN) */
  readonly meanPose: readonly number[];
  readonly stdPose: readonly number[];
  /**
   * Per channel, the root mean square of the frame-to-frame step of the smoothed train poses (steps within train
   * segments only): how much the head moves from one frame to the next, which the std does not say (a speaker whose
   * head drifts slowly has a large std and small steps). PoseGAN's poseNormalisation 'identity-motion' scales by it.
   * Absent in datasets built before it (and in checkpoints trained on them).
   */
  readonly motionPose?: readonly number[];
  readonly trainFrames: number;
}

export interface ClipEntry {
  /** the file stem */
  readonly name: string;
  readonly identity: string;
  readonly frames: number;
  /** false when the pose came from OpenFace (no face coefficients) */
  readonly hasFace: boolean;
  /** the clip's arrays, relative to the dataset folder: clips/<name>.safetensors */
  readonly file: string;
  /** consecutive ranges tiling [0, frames): train first, then val, then test */
  readonly segments: Readonly<Record<Split, FrameRange>>;
}

export interface DatasetManifest {
  readonly format: typeof DATASET_FORMAT;
  readonly version: typeof DATASET_VERSION;
  readonly featureConfig: AudioFeatureConfig;
  /** the Gaussian filter of Eq. (1) applied to `pose` (sigma in frames, 2 halfWindow + 1 taps) */
  readonly smoothing: { readonly sigma: number; readonly halfWindow: number };
  readonly poseUnit: TranslationUnit;
  /** training samples: windows of `length` frames every `stride` frames inside one split segment */
  readonly windowing: { readonly length: number; readonly stride: number };
  readonly identities: readonly IdentityEntry[];
  readonly clips: readonly ClipEntry[];
  readonly windows: Readonly<Record<Split, readonly WindowRef[]>>;
  readonly stats: {
    readonly pose: ChannelStats;
    /** null when no clip has face coefficients */
    readonly face: ChannelStats | null;
    readonly features: ChannelStats;
  };
}

/** Normalisation divides by max(std, STD_FLOOR), so a constant channel is centred rather than blown up. */
export const STD_FLOOR = 1e-6;

// ---- validation ----

type Json = unknown;

class ManifestReader {
  constructor(readonly source: string) {}

  fail(field: string, value: Json, expected: string): never {
    const shown = JSON.stringify(value);
    throw new RangeError(`${this.source}: field '${field}' is ${shown === undefined ? 'missing' : shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}, expected ${expected}`);
  }

  object(value: Json, field: string): Record<string, Json> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(field, value, 'an object');
    return value as Record<string, Json>;
  }

  array(value: Json, field: string, length?: number): Json[] {
    if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
      this.fail(field, value, length === undefined ? 'an array' : `an array of ${length}`);
    }
    return value as Json[];
  }

  string(value: Json, field: string): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(field, value, 'a non-empty string');
    return value as string;
  }

  integer(value: Json, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, value, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`);
    }
    return value as number;
  }

  finite(value: Json, field: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, value, 'a finite number');
    return value as number;
  }

  numbers(value: Json, field: string, length: number, nonNegative = false): number[] {
    return this.array(value, field, length).map((v, i) => {
      const x = this.finite(v, `${field}[${i}]`);
      if (nonNegative && x < 0) this.fail(`${field}[${i}]`, v, 'a number >= 0');
      return x;
    });
  }

  stats(value: Json, field: string, channels: number): ChannelStats {
    const o = this.object(value, field);
    return { mean: this.numbers(o.mean, `${field}.mean`, channels), std: this.numbers(o.std, `${field}.std`, channels, true) };
  }
}

/** Parses and checks `dataset.json` (text or parsed object); every error names the field and what was expected. */
export function parseDatasetManifest(json: string | object, source = 'dataset.json'): DatasetManifest {
  const r = new ManifestReader(source);
  let value: Json;
  try {
    value = typeof json === 'string' ? JSON.parse(json) : json;
  } catch (error) {
    throw new SyntaxError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const root = r.object(value, '(root)');
  if (root.format !== DATASET_FORMAT) r.fail('format', root.format, `'${DATASET_FORMAT}'`);
  if (root.version !== DATASET_VERSION) r.fail('version', root.version, `${DATASET_VERSION} (this build of posedyn reads version ${DATASET_VERSION} only)`);
  const featureConfig = featureConfigFromJson(r.object(root.featureConfig, 'featureConfig'), `${source}: featureConfig`);

  const smoothingObject = r.object(root.smoothing, 'smoothing');
  const sigma = r.finite(smoothingObject.sigma, 'smoothing.sigma');
  if (!(sigma > 0)) r.fail('smoothing.sigma', sigma, 'a number of frames > 0');
  const smoothing = { sigma, halfWindow: r.integer(smoothingObject.halfWindow, 'smoothing.halfWindow') };
  if (!TRANSLATION_UNITS.includes(root.poseUnit as TranslationUnit)) r.fail('poseUnit', root.poseUnit, `one of ${TRANSLATION_UNITS.map((u) => `'${u}'`).join(', ')}`);
  const poseUnit = root.poseUnit as TranslationUnit;
  const windowingObject = r.object(root.windowing, 'windowing');
  const windowing = { length: r.integer(windowingObject.length, 'windowing.length', 1), stride: r.integer(windowingObject.stride, 'windowing.stride', 1) };

  const identities = r.array(root.identities, 'identities').map((item, i): IdentityEntry => {
    const field = `identities[${i}]`;
    const o = r.object(item, field);
    return {
      name: r.string(o.name, `${field}.name`),
      meanPose: r.numbers(o.meanPose, `${field}.meanPose`, POSE_CHANNELS),
      stdPose: r.numbers(o.stdPose, `${field}.stdPose`, POSE_CHANNELS, true),
      ...(o.motionPose === undefined ? {} : { motionPose: r.numbers(o.motionPose, `${field}.motionPose`, POSE_CHANNELS, true) }),
      trainFrames: r.integer(o.trainFrames, `${field}.trainFrames`),
    };
  });
  const identityNames = new Set(identities.map((e) => e.name));
  if (identityNames.size !== identities.length) r.fail('identities', identities.map((e) => e.name), 'unique names');

  const clipNames = new Set<string>();
  const clips = r.array(root.clips, 'clips').map((item, i): ClipEntry => {
    const field = `clips[${i}]`;
    const o = r.object(item, field);
    const name = r.string(o.name, `${field}.name`);
    if (clipNames.has(name)) r.fail(`${field}.name`, name, 'a name no other clip has');
    clipNames.add(name);
    const identity = r.string(o.identity, `${field}.identity`);
    if (!identityNames.has(identity)) r.fail(`${field}.identity`, identity, `one of identities[].name (${[...identityNames].join(', ')})`);
    const frames = r.integer(o.frames, `${field}.frames`, 1);
    if (typeof o.hasFace !== 'boolean') r.fail(`${field}.hasFace`, o.hasFace, 'true or false');
    const segmentsObject = r.object(o.segments, `${field}.segments`);
    let previousEnd = 0;
    const segments = Object.fromEntries(SPLITS.map((split) => {
      const f = `${field}.segments.${split}`;
      const [start, end] = r.array(segmentsObject[split], f, 2).map((v, k) => r.integer(v, `${f}[${k}]`, 0, frames));
      if (start !== previousEnd || end! < start!) r.fail(f, segmentsObject[split], `[${previousEnd}, end >= ${previousEnd}] (train, val, test tile [0, frames) in order)`);
      previousEnd = end!;
      return [split, [start!, end!] as const];
    })) as Record<Split, FrameRange>;
    if (previousEnd !== frames) r.fail(`${field}.segments.test`, segmentsObject.test, `to end at frames (${frames})`);
    return { name, identity, frames, hasFace: o.hasFace as boolean, file: r.string(o.file, `${field}.file`), segments };
  });

  const windowsObject = r.object(root.windows, 'windows');
  const windows = Object.fromEntries(SPLITS.map((split) => {
    const refs = r.array(windowsObject[split], `windows.${split}`).map((item, i): WindowRef => {
      const f = `windows.${split}[${i}]`;
      const [clipIndex, start] = r.array(item, f, 2);
      const c = r.integer(clipIndex, `${f}[0]`, 0, clips.length - 1);
      const [from, to] = clips[c]!.segments[split];
      r.integer(start, `${f}[1]`, from, to - windowing.length);
      return [c, start as number];
    });
    return [split, refs];
  })) as Record<Split, WindowRef[]>;

  const statsObject = r.object(root.stats, 'stats');
  const stats = {
    pose: r.stats(statsObject.pose, 'stats.pose', POSE_CHANNELS),
    face: statsObject.face === null ? null : r.stats(statsObject.face, 'stats.face', FACE_CHANNELS),
    features: r.stats(statsObject.features, 'stats.features', featureConfig.features),
  };
  if (stats.face === null && clips.some((c) => c.hasFace)) r.fail('stats.face', null, 'face statistics, since some clips have hasFace: true');

  return {
    format: DATASET_FORMAT, version: DATASET_VERSION, featureConfig, smoothing, poseUnit, windowing, identities, clips, windows, stats,
  };
}

// ---- canonical text ----

/**
 * `dataset.json` text: two-space indentation, arrays of numbers or strings on one line, keys in the order of
 * DatasetManifest, a final newline. The same manifest always gives the same bytes.
 */
export function datasetManifestToJson(manifest: DatasetManifest): string {
  const canonical = { ...manifest, featureConfig: JSON.parse(featureConfigToJson(manifest.featureConfig)) as unknown };
  return `${formatJson(canonical, '')}\n`;
}

function formatJson(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

// ---- summary ----

function windowsOf(manifest: DatasetManifest, split: Split, clipIndices: ReadonlySet<number>): number {
  return manifest.windows[split].filter(([c]) => clipIndices.has(c)).length;
}

/** The table printed after a build: one row an identity and a total; frames and windows per split. */
export function datasetSummaryTable(manifest: DatasetManifest): string {
  const header = ['identity', 'clips', 'frames', 'train', 'val', 'test', 'win train', 'win val', 'win test'];
  const row = (name: string, clipIndices: ReadonlySet<number>): string[] => {
    const clips = [...clipIndices].map((c) => manifest.clips[c]!);
    const framesIn = (split: Split) => clips.reduce((n, c) => n + c.segments[split][1] - c.segments[split][0], 0);
    return [
      name, String(clips.length), String(clips.reduce((n, c) => n + c.frames, 0)),
      ...SPLITS.map((s) => String(framesIn(s))), ...SPLITS.map((s) => String(windowsOf(manifest, s, clipIndices))),
    ];
  };
  const rows = manifest.identities.map((identity) =>
    row(identity.name, new Set(manifest.clips.flatMap((c, i) => (c.identity === identity.name ? [i] : [])))));
  rows.push(row('total', new Set(manifest.clips.map((_, i) => i))));
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) => cells.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.slice(0, -1).map(line), rule, line(rows.at(-1)!)].join('\n');
}
