// The namespace `features` of `posedyn/talking-head`: audio features a frame and the [frames, F, 16] windows the
// networks read (see this folder's README). Generation computes them itself; these are for datasets and tools.
export { computeAudioFeatures, computeFrameFeatures, contextWindows } from './audio-features.ts';
export {
  assertSameFeatureConfig, deepSpeechFeatureConfig, defaultFeatureConfig, featureConfig, featureConfigFromJson, featureConfigHash,
  featureConfigToJson, sameFeatureConfig, validateFeatureConfig,
} from './config.ts';
export type { AudioFeatureConfig, FeatureConfig, PrecomputedFeatureConfig } from './config.ts';
export { precomputedAudioFeatures } from './precomputed.ts';
export type { FeatureArray } from './precomputed.ts';
export { hzToMel, melFilterbank, melToHz } from './mel-filterbank.ts';
export type { MelFilterbank } from './mel-filterbank.ts';
