// How well a face model decodes a clip's coefficients into the face the tracker saw in its video: for frames
// with both (tracked-coefficient-clips.ts), Eq. (2) of the frame's coefficients against its 468 tracked
// landmarks (cm, pose removed):
//   mean distance   mean over frames and landmarks of |decoded - tracked| (cm)
//   mouth r         Pearson's r between the decoded inner-lip gap (mouth-opening.ts, vertices 13-14) and the
//                   tracked one (talking-head/tracking/landmarks.ts), frames of an identity pooled over its clips
// The model's first 468 vertices must be MediaPipe's landmarks (the fitted and procedural models).
import { pearson } from '../../evaluation/audio-pose-correlation.ts';
import { FACE_COEFFICIENTS, type FaceModel, combinedBasis } from '../face-model.ts';
import { MouthOpeningDecoder } from '../mouth-opening.ts';
import { LANDMARK_COUNT, mouthOpening } from '../../tracking/landmarks.ts';
import type { AlignedFrames } from './tracked-coefficient-clips.ts';

export interface IdentityAgreement {
  readonly identity: string;
  readonly frames: number;
  readonly mouthR: number;
  readonly meanDistance: number;
}

export interface LandmarkAgreement {
  readonly model: string;
  readonly frames: number;
  /** cm */
  readonly meanDistance: number;
  /** sorted by identity */
  readonly identities: readonly IdentityAgreement[];
}

/** The decoded and tracked inner-lip gap (cm) of every frame of `segment`. */
export function mouthOpenings(decoder: MouthOpeningDecoder, segment: AlignedFrames): { decoded: Float64Array; tracked: Float64Array } {
  return {
    decoded: decoder.sequence(segment.coefficients),
    tracked: Float64Array.from({ length: segment.frames }, (_, t) => mouthOpening(segment.landmarks, t * 3 * LANDMARK_COUNT)),
  };
}

export function landmarkAgreement(model: FaceModel, segments: readonly AlignedFrames[]): LandmarkAgreement {
  if (model.units !== 'cm' || model.vertexCount < LANDMARK_COUNT) throw new RangeError(`landmarkAgreement: face model '${model.name}' is not a model in cm on MediaPipe's mesh`);
  const K = FACE_COEFFICIENTS;
  const rows = 3 * LANDMARK_COUNT;
  const basis = combinedBasis(model);
  const decoder = new MouthOpeningDecoder(model);
  const byIdentity = new Map<string, { frames: number; distance: number; decoded: number[]; tracked: number[] }>();
  let frames = 0;
  let distance = 0;
  for (const segment of segments) {
    const own = byIdentity.get(segment.identity) ?? { frames: 0, distance: 0, decoded: [], tracked: [] };
    const point = new Float64Array(3);
    for (let t = 0; t < segment.frames; t++) {
      let sum = 0;
      for (let v = 0; v < LANDMARK_COUNT; v++) {
        for (let c = 0; c < 3; c++) {
          const r = 3 * v + c;
          let s = model.mean[r]!;
          for (let k = 0; k < K; k++) s += basis[r * K + k]! * segment.coefficients[t * K + k]!;
          point[c] = s - segment.landmarks[t * rows + r]!;
        }
        sum += Math.hypot(point[0]!, point[1]!, point[2]!);
      }
      own.distance += sum / LANDMARK_COUNT;
      distance += sum / LANDMARK_COUNT;
    }
    const openings = mouthOpenings(decoder, segment);
    own.decoded.push(...openings.decoded);
    own.tracked.push(...openings.tracked);
    own.frames += segment.frames;
    frames += segment.frames;
    byIdentity.set(segment.identity, own);
  }
  if (frames === 0) throw new RangeError('landmarkAgreement: no frames');
  const identities = [...byIdentity.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([identity, o]): IdentityAgreement => ({
    identity, frames: o.frames, mouthR: pearson(o.decoded, o.tracked), meanDistance: o.distance / o.frames,
  }));
  return { model: model.name, frames, meanDistance: distance / frames, identities };
}
