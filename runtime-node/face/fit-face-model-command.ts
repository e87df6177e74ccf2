// `posedyn fit-face-model --data DIR --videos DIR`: the default face model (talking-head/face/fitted/), fitted
// to the landmarks the tracker finds in the clips' videos and the clips' Deep3DFaceRecon coefficients, written
// to --out (by default the file the project ships). Deterministic: the same clips and tracks give the same bytes
// (the tracker is deterministic on a machine; --tracks keeps its tracks, and a second run reads them).
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FITTED_FACE_MODEL_NAME, fitFaceModel } from '../../talking-head/face/fitted/fit-face-model.ts';
import type { LandmarkAgreement } from '../../talking-head/face/fitted/landmark-agreement.ts';
import { proceduralFaceModel } from '../../talking-head/face/procedural-face-model.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { packageRoot } from '../files/package-root.ts';
import { readCoefficientClips, trackCoefficientClips } from './coefficient-clips.ts';

/** The model the project ships, which fittedFaceModel() reads (talking-head/face/fitted-face-model.ts). */
export const SHIPPED_FITTED_FACE_MODEL = join(packageRoot(), 'talking-head/face/fitted/fitted-face-model.json');

export interface FitFaceModelOptions {
  /** clips: <stem>.mat (Deep3DFaceRecon coefficients) + <stem>.wav */
  readonly data: string;
  /** their videos, <stem>.mp4 */
  readonly videos: string;
  /** whole-video tracks to read, or to write when missing (<tracks>/<stem>/track.json) */
  readonly tracks?: string;
  readonly out?: string;
  readonly progress?: boolean;
  /** the command line, recorded in the file */
  readonly command: string;
  readonly log?: (line: string) => void;
}

/** The lines that print one split's agreement, fitted beside the prior. */
export function agreementLines(split: string, fitted: LandmarkAgreement, prior: LandmarkAgreement): string[] {
  const lines = [`${split}: ${fitted.frames} frames; mean landmark distance decoded vs tracked: fitted ${fitted.meanDistance.toFixed(4)} cm, ${prior.model} ${prior.meanDistance.toFixed(4)} cm`];
  fitted.identities.forEach((f, i) => {
    const p = prior.identities[i]!;
    lines.push(`  ${f.identity.padEnd(12)} ${String(f.frames).padStart(5)} frames: inner-lip gap r fitted ${f.mouthR.toFixed(3)}, prior ${p.mouthR.toFixed(3)}; landmark distance ${f.meanDistance.toFixed(4)} vs ${p.meanDistance.toFixed(4)} cm`);
  });
  return lines;
}

export async function runFitFaceModel(options: FitFaceModelOptions): Promise<void> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const out = options.out ?? SHIPPED_FITTED_FACE_MODEL;
  const clips = await trackCoefficientClips(await readCoefficientClips(options.data), { videos: options.videos, tracks: options.tracks, log, progress: options.progress });
  const fit = fitFaceModel(clips, {
    name: FITTED_FACE_MODEL_NAME,
    prior: proceduralFaceModel(),
    source: {
      description: 'A 3DMM on MediaPipe\'s canonical face mesh (468 vertices, cm) whose 80 + 64 coefficients are Deep3DFaceRecon\'s: a statistical fit made by posedyn from tracked landmarks and the coefficients of the same frames. It holds no Basel Face Model data.',
      coefficients: `${options.data}: Deep3DFaceRecon coefficients (.mat 'coeff' columns 0-143) of the styletalk samples (FuxiVirtualHuman/styletalk, MIT licence)`,
      landmarks: `${options.videos}: the same clips' videos, tracked by posedyn track (MediaPipe Face Mesh, npm @mediapipe/face_mesh 0.4.1633559619, in headless Chromium): 468 landmarks a frame, pose removed (canonical face frame, cm)`,
      clips: clips.map((c) => ({ name: c.name, identity: c.identity, rows: c.coefficients.length / 144, frames: c.frames, videoOffset: c.offset })),
      alignment: 'video frame k + videoOffset = coefficient row k (videoOffset = video frames - rows); splits 7:1:2 by time over each clip\'s dataset frames, as posedyn dataset build splits them; fitted on the train split, weights chosen on val, measured on val and test',
      command: options.command,
    },
    log,
  });
  for (const split of ['val', 'test'] as const) for (const line of agreementLines(split, fit.agreement[split].fitted, fit.agreement[split].prior)) log(line);
  await mkdir(dirname(out), { recursive: true });
  await writeFileAtomic(out, fit.text);
  log(`wrote ${out} (${(fit.text.length / 1024).toFixed(0)} KB)`);
}
