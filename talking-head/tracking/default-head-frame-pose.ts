// The shipped head-frame readout (head-frame-pose.json, written by `posedyn fit-head-frame`): the rotation the
// tracker reports for every video, in the CLI and the page (face-track.ts). Its own module, so that the fit can
// run without it (to make it).
import headFramePoseFile from './head-frame-pose.json';
import { type HeadFramePose, decodeHeadFramePose } from './head-frame-pose.ts';

let shipped: HeadFramePose | null = null;

/** The shipped readout, decoded once. */
export function defaultHeadFramePose(): HeadFramePose {
  shipped ??= decodeHeadFramePose(headFramePoseFile, 'talking-head/tracking/head-frame-pose.json');
  return shipped;
}

/** The provenance recorded in the shipped file: the data, split, selection and measured agreement. */
export function headFramePoseProvenance(): unknown {
  return (headFramePoseFile as { provenance?: unknown }).provenance;
}
