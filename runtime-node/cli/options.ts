// Command-line option values, checked before any work is done: each parser names the flag, the range it
// accepts and what it got, e.g. "--epochs expects an integer >= 1, got '0'". The ranges live in OPTION_RANGES,
// one table for every command, so the same flag means the same thing everywhere.

export interface Range {
  readonly min: number;
  readonly max?: number;
  /** min itself is excluded (a learning rate of 0 trains nothing) */
  readonly minExclusive?: boolean;
}

const SEED = { min: 0, max: 2 ** 32 - 1 };
const COUNT = { min: 1, max: 1_000_000 };
const LEARNING_RATE = { min: 0, minExclusive: true, max: 1 };

/** Every numeric option's range, by flag. */
export const OPTION_RANGES = {
  '--epochs': COUNT,
  '--batch': { min: 1, max: 65_536 },
  '--lr': LEARNING_RATE,
  '--seed': SEED,
  '--seeds': { min: 1, max: 100 },
  '--steps': COUNT,
  '--max-steps-per-epoch': COUNT,
  '--pgface-epochs': COUNT,
  '--pgface-max-steps-per-epoch': COUNT,
  '--finetune-epochs': COUNT,
  '--finetune-batch': { min: 1, max: 65_536 },
  '--finetune-lr': LEARNING_RATE,
  '--classifier-steps': COUNT,
  // Eq. (1): the filter's half-window ceil(3 sigma) is capped at 31 frames (talking-head/ops/gaussian-filter.ts).
  '--sigma': { min: 0, minExclusive: true, max: 10 },
  '--half-window': { min: 0, max: 31 },
  '--smooth': { min: 0, max: 10 },
  '--motion-scale': { min: 0, max: 10 },
  '--seconds': { min: 0, minExclusive: true, max: 3600 },
  '--port': { min: 0, max: 65_535 },
} as const satisfies Record<string, Range>;

export type NumericFlag = keyof typeof OPTION_RANGES;

function describe(range: Range, integer: boolean): string {
  const what = integer ? 'an integer' : 'a number';
  const low = `${range.minExclusive ? '>' : '>='} ${range.min}`;
  if (range.max === undefined) return `${what} ${low}`;
  return range.minExclusive ? `${what} ${low} and <= ${range.max}` : `${what} in ${range.min}..${range.max}`;
}

function inRange(n: number, range: Range): boolean {
  return Number.isFinite(n) && (range.minExclusive ? n > range.min : n >= range.min) && (range.max === undefined || n <= range.max);
}

/** The value of an integer option; throws naming the flag and its range. */
export function integerOption(value: string, flag: NumericFlag): number {
  const range: Range = OPTION_RANGES[flag];
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isInteger(n) || !inRange(n, range)) throw new RangeError(`${flag} expects ${describe(range, true)}, got '${value}'`);
  return n;
}

/** The value of a numeric option; throws naming the flag and its range. */
export function numberOption(value: string, flag: NumericFlag): number {
  const range: Range = OPTION_RANGES[flag];
  const n = value.trim() === '' ? NaN : Number(value);
  if (!inRange(n, range)) throw new RangeError(`${flag} expects ${describe(range, false)}, got '${value}'`);
  return n;
}

/** The value of a JSON-object option (model config overrides). */
export function jsonObjectOption(value: string, flag: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SyntaxError(`${flag} expects a JSON object, got '${value}'`);
}
