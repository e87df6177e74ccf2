// The per-frame fields result.json gains (docs/output-format.md), from HeadFrames: rows rounded to float32's
// precision so the JSON stays compact.
import type { HeadFrames } from './head-frames.ts';

const round = (v: number) => Number(v.toPrecision(7));

/** Rows of a flat [frames, width] array as nested arrays. */
export function jsonRows(values: ArrayLike<number>, width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += width) out.push(Array.from({ length: width }, (_, k) => round(values[i + k]!)));
  return out;
}

export function frameDataFields(frames: HeadFrames): Record<string, unknown> {
  return {
    headRotation: jsonRows(frames.rotation, 4),
    headTranslation: jsonRows(frames.translation, 3),
    restTranslation: frames.restTranslation.map(round),
    mouthOpening: frames.mouthOpening ? Array.from(frames.mouthOpening, round) : null,
  };
}
