// How much of a clip's face tracking failed, and whether the clip may still be used. Shared by every source of
// poses that flags its frames: OpenFace's `success` / `confidence` columns (talking-head/formats/openface-csv.ts)
// and the video face tracker's per-frame success. Failed frames get interpolated poses; a few are harmless, but a
// clip tracked on only a handful of frames would teach PoseGAN straight lines between them.
//
// The rule: a clip whose tracking failed on more than MAX_FAILED_TRACKING_FRACTION of its frames (most of them)
// is refused; any other failed frame is reported.

/** More than half of a clip's frames failed: refused. */
export const MAX_FAILED_TRACKING_FRACTION = 0.5;

export interface TrackingSuccess {
  readonly frames: number;
  readonly failed: number;
  /** the longest run of consecutive failed frames */
  readonly longestGap: number;
}

/** Counts the failed frames of a per-frame success flag (1 / true = tracked). */
export function trackingSuccess(success: ArrayLike<number | boolean>): TrackingSuccess {
  let failed = 0;
  let gap = 0;
  let longestGap = 0;
  for (let i = 0; i < success.length; i++) {
    if (success[i]) {
      gap = 0;
      continue;
    }
    failed++;
    longestGap = Math.max(longestGap, ++gap);
  }
  return { frames: success.length, failed, longestGap };
}

export class TrackingError extends RangeError {
  override name = 'TrackingError';
}

/**
 * Refuses the clip (`source` names it) when more than `maxFailedFraction` of its frames failed; otherwise returns
 * the line to report when some did (null when none), with `fps` to give the longest gap in seconds.
 */
export function checkTrackingSuccess(source: string, success: ArrayLike<number | boolean>, fps: number, maxFailedFraction = MAX_FAILED_TRACKING_FRACTION): string | null {
  const { frames, failed, longestGap } = trackingSuccess(success);
  if (failed === 0) return null;
  const share = `${failed} of ${frames} frames (${((100 * failed) / frames).toFixed(1)}%)`;
  if (failed > maxFailedFraction * frames) {
    throw new TrackingError(
      `${source}: tracking failed on ${share}, more than the ${100 * maxFailedFraction}% a clip may miss; its poses would be ` +
        `interpolated from ${frames - failed} tracked frames. Track it again (is the face visible and large enough?) or leave the clip out`,
    );
  }
  return `${source}: tracking failed on ${share}, the longest gap ${longestGap} frames (${(longestGap / fps).toFixed(2)} s); their poses are interpolated`;
}
