// Real head motion without audio (ours, beyond the paper): clips of poses only, e.g. Deep3DFaceRecon `.mat`
// tracks of other speakers, as extra real examples for PoseGAN's motion critic (talking-head/training/motion-critic.ts).
// Each clip goes through what the dataset build does to poses (talking-head/data/build-dataset.ts): Euler angles
// unwrapped along time, the Eq. (1) filter at the dataset's sigma, then normalisation with the dataset's
// training statistics, so its motion is in the units the generator's output is.
import type { Engine } from '../../core/engine.ts';
import { smoothPoseSequence } from '../ops/gaussian-filter.ts';
import { Tensor } from '../../core/tensor.ts';
import { unwrapEulerAngles } from './build-dataset.ts';
import { clipFromDeep3DMat } from './clip-sources.ts';
import { type DatasetManifest, POSE_CHANNELS, STD_FLOOR } from './dataset-format.ts';

export interface PoseOnlyClip {
  readonly name: string;
  /** normalised poses [frames, 6] */
  readonly pose: Float32Array;
}

/** Deep3DFaceRecon `.mat` files (bytes and a name each) -> smoothed, normalised pose clips. */
export async function poseOnlyClips(engine: Engine, files: readonly { name: string; bytes: Uint8Array }[], manifest: DatasetManifest): Promise<PoseOnlyClip[]> {
  if (manifest.poseUnit !== 'bfm') throw new Error(`pose-only clips are Deep3DFaceRecon tracks (BFM units); the dataset's poses are in ${manifest.poseUnit}`);
  const { mean, std } = manifest.stats.pose;
  const clips: PoseOnlyClip[] = [];
  for (const file of files) {
    const { pose } = clipFromDeep3DMat(file.bytes, file.name);
    if (pose.frames < 2) continue;
    const unwrapped = Float32Array.from(unwrapEulerAngles(pose.values, pose.frames));
    const input = Tensor.fromArray(engine, unwrapped, [pose.frames, POSE_CHANNELS], `pose-only ${file.name}`);
    const smoothed = engine.noGrad(() => smoothPoseSequence(input, manifest.smoothing.sigma, manifest.smoothing.halfWindow));
    try {
      const values = await smoothed.read();
      clips.push({ name: file.name, pose: values.map((v, i) => (v - mean[i % POSE_CHANNELS]!) / Math.max(std[i % POSE_CHANNELS]!, STD_FLOOR)) });
    } finally {
      input.dispose();
      smoothed.dispose();
    }
  }
  return clips;
}
