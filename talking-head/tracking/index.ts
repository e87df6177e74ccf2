// The namespace `tracking` of `posedyn/talking-head`: a face tracker's landmarks and pose matrices turned into
// head poses and face coefficients a frame (the face track), and the track's file format. The tracker itself
// runs in a page (runtime-web/tracking/) or in headless Chromium driven by `posedyn track`.
export { FACE_TRACK_POSE_UNITS, NoFaceError, POSE_CHANNEL_NAMES, assembleFaceTrack, trackFrameCount } from './face-track.ts';
export type { AssembleOptions, FaceTrack, FaceTrackSummary } from './face-track.ts';
export { LANDMARK_NOISE_CM, LandmarkFaceFit, MAX_MEAN_DISTANCE_CM, distanceToCanonicalMesh } from './landmark-face-fit.ts';
export { LANDMARK_COUNT, mouthOpening } from './landmarks.ts';
export { faceTrackToJson, parseFaceTrack } from './track-format.ts';
export type { FaceTrackFile } from './track-format.ts';
export { TRACKED_FRAME_VALUES, decodeTrackedFrames, encodeTrackedFrames } from './tracked-frame.ts';
export type { TrackedFace, TrackedFrame } from './tracked-frame.ts';
