// Fitting Eq. (2) to tracked faces: a 3DMM on MediaPipe's mesh whose coefficients are Deep3DFaceRecon's.
// Every training frame t gives the tracker's 468 landmarks L_t (cm, pose removed: the canonical face frame of
// talking-head/tracking/tracked-frame.ts; 1404 values) and the frame's Deep3DFaceRecon coefficients
// c_t = [alpha_id, alpha_exp] (144). Each landmark coordinate r is a linear regression on the coefficients,
//   L_t[r] = S_mean[r] + B[r, :] c_t + e_t[r],
// fitted by regularised least squares that shrinks every basis column toward a prior basis B0 (the procedural
// model's, procedural-face-model.ts):
//   min over S_mean, B of  sum_t |L_t - S_mean - B c_t|^2  +  sum_k lambda_k |B[:, k] - B0[:, k]|^2
// with lambda_k = lambdaId for the 80 identity columns and lambdaExp for the 64 expression columns, and S_mean
// unpenalised. With the training means c̄, L̄, C = sum_t (c_t - c̄)(c_t - c̄)^T [144, 144] and
// X = sum_t (c_t - c̄)(L_t - L̄)^T [144, 1404] the solution is
//   B^T = (C + Λ)^-1 (X + Λ B0^T),   S_mean = L̄ - B c̄.
// A coefficient direction the frames excite strongly (C large along it) gets the data's displacement; one they
// barely excite (C small) keeps most of B0's, a smooth movement of a named region instead of a noise estimate.
// lambda counts pseudo-frames: lambda = 1 weighs the prior like one frame whose coefficient moved by 1 along k.
//
// Everything here works on sufficient statistics (FitStatistics: sums, C and X uncentred), so the training
// frames are read once, and a validation segment's squared error under any (S_mean, B) is a few 144 x 144
// products (segmentSquaredError): choosing the weights on the val split costs nothing per candidate.
import { FACE_COEFFICIENTS, ID_COMPONENTS } from '../face-model.ts';
import { solveSymmetricPositiveDefinite } from '../symmetric-solve.ts';

const K = FACE_COEFFICIENTS;

/** Sums over frames in float64: n, sum c, sum L, sum c c^T, sum c L^T, sum |L|^2. */
export class FitStatistics {
  readonly rows: number;
  frames = 0;
  readonly sumC = new Float64Array(K);
  readonly sumL: Float64Array;
  /** [144, 144] sum c c^T */
  readonly cc = new Float64Array(K * K);
  /** [144, rows] sum c L^T */
  readonly cl: Float64Array;
  sumLL = 0;

  /** `rows`: landmark values a frame (1404 for 468 landmarks). */
  constructor(rows: number) {
    this.rows = rows;
    this.sumL = new Float64Array(rows);
    this.cl = new Float64Array(K * rows);
  }

  /** One frame: coefficients [144] at `cAt` of `coefficients`, landmarks [rows] at `lAt` of `landmarks`. */
  add(coefficients: ArrayLike<number>, cAt: number, landmarks: ArrayLike<number>, lAt: number): void {
    const R = this.rows;
    const c = Float64Array.from({ length: K }, (_, k) => coefficients[cAt + k]!);
    const l = Float64Array.from({ length: R }, (_, r) => landmarks[lAt + r]!);
    this.frames++;
    for (let r = 0; r < R; r++) {
      this.sumL[r]! += l[r]!;
      this.sumLL += l[r]! * l[r]!;
    }
    for (let a = 0; a < K; a++) {
      const ca = c[a]!;
      this.sumC[a]! += ca;
      for (let b = 0; b < K; b++) this.cc[a * K + b]! += ca * c[b]!;
      const row = a * R;
      for (let r = 0; r < R; r++) this.cl[row + r]! += ca * l[r]!;
    }
  }

  /** Adds another set's sums (the union of their frames). */
  merge(other: FitStatistics): void {
    if (other.rows !== this.rows) throw new RangeError(`FitStatistics.merge: ${other.rows} landmark values a frame, expected ${this.rows}`);
    this.frames += other.frames;
    this.sumLL += other.sumLL;
    for (const [mine, theirs] of [[this.sumC, other.sumC], [this.sumL, other.sumL], [this.cc, other.cc], [this.cl, other.cl]] as const) {
      for (let i = 0; i < mine.length; i++) mine[i]! += theirs[i]!;
    }
  }
}

export interface Regularisation {
  readonly lambdaId: number;
  readonly lambdaExp: number;
}

/** A linear landmark model: L = mean + basis c. */
export interface LandmarkModel {
  /** [rows] */
  readonly mean: Float64Array;
  /** [rows, 144] row-major, alpha_id columns then alpha_exp */
  readonly basis: Float64Array;
}

/**
 * The regularised least-squares fit above. `prior`: B0 [rows, 144] row-major (alpha_id columns then alpha_exp).
 */
export function fitLandmarkModel(train: FitStatistics, prior: ArrayLike<number>, weights: Regularisation): LandmarkModel {
  const R = train.rows;
  const n = train.frames;
  if (prior.length !== R * K) throw new RangeError(`fitLandmarkModel: prior basis has ${prior.length} values, expected ${R} x ${K}`);
  if (n < 2) throw new RangeError(`fitLandmarkModel: ${n} training frames, expected at least 2`);
  for (const [name, v] of Object.entries(weights)) {
    if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`fitLandmarkModel: ${name} is ${v}, expected a finite weight > 0`);
  }
  const cBar = train.sumC.map((s) => s / n);
  const lBar = train.sumL.map((s) => s / n);
  const lambda = (k: number) => (k < ID_COMPONENTS ? weights.lambdaId : weights.lambdaExp);
  // normal = C + Λ; rhs = X + Λ B0^T [144, R]
  const normal = new Float64Array(K * K);
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) normal[a * K + b] = train.cc[a * K + b]! - n * cBar[a]! * cBar[b]!;
    normal[a * K + a]! += lambda(a);
  }
  const rhs = new Float64Array(K * R);
  for (let a = 0; a < K; a++) {
    const la = lambda(a);
    for (let r = 0; r < R; r++) rhs[a * R + r] = train.cl[a * R + r]! - n * cBar[a]! * lBar[r]! + la * prior[r * K + a]!;
  }
  solveSymmetricPositiveDefinite(normal, rhs, K, R, 'fitLandmarkModel');
  const basis = new Float64Array(R * K);
  for (let a = 0; a < K; a++) for (let r = 0; r < R; r++) basis[r * K + a] = rhs[a * R + r]!;
  const mean = Float64Array.from(lBar);
  for (let r = 0; r < R; r++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += basis[r * K + k]! * cBar[k]!;
    mean[r]! -= s;
  }
  return { mean, basis };
}

/** B^T B [144, 144]: what segmentSquaredError needs of a model, computed once for all segments. */
export function basisGram(model: LandmarkModel, rows: number): Float64Array {
  const g = new Float64Array(K * K);
  for (let r = 0; r < rows; r++) {
    const row = model.basis.subarray(r * K, (r + 1) * K);
    for (let a = 0; a < K; a++) {
      const ba = row[a]!;
      if (ba === 0) continue;
      for (let b = a; b < K; b++) g[a * K + b]! += ba * row[b]!;
    }
  }
  for (let a = 0; a < K; a++) for (let b = 0; b < a; b++) g[a * K + b] = g[b * K + a]!;
  return g;
}

/**
 * sum over the segment's frames of |L_t - S_mean - B c_t|^2, from its statistics alone:
 *   sum |L|^2 - 2 (S·sum L + sum_rk B_rk (sum c L^T)_kr) + n |S|^2 + 2 S^T B sum c + <B^T B, sum c c^T>
 */
export function segmentSquaredError(segment: FitStatistics, model: LandmarkModel, gram: Float64Array): number {
  const R = segment.rows;
  const { mean: S, basis: B } = model;
  let cross = 0;
  let meanTerm = 0;
  let meanBasis = 0;
  for (let r = 0; r < R; r++) {
    cross += S[r]! * segment.sumL[r]!;
    meanTerm += S[r]! * S[r]!;
    let bc = 0;
    for (let k = 0; k < K; k++) {
      bc += B[r * K + k]! * segment.sumC[k]!;
      cross += B[r * K + k]! * segment.cl[k * R + r]!;
    }
    meanBasis += S[r]! * bc;
  }
  let quadratic = 0;
  for (let i = 0; i < K * K; i++) quadratic += gram[i]! * segment.cc[i]!;
  return Math.max(0, segment.sumLL - 2 * cross + segment.frames * meanTerm + 2 * meanBasis + quadratic);
}

export interface RegularisationCandidate extends Regularisation {
  /** mean over validation segments of each segment's mean squared landmark distance, cm^2 */
  readonly validationError: number;
  /** that mean minus the best candidate's, and the standard error of the per-segment differences */
  readonly aboveBest: number;
  readonly standardError: number;
}

export interface RegularisationChoice {
  readonly chosen: RegularisationCandidate;
  readonly best: RegularisationCandidate;
  readonly candidates: readonly RegularisationCandidate[];
}

/** The default grid: 0.01 .. 100 pseudo-frames, about 3 steps a decade, for each of lambdaId and lambdaExp. */
export const LAMBDA_GRID = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100] as const;

/**
 * Chooses (lambdaId, lambdaExp) on validation segments by the one-standard-error rule: among the grid's pairs
 * whose mean validation error lies within one standard error (over segments, of the paired per-segment
 * difference) of the best pair's, the one that shrinks most toward the prior (largest lambdaId * lambdaExp;
 * then the lower error). The data may not prefer the prior anywhere (on this kind of data the best error sits
 * at the smallest lambdas), and the rule then keeps as much of it as the validation frames cannot tell apart
 * from the best fit: in coefficient directions the training frames barely excite, the prior's smooth movement
 * stays, where a noise estimate would be indistinguishable on held-out frames of the same people.
 * Segment errors are mean squared landmark distances (cm^2 a landmark and frame).
 */
export function chooseRegularisation(train: FitStatistics, validation: readonly FitStatistics[], prior: ArrayLike<number>, grid: readonly number[] = LAMBDA_GRID): RegularisationChoice {
  const segments = validation.filter((s) => s.frames > 0);
  if (segments.length < 2) throw new RangeError(`chooseRegularisation: ${segments.length} validation segments with frames, expected at least 2 (the rule needs a standard error)`);
  const landmarks = train.rows / 3;
  const scored = grid.flatMap((lambdaId) => grid.map((lambdaExp) => {
    const model = fitLandmarkModel(train, prior, { lambdaId, lambdaExp });
    const gram = basisGram(model, train.rows);
    return { lambdaId, lambdaExp, errors: segments.map((s) => segmentSquaredError(s, model, gram) / (s.frames * landmarks)) };
  }));
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const best = scored.reduce((a, b) => (mean(b.errors) < mean(a.errors) ? b : a));
  const candidates = scored.map(({ lambdaId, lambdaExp, errors }): RegularisationCandidate => {
    const differences = errors.map((e, i) => e - best.errors[i]!);
    const d = mean(differences);
    const variance = differences.reduce((a, x) => a + (x - d) ** 2, 0) / (differences.length - 1);
    return { lambdaId, lambdaExp, validationError: mean(errors), aboveBest: d, standardError: Math.sqrt(variance / differences.length) };
  });
  const within = candidates.filter((c) => c.aboveBest <= c.standardError);
  const chosen = within.reduce((a, b) => {
    const [sa, sb] = [a.lambdaId * a.lambdaExp, b.lambdaId * b.lambdaExp];
    return sb > sa || (sb === sa && b.validationError < a.validationError) ? b : a;
  });
  return { chosen, best: candidates.find((c) => c.lambdaId === best.lambdaId && c.lambdaExp === best.lambdaExp)!, candidates };
}

/** Per-coefficient mean and population standard deviation over the frames of `statistics`. */
export function coefficientMoments(statistics: FitStatistics): { mean: Float64Array; std: Float64Array } {
  const n = statistics.frames;
  const mean = statistics.sumC.map((s) => s / n);
  const std = mean.map((m, k) => Math.sqrt(Math.max(0, statistics.cc[k * K + k]! / n - m * m)));
  return { mean, std };
}
