// The whole fit, runtime-agnostic: clips with coefficients and tracked landmarks (tracked-coefficient-clips.ts)
// -> a face model file (fitted-face-model-file.ts) and what was measured on the way.
//   1. Sufficient statistics of the training split's frames, pooled over clips; one set a clip for the val split.
//   2. The regularisation weights (lambdaId, lambdaExp) chosen on the val split (landmark-model-fit.ts,
//      chooseRegularisation: one-standard-error rule over val segments) with the prior's basis as B0.
//   3. The fit on the training frames with those weights; the coefficient prior (FaceModel.coefficientPrior) is
//      the training frames' coefficient mean and standard deviation.
//   4. The model as it will be stored (bases in half precision) is read back and measured on the val and test
//      splits against the tracked landmarks (landmark-agreement.ts), beside the prior model: the figures go into
//      the file's provenance.
// Nothing of the val or test frames enters the model except the choice of the two weights (val).
import { FACE_COEFFICIENTS, type FaceModel, ID_COMPONENTS, combinedBasis } from '../face-model.ts';
import { LANDMARK_COUNT } from '../../tracking/landmarks.ts';
import { encodeFittedFaceModel, parseFittedFaceModel } from './fitted-face-model-file.ts';
import { type LandmarkAgreement, landmarkAgreement } from './landmark-agreement.ts';
import { FitStatistics, LAMBDA_GRID, type RegularisationChoice, chooseRegularisation, coefficientMoments, fitLandmarkModel } from './landmark-model-fit.ts';
import { type TrackedCoefficientClip, alignedSplit } from './tracked-coefficient-clips.ts';

/** The name of the model the project ships (FaceModel.name; checkpoints and reports record it). */
export const FITTED_FACE_MODEL_NAME = 'fitted-face(styletalk)';

export interface FaceModelFitOptions {
  /** FaceModel.name of the result */
  readonly name: string;
  /** the model to shrink toward (B0), on MediaPipe's 468 vertices: the procedural model */
  readonly prior: FaceModel;
  /** what the clips are, how they were tracked, the command: copied into the provenance */
  readonly source: Readonly<Record<string, unknown>>;
  readonly grid?: readonly number[];
  readonly log?: (line: string) => void;
}

export interface AgreementPair {
  readonly fitted: LandmarkAgreement;
  readonly prior: LandmarkAgreement;
}

export interface FaceModelFit {
  /** the file's text */
  readonly text: string;
  /** the model as read back from `text` */
  readonly model: FaceModel;
  readonly choice: RegularisationChoice;
  readonly trainFrames: number;
  readonly agreement: { readonly val: AgreementPair; readonly test: AgreementPair };
}

const ROWS = 3 * LANDMARK_COUNT;

/** The prior's combined basis on the first 468 vertices [1404, 144] in cm. */
function priorBasis(prior: FaceModel): Float32Array {
  if (prior.units !== 'cm' || prior.vertexCount < LANDMARK_COUNT) throw new RangeError(`fitFaceModel: the prior '${prior.name}' must be a model in cm on MediaPipe's mesh`);
  return combinedBasis(prior).subarray(0, ROWS * FACE_COEFFICIENTS);
}

export function fitFaceModel(clips: readonly TrackedCoefficientClip[], options: FaceModelFitOptions): FaceModelFit {
  const log = options.log ?? (() => undefined);
  if (clips.length === 0) throw new RangeError('fitFaceModel: no clips');
  const train = new FitStatistics(ROWS);
  const validation: FitStatistics[] = [];
  for (const clip of clips) {
    const frames = alignedSplit(clip, 'train');
    for (let t = 0; t < frames.frames; t++) train.add(frames.coefficients, t * FACE_COEFFICIENTS, frames.landmarks, t * ROWS);
    const val = alignedSplit(clip, 'val');
    const own = new FitStatistics(ROWS);
    for (let t = 0; t < val.frames; t++) own.add(val.coefficients, t * FACE_COEFFICIENTS, val.landmarks, t * ROWS);
    validation.push(own);
  }
  log(`fit: ${train.frames} training frames of ${clips.length} clips; choosing the regularisation on ${validation.reduce((n, s) => n + s.frames, 0)} val frames`);
  const b0 = priorBasis(options.prior);
  const choice = chooseRegularisation(train, validation, b0, options.grid ?? LAMBDA_GRID);
  const { lambdaId, lambdaExp } = choice.chosen;
  log(`fit: lambdaId ${lambdaId}, lambdaExp ${lambdaExp} (val ${choice.chosen.validationError.toExponential(4)} cm^2; best ${choice.best.validationError.toExponential(4)} at ${choice.best.lambdaId}, ${choice.best.lambdaExp})`);
  const fitted = fitLandmarkModel(train, b0, choice.chosen);
  const moments = coefficientMoments(train);

  const E = FACE_COEFFICIENTS - ID_COMPONENTS;
  const idBasis = new Float64Array(ROWS * ID_COMPONENTS);
  const expBasis = new Float64Array(ROWS * E);
  for (let r = 0; r < ROWS; r++) {
    idBasis.set(fitted.basis.subarray(r * FACE_COEFFICIENTS, r * FACE_COEFFICIENTS + ID_COMPONENTS), r * ID_COMPONENTS);
    expBasis.set(fitted.basis.subarray(r * FACE_COEFFICIENTS + ID_COMPONENTS, (r + 1) * FACE_COEFFICIENTS), r * E);
  }
  const fitSummary = {
    method: 'regularised least squares per landmark coordinate: min sum_t |L_t - S_mean - B c_t|^2 + sum_k lambda_k |B[:,k] - B0[:,k]|^2 (talking-head/face/fitted/landmark-model-fit.ts)',
    prior: options.prior.name,
    trainFrames: train.frames,
    valFrames: validation.reduce((n, s) => n + s.frames, 0),
    grid: [...(options.grid ?? LAMBDA_GRID)],
    rule: 'one standard error: the most regularised (largest lambdaId * lambdaExp) pair whose mean val error is within one standard error (over val segments, paired) of the best pair',
    chosen: choice.chosen,
    best: choice.best,
    coefficientPrior: 'mean and population standard deviation of the training frames\' coefficients',
  };
  const parts = { name: options.name, mean: fitted.mean, idBasis, expBasis, coefficientMean: moments.mean, coefficientStd: moments.std };
  // Measured on the model as stored (half-precision bases), then written again with the figures.
  const stored = parseFittedFaceModel(JSON.parse(encodeFittedFaceModel({ ...parts, provenance: null })), 'fitFaceModel').model;
  const measure = (split: 'val' | 'test'): AgreementPair => {
    const segments = clips.map((c) => alignedSplit(c, split));
    return { fitted: landmarkAgreement(stored, segments), prior: landmarkAgreement(options.prior, segments) };
  };
  const agreement = { val: measure('val'), test: measure('test') };
  const text = encodeFittedFaceModel({ ...parts, provenance: { ...options.source, fit: fitSummary, agreement } });
  return { text, model: parseFittedFaceModel(JSON.parse(text), 'fitFaceModel').model, choice, trainFrames: train.frames, agreement };
}
