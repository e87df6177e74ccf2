// What the audio front end computes, as one plain object that checkpoints record (see README.md here for why
// each value was chosen). Two kinds of front end exist:
//   - 'logmel-pitch-v1': posedyn's own signal-processing features, computed from 16 kHz samples on the GPU
//     (talking-head/features/audio-features.ts), F = nMels + 3 a frame;
//   - 'precomputed': windows made elsewhere (DeepSpeech 0.1.0 logits from VOCA-style pipelines, F = 29),
//     read from .npy (talking-head/features/precomputed.ts).
// Both end as a tensor [frames, F, context] with frame i in column `contextCentre` of its window.
//
// The JSON form is canonical (fixed key order, no whitespace), so configs compare and hash as strings.

/** Parameters of posedyn's signal-processing front end. Every length is in samples at `sampleRate`. */
export interface FeatureConfig {
  readonly frontEnd: 'logmel-pitch-v1';
  /** input sample rate in Hz (an integer); other rates are resampled before the front end */
  readonly sampleRate: number;
  /** output frames a second (an integer); frame i is centred on time (i + 1/2) / fps */
  readonly fps: number;
  /** spectral analysis window: periodic Hann of this many samples (25 ms) */
  readonly windowLength: number;
  /** DFT length; the windowed frame is zero-padded to it. Power spectrum bins 0 .. nFft/2 */
  readonly nFft: number;
  /** triangular mel bands (HTK mel scale, peak 1, no area normalisation) between fMin and fMax Hz */
  readonly nMels: number;
  readonly fMin: number;
  readonly fMax: number;
  /** added to every energy before the logarithm: 10 log10(e + logFloor) */
  readonly logFloor: number;
  /** pitch search range in Hz: lags floor(sampleRate / pitchMax) .. ceil(sampleRate / pitchMin) */
  readonly pitchMin: number;
  readonly pitchMax: number;
  /** samples summed by the normalised cross-correlation at each lag */
  readonly pitchWindowLength: number;
  /** the pitch lag is the smallest local maximum reaching this fraction of the best correlation */
  readonly pitchPeakRatio: number;
  /** below this correlation a frame is unvoiced and reports the neutral pitch sqrt(pitchMin * pitchMax) */
  readonly voicingThreshold: number;
  /** frames in each window, and the column of the window holding its own frame */
  readonly context: number;
  readonly contextCentre: number;
  /** features a frame: nMels log-mel energies, log energy, voicing, log F0 */
  readonly features: number;
}

/** Windows computed outside posedyn (e.g. DeepSpeech logits), described well enough to refuse a mismatch. */
export interface PrecomputedFeatureConfig {
  readonly frontEnd: 'precomputed';
  /** what made them, e.g. 'deepspeech-0.1.0' */
  readonly source: string;
  readonly fps: number;
  readonly context: number;
  readonly contextCentre: number;
  readonly features: number;
}

export type AudioFeatureConfig = FeatureConfig | PrecomputedFeatureConfig;

/** The defaults: 26 log-mels + log energy + voicing + log F0 = 29 features, echoing DeepSpeech's 29. */
export const defaultFeatureConfig: FeatureConfig = Object.freeze({
  frontEnd: 'logmel-pitch-v1',
  sampleRate: 16000,
  fps: 30,
  windowLength: 400,
  nFft: 512,
  nMels: 26,
  fMin: 20,
  fMax: 8000,
  logFloor: 1e-10,
  pitchMin: 60,
  pitchMax: 400,
  pitchWindowLength: 400,
  pitchPeakRatio: 0.9,
  voicingThreshold: 0.45,
  context: 16,
  contextCentre: 8,
  features: 29,
});

/** DeepSpeech 0.1.0 windows as VOCA's audio handler writes them: [N, 16, 29], frame i in column 8. */
export const deepSpeechFeatureConfig: PrecomputedFeatureConfig = Object.freeze({
  frontEnd: 'precomputed',
  source: 'deepspeech-0.1.0',
  fps: 30,
  context: 16,
  contextCentre: 8,
  features: 29,
});

/** Builds a config from overrides of the defaults; `features` follows nMels unless given. */
export function featureConfig(overrides: Partial<Omit<FeatureConfig, 'frontEnd'>> = {}): FeatureConfig {
  const nMels = overrides.nMels ?? defaultFeatureConfig.nMels;
  const config: FeatureConfig = { ...defaultFeatureConfig, features: nMels + 3, ...overrides };
  validateFeatureConfig(config);
  return Object.freeze(config);
}

// Key order of the canonical JSON form. Adding a field is a format change: give the front end a new name.
const SIGNAL_KEYS = [
  'frontEnd', 'sampleRate', 'fps', 'windowLength', 'nFft', 'nMels', 'fMin', 'fMax', 'logFloor', 'pitchMin', 'pitchMax',
  'pitchWindowLength', 'pitchPeakRatio', 'voicingThreshold', 'context', 'contextCentre', 'features',
] as const satisfies readonly (keyof FeatureConfig)[];
const PRECOMPUTED_KEYS = ['frontEnd', 'source', 'fps', 'context', 'contextCentre', 'features'] as const satisfies readonly (keyof PrecomputedFeatureConfig)[];

function keysOf(config: AudioFeatureConfig): readonly string[] {
  switch (config.frontEnd) {
    case 'logmel-pitch-v1': return SIGNAL_KEYS;
    case 'precomputed': return PRECOMPUTED_KEYS;
    default: return config satisfies never;
  }
}

/** Throws naming the first field that is missing, of the wrong type, or out of range. */
export function validateFeatureConfig(config: AudioFeatureConfig, where = 'feature config'): void {
  const fail = (field: string, expected: string): never => {
    const value = (config as unknown as Record<string, unknown>)[field];
    throw new RangeError(`${where}: field '${field}' is ${JSON.stringify(value)}, expected ${expected}`);
  };
  const record = config as unknown as Record<string, unknown>;
  const integer = (field: string, min: number) => {
    const v = record[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(field, `an integer >= ${min}`);
  };
  const positive = (field: string) => {
    const v = record[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(field, 'a finite number > 0');
  };
  if (config.frontEnd !== 'logmel-pitch-v1' && config.frontEnd !== 'precomputed') {
    fail('frontEnd', "'logmel-pitch-v1' or 'precomputed'");
  }
  integer('fps', 1);
  integer('context', 1);
  integer('contextCentre', 0);
  integer('features', 1);
  if (config.contextCentre >= config.context) fail('contextCentre', `< context (${config.context})`);
  if (config.frontEnd === 'precomputed') {
    if (typeof config.source !== 'string' || config.source.length === 0) fail('source', 'a non-empty string');
    return;
  }
  integer('sampleRate', 1);
  integer('windowLength', 2);
  integer('nFft', 2);
  integer('nMels', 1);
  integer('pitchWindowLength', 1);
  for (const field of ['fMax', 'logFloor', 'pitchMin', 'pitchMax', 'pitchPeakRatio'] as const) positive(field);
  if (typeof config.fMin !== 'number' || !(config.fMin >= 0)) fail('fMin', 'a number >= 0');
  if (typeof config.voicingThreshold !== 'number' || !(config.voicingThreshold >= 0)) fail('voicingThreshold', 'a number >= 0');
  if (config.nFft % 2 !== 0) fail('nFft', 'an even number');
  if (config.windowLength > config.nFft) fail('windowLength', `<= nFft (${config.nFft})`);
  if (config.fMax > config.sampleRate / 2) fail('fMax', `<= the Nyquist frequency ${config.sampleRate / 2}`);
  if (config.fMin >= config.fMax) fail('fMin', `< fMax (${config.fMax})`);
  if (config.pitchMin >= config.pitchMax) fail('pitchMin', `< pitchMax (${config.pitchMax})`);
  if (config.pitchMax >= config.sampleRate / 2) fail('pitchMax', `< the Nyquist frequency ${config.sampleRate / 2}`);
  if (config.pitchPeakRatio > 1) fail('pitchPeakRatio', 'a number in (0, 1]');
  if (config.features !== config.nMels + 3) fail('features', `nMels + 3 = ${config.nMels + 3} (log-mels, log energy, voicing, log F0)`);
}

/** The canonical JSON text: fixed key order, no whitespace. Equal configs give equal strings. */
export function featureConfigToJson(config: AudioFeatureConfig): string {
  validateFeatureConfig(config);
  const record = config as unknown as Record<string, unknown>;
  return `{${keysOf(config).map((key) => `${JSON.stringify(key)}:${JSON.stringify(record[key])}`).join(',')}}`;
}

/** Parses and validates a config from its JSON text (or an already parsed object, as found in a checkpoint). */
export function featureConfigFromJson(json: string | object, source = 'feature config'): AudioFeatureConfig {
  const value: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${source}: expected a JSON object`);
  const record = value as Record<string, unknown>;
  const frontEnd = record.frontEnd;
  if (frontEnd !== 'logmel-pitch-v1' && frontEnd !== 'precomputed') {
    throw new RangeError(`${source}: field 'frontEnd' is ${JSON.stringify(frontEnd)}, expected 'logmel-pitch-v1' or 'precomputed'`);
  }
  const keys: readonly string[] = frontEnd === 'precomputed' ? PRECOMPUTED_KEYS : SIGNAL_KEYS;
  for (const key of keys) if (!(key in record)) throw new RangeError(`${source}: field '${key}' is missing`);
  const unknownKey = Object.keys(record).find((key) => !keys.includes(key));
  if (unknownKey !== undefined) throw new RangeError(`${source}: unknown field '${unknownKey}' for front end '${frontEnd}'`);
  const config = Object.freeze(Object.fromEntries(keys.map((key) => [key, record[key]]))) as unknown as AudioFeatureConfig;
  validateFeatureConfig(config, source);
  return config;
}

/** True when both configs describe the same features (same canonical JSON). */
export function sameFeatureConfig(a: AudioFeatureConfig, b: AudioFeatureConfig): boolean {
  return featureConfigToJson(a) === featureConfigToJson(b);
}

/** Throws naming every field that differs, e.g. when a checkpoint was trained on other features. */
export function assertSameFeatureConfig(expected: AudioFeatureConfig, actual: AudioFeatureConfig, where: string): void {
  if (sameFeatureConfig(expected, actual)) return;
  const e = expected as unknown as Record<string, unknown>;
  const a = actual as unknown as Record<string, unknown>;
  const fields = [...new Set([...keysOf(expected), ...keysOf(actual)])].filter((k) => JSON.stringify(e[k]) !== JSON.stringify(a[k]));
  const diffs = fields.map((k) => `${k}: ${JSON.stringify(a[k])} (expected ${JSON.stringify(e[k])})`);
  throw new Error(`${where}: audio feature config differs: ${diffs.join(', ')}`);
}

/** FNV-1a 64-bit of the canonical JSON, as 16 hex digits: a short, stable name for a feature config. */
export function featureConfigHash(config: AudioFeatureConfig): string {
  const bytes = new TextEncoder().encode(featureConfigToJson(config));
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * prime) & mask;
  return hash.toString(16).padStart(16, '0');
}
