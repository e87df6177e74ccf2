// A clip with both kinds of face data the fit needs: the Deep3DFaceRecon coefficients of its .mat (one row a
// frame) and the landmarks the tracker found in the same clip's video. The two are offset in time: the styletalk
// videos have 2 frames more than their .mat files (0 for Obama_clip3), and video frame k + offset is row k,
// with offset = video frames - rows (the shared data folder's README.md; the tracker's test finds the same offset by
// correlating the head angles). The split is the dataset's: 7:1:2 by time over the clip's dataset frames
// (talking-head/data/build-dataset.ts splitSegments; those are the rows trimmed to the audio, reconcileFrames).
import { splitSegments } from '../../data/build-dataset.ts';
import type { Split } from '../../data/dataset-format.ts';
import { FACE_COEFFICIENTS } from '../face-model.ts';
import { LANDMARK_COUNT } from '../../tracking/landmarks.ts';

/** The largest offset between a video and its coefficient rows taken as the same clip. */
export const MAX_VIDEO_OFFSET = 4;

const LANDMARK_VALUES = 3 * LANDMARK_COUNT;

export interface TrackedCoefficientClip {
  readonly name: string;
  readonly identity: string;
  /** [rows, 144] alpha_id then alpha_exp */
  readonly coefficients: Float32Array;
  /** the dataset's frames of the clip (<= the coefficient rows): what the split divides */
  readonly frames: number;
  /** video frame k + offset is coefficient row k */
  readonly offset: number;
  /** [count, 468 * 3] tracked landmarks (cm, canonical face frame) of video frames firstVideoFrame, firstVideoFrame + 1, ... */
  readonly landmarks: Float32Array;
  readonly firstVideoFrame: number;
}

/** One split of a clip: its coefficient rows and the landmarks of the same frames. */
export interface AlignedFrames {
  readonly clip: string;
  readonly identity: string;
  readonly frames: number;
  /** [frames, 144] */
  readonly coefficients: Float32Array;
  /** [frames, 1404] */
  readonly landmarks: Float32Array;
}

/** offset = video frames - coefficient rows; throws naming the clip when it is not in [0, MAX_VIDEO_OFFSET]. */
export function videoOffset(name: string, videoFrames: number, rows: number): number {
  const offset = videoFrames - rows;
  if (!(offset >= 0 && offset <= MAX_VIDEO_OFFSET)) {
    throw new RangeError(`clip '${name}': its video has ${videoFrames} frames and its .mat ${rows} rows; expected the video to have 0 to ${MAX_VIDEO_OFFSET} frames more (video frame k + offset = row k)`);
  }
  return offset;
}

/** The frames of `split`, coefficients and landmarks aligned; throws when the landmarks do not cover them. */
export function alignedSplit(clip: TrackedCoefficientClip, split: Split): AlignedFrames {
  const [from, to] = splitSegments(clip.frames)[split];
  const tracked = clip.landmarks.length / LANDMARK_VALUES;
  const first = from + clip.offset - clip.firstVideoFrame;
  const last = to + clip.offset - clip.firstVideoFrame;
  if (clip.coefficients.length < to * FACE_COEFFICIENTS) throw new RangeError(`clip '${clip.name}': ${clip.coefficients.length / FACE_COEFFICIENTS} coefficient rows, expected at least ${to}`);
  if (first < 0 || last > tracked) {
    throw new RangeError(`clip '${clip.name}': the ${split} split needs video frames ${from + clip.offset}-${to + clip.offset - 1}, the landmarks hold ${clip.firstVideoFrame}-${clip.firstVideoFrame + tracked - 1}`);
  }
  return {
    clip: clip.name,
    identity: clip.identity,
    frames: to - from,
    coefficients: clip.coefficients.subarray(from * FACE_COEFFICIENTS, to * FACE_COEFFICIENTS),
    landmarks: clip.landmarks.subarray(first * LANDMARK_VALUES, last * LANDMARK_VALUES),
  };
}
