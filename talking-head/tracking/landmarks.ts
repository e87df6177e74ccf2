// The tracker's 468 landmarks and the measures posedyn reads off them.
import { LANDMARK } from '../face/canonical-mesh.ts';

/** MediaPipe Face Mesh's landmarks a face (without the 10 iris points of its attention model). */
export const LANDMARK_COUNT = 468;

/**
 * The inner-lip gap: the distance between landmarks 13 (upper lip, inner edge) and 14 (lower lip, inner edge) of
 * `landmarks` [468 * 3] at `offset`, in the landmarks' unit (cm for the tracker's metric face space). A
 * distance, so it does not depend on the head pose.
 */
export function mouthOpening(landmarks: ArrayLike<number>, offset = 0): number {
  const a = offset + 3 * LANDMARK.upperLipInner;
  const b = offset + 3 * LANDMARK.lowerLipInner;
  return Math.hypot(landmarks[a]! - landmarks[b]!, landmarks[a + 1]! - landmarks[b + 1]!, landmarks[a + 2]! - landmarks[b + 2]!);
}
