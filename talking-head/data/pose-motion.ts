// How much a head moves from one frame to the next (dataset.json identities[].motionPose): per channel, the root
// mean square of y_t - y_(t-1) over the frames of the given ranges, a step counted only when both of its frames lie
// in one range (so the step across a clip boundary or a split boundary never counts). The same measure as the
// evaluation's motion energy (talking-head/evaluation), whose mean it is the square root of.
import { POSE_CHANNELS } from './dataset-format.ts';

/** One clip's poses [frames, 6] and the [start, end) ranges of it to count. */
export interface PoseRanges {
  readonly pose: ArrayLike<number>;
  readonly ranges: readonly (readonly [number, number])[];
}

/** Per channel RMS frame step over every range of every clip; zeros when no range holds two frames. */
export function poseStepRms(clips: readonly PoseRanges[]): number[] {
  const squares = new Float64Array(POSE_CHANNELS);
  let steps = 0;
  for (const { pose, ranges } of clips) {
    for (const [from, to] of ranges) {
      for (let f = from + 1; f < to; f++) {
        for (let c = 0; c < POSE_CHANNELS; c++) squares[c]! += (pose[f * POSE_CHANNELS + c]! - pose[(f - 1) * POSE_CHANNELS + c]!) ** 2;
        steps++;
      }
    }
  }
  return Array.from(squares, (s) => (steps === 0 ? 0 : Math.sqrt(s / steps)));
}
