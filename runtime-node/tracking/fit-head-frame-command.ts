// `posedyn fit-head-frame --data DIR --videos DIR`: the head-frame readout the tracker's pose uses
// (talking-head/tracking/head-frame-fit.ts says how), fitted to the training split of clips that have Deep3DFaceRecon
// coefficients (<stem>.mat + <stem>.wav in --data, as `posedyn dataset build` reads them) and a video of the same
// frames (<stem>.mp4 in --videos): the styletalk samples. Writes talking-head/tracking/head-frame-pose.json (or
// --out) atomically, with its provenance. Deterministic: the same tracks give the same bytes.
//
// Alignment: video frame k + offset is coefficient row k, offset = video frames - rows (the styletalk videos
// have 2 frames more, Obama_clip3 none; tests/tracking/styletalk-video.test.ts finds the same offset by
// correlating the angles). Split: the dataset's 7:1:2 by time over the clip's dataset frames (splitSegments of the
// rows trimmed to the audio, reconcileFrames); only the training frames are read.
//
// MediaPipe's own output (pose matrix and landmarks a frame, before any of posedyn) is what the fit needs, so the
// tracked frames are cached as that (--tracks, default out/head-frame/tracks/<stem>.frames.f32: the tracker
// page's Float32 transport layout, tracked-frame.ts), not as track.json, whose pose is already a head-frame pose.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { splitSegments } from '../../talking-head/data/build-dataset.ts';
import { defaultFeatureConfig } from '../../talking-head/features/config.ts';
import { fromFaceGeometry } from '../../talking-head/pose/pose-convention.ts';
import {
  type HeadFrameClip, type HeadFrameClipSource, type HeadFrameCandidate, HeadFrameScatter, fitHeadFrameModel, fitRayFraction, headFrameAngles, headFrameClip, headFrameReadout, pooledAngleCorrelation, selectHeadFrameFit, trackerAngles,
} from '../../talking-head/tracking/head-frame-fit.ts';
import { HeadFramePose, encodeHeadFramePose } from '../../talking-head/tracking/head-frame-pose.ts';
import { type TrackedFrame, decodeTrackedFrames, encodeTrackedFrames } from '../../talking-head/tracking/tracked-frame.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { pathExists } from '../files/path-exists.ts';
import { readFileBytes } from '../files/read-file.ts';
import { type CoefficientClip, clipVideoFile, readCoefficientClips } from '../face/coefficient-clips.ts';
import { ChromiumFaceTracker } from './chromium-tracker.ts';
import { decodeFrames, probeVideo } from './ffmpeg.ts';

export const HEAD_FRAME_LAMBDAS = [1, 3, 10, 30, 100, 300, 1000] as const;
export const HEAD_FRAME_SIGMAS = [0.1, 0.3, 0.5, 1] as const;
/** The largest offset between a video and its coefficient rows taken as the same clip. */
const MAX_VIDEO_OFFSET = 4;

export interface FitHeadFrameOptions {
  readonly data: string;
  readonly videos: string;
  readonly tracks: string;
  readonly out: string;
  readonly log?: (line: string) => void;
}

/** MediaPipe's frames of a clip's video: read from the cache, or tracked (one Chromium for all) and cached. */
async function trackedFrames(clip: CoefficientClip, options: FitHeadFrameOptions, tracker: () => Promise<ChromiumFaceTracker>): Promise<TrackedFrame[]> {
  const log = options.log ?? (() => undefined);
  const cache = join(options.tracks, `${clip.name}.frames.f32`);
  if (await pathExists(cache)) {
    const bytes = await readFileBytes(cache);
    const frames = decodeTrackedFrames(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), cache);
    log(`${clip.name}: ${frames.length} tracked frames read from ${cache}`);
    return frames;
  }
  const file = await clipVideoFile(options.videos, clip.name);
  const info = await probeVideo(file);
  if (info.decodeFps !== defaultFeatureConfig.fps || info.fps !== defaultFeatureConfig.fps) {
    throw new Error(`${file}: a ${info.fps.toFixed(2)} frames/s video; coefficient rows are frames of a ${defaultFeatureConfig.fps} frames/s video`);
  }
  const started = performance.now();
  const frames = await (await tracker()).track(info, decodeFrames(info));
  log(`${clip.name}: ${frames.length} frames of ${file} tracked in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await mkdir(options.tracks, { recursive: true });
  await writeFileAtomic(cache, new Uint8Array(encodeTrackedFrames(frames).buffer));
  return frames;
}

/** The training frames of a clip as the fit reads them; throws naming the clip for a bad offset or a frame without a face. */
function trainingRows(clip: CoefficientClip, tracked: readonly TrackedFrame[]): { source: HeadFrameClipSource; from: number; to: number } {
  const offset = tracked.length - clip.rows;
  if (!(offset >= 0 && offset <= MAX_VIDEO_OFFSET)) {
    throw new RangeError(`clip '${clip.name}': its video has ${tracked.length} frames and its .mat ${clip.rows} rows; expected the video to have 0 to ${MAX_VIDEO_OFFSET} frames more (video frame k + offset = row k)`);
  }
  for (const f of tracked) if (f.face) fromFaceGeometry(f.face.poseMatrix); // checks every matrix is rigid
  const [from, to] = splitSegments(clip.frames).train;
  return { source: clipSource(clip, tracked), from, to };
}

function clipSource(clip: CoefficientClip, tracked: readonly TrackedFrame[]): HeadFrameClipSource {
  return { clip: clip.name, identity: clip.identity, tracked, offset: tracked.length - clip.rows, referencePose: clip.pose, coefficients: clip.coefficients };
}

/** Pearson correlation per angle of [frames, 3] series over the frames both have. */
function angleR(a: Float64Array, b: Float64Array): number[] {
  return pooledAngleCorrelation([{ estimate: a, reference: b }]).map((r) => Number(r.toFixed(4)));
}

/** The whole clip's angles, MediaPipe's, relative to the viewing ray, and read out (video frame k + offset against row k), for the provenance. */
function wholeClipAgreement(clip: CoefficientClip, tracked: readonly TrackedFrame[], pose: HeadFramePose, rayFraction: number): { mediapipe: number[]; viewingRay: number[]; headFrame: number[] } | null {
  const offset = tracked.length - clip.rows;
  if (tracked.slice(offset, offset + clip.rows).some((f) => !f.face)) return null;
  const whole = headFrameClip(clipSource(clip, tracked), 0, clip.rows, rayFraction);
  const mediapipe = new Float64Array(3 * clip.rows);
  for (let k = 0; k < clip.rows; k++) mediapipe.set(fromFaceGeometry(tracked[k + offset]!.face!.poseMatrix).values.subarray(0, 3), 3 * k);
  return { mediapipe: angleR(mediapipe, whole.referenceAngles), viewingRay: angleR(trackerAngles(whole), whole.referenceAngles), headFrame: angleR(headFrameAngles(pose, whole), whole.referenceAngles) };
}

export async function runFitHeadFrame(options: FitHeadFrameOptions): Promise<{ best: HeadFrameCandidate; file: string }> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clips = await readCoefficientClips(options.data);
  let tracker: ChromiumFaceTracker | null = null;
  const tracked = new Map<string, TrackedFrame[]>();
  try {
    for (const clip of clips) tracked.set(clip.name, await trackedFrames(clip, { ...options, log }, async () => (tracker ??= await ChromiumFaceTracker.launch({ log }))));
  } finally {
    await (tracker as ChromiumFaceTracker | null)?.close();
  }
  const rows = clips.map((c) => trainingRows(c, tracked.get(c.name)!));
  const rayFraction = fitRayFraction(rows);
  log(`ray fraction k ${rayFraction.toFixed(4)} (least squares of Deep3DFaceRecon's minus MediaPipe's pitch on the viewing ray's elevation, training frames)`);
  const training: HeadFrameClip[] = rows.map((r) => headFrameClip(r.source, r.from, r.to, rayFraction));
  const identities = [...new Set(training.map((c) => c.identity))];
  log(`${training.reduce((n, c) => n + c.frames, 0)} training frames of ${training.length} clips, ${identities.length} identities (${identities.join(', ')})`);
  log('leave-one-identity-out selection of lambda (pseudo-frames) and sigma (cm):');
  const { candidates, best } = selectHeadFrameFit(training, rayFraction, HEAD_FRAME_LAMBDAS, HEAD_FRAME_SIGMAS, log);
  log(`chosen: lambda ${best.lambda}, sigma ${best.sigma} cm (held-out r pitch ${best.r[0].toFixed(4)}, yaw ${best.r[1].toFixed(4)}, roll ${best.r[2].toFixed(4)})`);
  const model = fitHeadFrameModel(HeadFrameScatter.merge(training.map((c) => new HeadFrameScatter().addClip(c))), best.lambda);
  const name = 'head-frame(styletalk)';
  const readout = headFrameReadout(model, best.sigma, name, rayFraction);
  const pose = new HeadFramePose(readout);
  const agreement = clips.map((c) => ({ clip: c.name, ...wholeClipAgreement(c, tracked.get(c.name)!, pose, rayFraction) }));
  for (const a of agreement) log(`  ${a.clip}: whole clip r pitch/yaw/roll, MediaPipe ${a.mediapipe?.join(' ')}, relative to k of the ray's elevation ${a.viewingRay?.join(' ')} -> head frame ${a.headFrame?.join(' ')}`);
  const provenance = {
    description: "Deep3DFaceRecon's head frame for MediaPipe's face mesh, applied to MediaPipe's rotation relative to a fraction rayFraction of the viewing ray's elevation (head-frame-pose.ts viewingRayRotation; rayFraction by least squares on the training frames, head-frame-fit.ts fitRayFraction): the rotation rows of the MAP fit of a linear face model (MediaPipe's 468 landmarks, Deep3DFaceRecon's 80 + 64 coefficients) fitted to tracked meshes rotated into Deep3DFaceRecon's head frame (talking-head/tracking/head-frame-fit.ts). Holds no Basel Face Model data.",
    command: 'node runtime-node/bin/posedyn.js fit-head-frame --data $POSEDYN_DATA/styletalk --videos $POSEDYN_DATA/styletalk-video',
    data: 'the styletalk samples (FuxiVirtualHuman/styletalk, MIT licence): Deep3DFaceRecon coefficients (.mat coeff: angles 224:227, alpha 0:144) and the same clips as 256 x 256 videos, tracked by MediaPipe Face Mesh 0.4.1633559619 (posedyn track\'s tracker)',
    split: 'training split only: the first 70% of each clip\'s dataset frames (talking-head/data/build-dataset.ts splitSegments)',
    clips: rows.map((r) => ({ clip: r.source.clip, identity: r.source.identity, trainingRows: [r.from, r.to], videoOffset: r.source.offset })),
    rayFraction,
    trainingFrames: model.frames,
    selection: {
      criterion: 'leave-one-identity-out over the training frames: pooled per-clip-centred correlation with Deep3DFaceRecon\'s angles, summed over pitch, yaw, roll',
      chosen: { lambda: best.lambda, sigma: best.sigma },
      candidates: candidates.map((c) => ({ lambda: c.lambda, sigma: c.sigma, r: c.r.map((v) => Number(v.toFixed(4))) })),
    },
    wholeClipAgreement: agreement,
  };
  await mkdir(dirname(options.out), { recursive: true });
  await writeFileAtomic(options.out, encodeHeadFramePose(readout, provenance));
  log(`wrote ${options.out}`);
  return { best, file: options.out };
}
