// How well tracked head angles follow reference angles (Deep3DFaceRecon's, from a .mat): the frame offset
// between the two found by correlation, then per channel the Pearson correlation and the ratio of standard
// deviations over the frames both have.
export const ANGLE_NAMES = ['pitch', 'yaw', 'roll'] as const;

export interface ChannelAgreement {
  readonly r: number;
  /** std(tracked) / std(reference) */
  readonly stdRatio: number;
}

export interface AngleAgreement {
  /** tracked frame k + offset is reference frame k */
  readonly offset: number;
  readonly frames: number;
  readonly channels: Readonly<Record<(typeof ANGLE_NAMES)[number], ChannelAgreement>>;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): { r: number; stdRatio: number } {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return { r: ab / Math.sqrt(aa * bb), stdRatio: Math.sqrt(aa / bb) };
}

/** Angles (channels 0..2) of poses [frames, 6] at frames from .. from + count. */
function channel(poses: ArrayLike<number>, c: number, from: number, count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, k) => poses[(from + k) * 6 + c]!);
}

/** Agreement at the offset in [0, maxOffset] with the highest summed angle correlation. */
export function angleAgreement(tracked: ArrayLike<number>, trackedFrames: number, reference: ArrayLike<number>, referenceFrames: number, maxOffset = 4): AngleAgreement {
  let best: AngleAgreement | null = null;
  let bestScore = -Infinity;
  for (let offset = 0; offset <= maxOffset; offset++) {
    const frames = Math.min(referenceFrames, trackedFrames - offset);
    const per = ANGLE_NAMES.map((_, c) => pearson(channel(tracked, c, offset, frames), channel(reference, c, 0, frames)));
    const score = per.reduce((s, p) => s + p.r, 0);
    if (score > bestScore) {
      bestScore = score;
      best = { offset, frames, channels: { pitch: per[0]!, yaw: per[1]!, roll: per[2]! } };
    }
  }
  return best!;
}
