// A Dataset built by hand in memory for metric tests: identity statistics (mean 0, std 1), so normalised
// arrays equal the raw ones and expected values can be computed by hand.
import { Dataset } from '../../talking-head/data/dataset.ts';
import type { DatasetManifest, FrameRange, Split } from '../../talking-head/data/dataset-format.ts';
import { defaultFeatureConfig } from '../../talking-head/features/config.ts';

export interface HandClip {
  readonly name: string;
  readonly identity: string;
  /** [frames, F] */
  readonly features: number[];
  /** [frames, 6] */
  readonly pose: number[];
  readonly segments: Record<Split, FrameRange>;
}

export function inMemoryDataset(features: number, clips: readonly HandClip[], meanPoses: Record<string, number[]> = {}): Dataset {
  const identities = [...new Set(clips.map((c) => c.identity))].sort();
  const manifest = {
    format: 'posedyn-dataset',
    version: 1,
    featureConfig: { ...defaultFeatureConfig, features },
    smoothing: { sigma: 1, halfWindow: 3 },
    poseUnit: 'bfm',
    windowing: { length: 256, stride: 5 },
    identities: identities.map((name) => ({ name, meanPose: meanPoses[name] ?? [0, 0, 0, 0, 0, 0], stdPose: [1, 1, 1, 1, 1, 1], trainFrames: 0 })),
    clips: clips.map((c) => ({ name: c.name, identity: c.identity, frames: c.pose.length / 6, hasFace: false, file: `clips/${c.name}.safetensors`, segments: c.segments })),
    windows: { train: [], val: [], test: [] },
    stats: {
      pose: { mean: [0, 0, 0, 0, 0, 0], std: [1, 1, 1, 1, 1, 1] },
      face: null,
      features: { mean: new Array<number>(features).fill(0), std: new Array<number>(features).fill(1) },
    },
  } as unknown as DatasetManifest;
  return new Dataset(manifest, clips.map((c) => ({ features: Float32Array.from(c.features), pose: Float32Array.from(c.pose), poseRaw: Float32Array.from(c.pose), face: null })));
}
