// The namespace `data` of `posedyn/talking-head`: datasets (see this folder's README): clips found and decoded,
// the dataset built from them (features, smoothed poses, splits, windows, statistics), loaded back, and the
// batches the trainers take.
export { buildDataset, clipFileBytes, DEFAULT_SMOOTHING, DEFAULT_WINDOWING, reconcileFrames, splitSegments, unwrapEulerAngles, windowStarts } from './build-dataset.ts';
export type { BuildOptions, BuiltClip, BuiltDataset, ClipAudio, ClipInput, ClipPose } from './build-dataset.ts';
export {
  assignIdentities, clipAudioFromWav, clipFromDeep3DMat, clipFromFeatureFile, clipFromOpenFaceCsv, discoverClips, IDENTITY_MANIFEST,
  identityFromStem, parseIdentityManifest, readClipInput,
} from './clip-sources.ts';
export type { ClipDecodeOptions, ClipDiscovery, ClipFileSet } from './clip-sources.ts';
export {
  DATASET_FORMAT, DATASET_VERSION, datasetManifestToJson, datasetSummaryTable, FACE_CHANNELS, FACE_EXP_CHANNELS, FACE_ID_CHANNELS,
  parseDatasetManifest, POSE_CHANNELS, SPLITS, STD_FLOOR,
} from './dataset-format.ts';
export type { ChannelStats, ClipEntry, DatasetManifest, FrameRange, IdentityEntry, Split, WindowRef } from './dataset-format.ts';
export { Dataset, datasetFromBuild, faceBatch, facePairs, loadDataset, poseBatch, segmentFrames } from './dataset.ts';
export type { DatasetClip, DatasetFiles, FaceBatch, FrameRef, PoseBatch, PoseBatchOptions, SegmentView } from './dataset.ts';
export { identitySubset } from './identity-subset.ts';
