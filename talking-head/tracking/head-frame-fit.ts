// The head-frame model and its readout (head-frame-pose.ts says what they are for), fitted to frames that have both
// a tracked face and Deep3DFaceRecon coefficients of the same video frame: the styletalk clips' training split
// (`posedyn fit-head-frame`, runtime-node/tracking/fit-head-frame-command.ts).
//
// (ours) 0. k, the fraction of the viewing ray's elevation taken out of the tracker's rotation first
//    (head-frame-pose.ts viewingRayRotation): fitRayFraction, least squares over the training frames (one number;
//    the selection in step 4 uses this k for every held-out person).
// 1. The tracked mesh in Deep3DFaceRecon's head frame: the tracker gives L (MediaPipe's rotation removed,
//    cm) and its rotation relative to k of the viewing ray's elevation R_t (head-frame-pose.ts viewingRayRotation; k
//    fitted first, fitRayFraction), Deep3DFaceRecon
//    the rotation R_d of the same frame, so that frame's face in Deep3DFaceRecon's head frame is y = R_d^T R_t L
//    (centred on its vertex mean; translation is not modelled).
// 2. The model, ridge regression of y on the coefficients c = [alpha_id, alpha_exp] over the training frames:
//      B^T = (C + lambda I)^-1 X,  m = mean(y) - B mean(c),
//    C the centred coefficient scatter, X the centred cross-scatter with y; lambda counts pseudo-frames.
//    The coefficient prior is their mean and standard deviation over the same frames.
// 3. The readout (head-frame-pose.ts): the MAP fit of L ~ (I + [w]x) S(c) + t with the design A = [B | G],
//    G the rotation fields -[m_v]x and translations of the mean, H = A^T A / sigma^2 + diag(1/s^2, 0) and
//    x = H^-1 (A^T (L - m) / sigma^2 + [mu / s^2; 0]); its three w rows of H^-1 A^T / sigma^2 and of
//    H^-1 [mu / s^2; 0] are W and w0. H is positive definite for any basis: G has full column rank, and the
//    prior makes the B block definite.
// 4. lambda and sigma by leave-one-identity-out over the training frames (selectHeadFrameFit): for each person,
//    fit on the others, read out that person's rotations, and score the pooled correlation of the three angles
//    with Deep3DFaceRecon's (each clip centred on its mean), summed over the angles. Holding out whole people
//    measures what a new user's video needs; no validation or test frame is seen.
import { solveSymmetricPositiveDefinite } from '../face/symmetric-solve.ts';
import { FACE_COEFFICIENTS } from '../face/face-model.ts';
import { type Mat3, eulerToMatrix, matrixToEuler } from '../pose/pose-convention.ts';
import { HeadFramePose, type HeadFrameReadout, LANDMARK_VALUES, multiplyMat3, viewingRayElevation, viewingRayRotation } from './head-frame-pose.ts';
import type { TrackedFrame } from './tracked-frame.ts';

const K = FACE_COEFFICIENTS;
const V = LANDMARK_VALUES;

/** One clip's training frames: the tracker's output and Deep3DFaceRecon's for the same video frames. */
export interface HeadFrameClip {
  readonly clip: string;
  readonly identity: string;
  readonly frames: number;
  /** [frames, 1404] the tracker's landmarks, cm, its rotation removed */
  readonly landmarks: Float32Array;
  /** [frames, 9] the tracker's rotations, row-major */
  readonly trackerRotations: Float64Array;
  /** [frames, 3] Deep3DFaceRecon's pitch, yaw, roll (coeff 224:227) */
  readonly referenceAngles: Float64Array;
  /** [frames, 144] Deep3DFaceRecon's alpha_id then alpha_exp */
  readonly coefficients: Float32Array;
}

export interface HeadFrameClipSource {
  readonly clip: string;
  readonly identity: string;
  /** the tracker's frames of the clip's video, one a video frame */
  readonly tracked: readonly TrackedFrame[];
  /** video frame k + offset is coefficient row k */
  readonly offset: number;
  /** [rows, 6] Deep3DFaceRecon's pose a row (angles first, radians) */
  readonly referencePose: ArrayLike<number>;
  /** [rows, 144] Deep3DFaceRecon's alpha_id then alpha_exp a row */
  readonly coefficients: Float32Array;
}

/**
 * k of viewingRayRotation: least squares of Deep3DFaceRecon's pitch minus MediaPipe's on the viewing ray's
 * elevation phi, each clip centred (the correlation ignores offsets; the readout takes them), over coefficient rows
 * [from, to) of each source (the training split). Clamped to [0, 1].
 */
export function fitRayFraction(parts: readonly { readonly source: HeadFrameClipSource; readonly from: number; readonly to: number }[]): number {
  let xy = 0, xx = 0;
  for (const { source, from, to } of parts) {
    const phi: number[] = [];
    const error: number[] = [];
    for (let k = from; k < to; k++) {
      const face = source.tracked[k + source.offset]?.face;
      if (!face) continue;
      const m = face.poseMatrix;
      phi.push(viewingRayElevation(m[7]!, m[11]!));
      error.push(source.referencePose[6 * k]! - matrixToEuler(Float64Array.of(m[0]!, m[1]!, m[2]!, m[4]!, m[5]!, m[6]!, m[8]!, m[9]!, m[10]!))[0]);
    }
    const mp = phi.reduce((a, b) => a + b, 0) / phi.length;
    const me = error.reduce((a, b) => a + b, 0) / error.length;
    for (let i = 0; i < phi.length; i++) {
      xy += (phi[i]! - mp) * (error[i]! - me);
      xx += (phi[i]! - mp) ** 2;
    }
  }
  if (!(xx > 0)) throw new RangeError('fitRayFraction: the viewing ray\'s elevation does not vary over the frames');
  return Math.min(1, Math.max(0, -xy / xx));
}

/**
 * Coefficient rows [from, to) of a clip as the fit reads them (the tracker's rotation relative to k of the viewing
 * ray's elevation, viewingRayRotation); throws naming the clip where a video frame has no face.
 */
export function headFrameClip(source: HeadFrameClipSource, from: number, to: number, rayFraction: number): HeadFrameClip {
  const n = to - from;
  const out = {
    clip: source.clip, identity: source.identity, frames: n,
    landmarks: new Float32Array(n * V), trackerRotations: new Float64Array(n * 9), referenceAngles: new Float64Array(n * 3),
    coefficients: source.coefficients.slice(from * K, to * K),
  };
  for (let k = from; k < to; k++) {
    const face = source.tracked[k + source.offset]?.face;
    if (!face) throw new RangeError(`clip '${source.clip}': no face in video frame ${k + source.offset} (coefficient row ${k}); the head-frame fit needs a face in every frame it reads`);
    out.trackerRotations.set(viewingRayRotation(face.poseMatrix, rayFraction), 9 * (k - from));
    out.landmarks.set(face.landmarks, V * (k - from));
    for (let a = 0; a < 3; a++) out.referenceAngles[3 * (k - from) + a] = source.referencePose[6 * k + a]!;
  }
  assertClip(out);
  return out;
}

/** Sufficient statistics of the regression over some frames: sums of c, y, c c^T and c y^T. */
export class HeadFrameScatter {
  count = 0;
  readonly sumC = new Float64Array(K);
  readonly sumY = new Float64Array(V);
  readonly sumCC = new Float64Array(K * K);
  readonly sumCY = new Float64Array(K * V);

  /** Adds every frame of a clip (its mesh rotated into Deep3DFaceRecon's head frame, step 1). */
  addClip(clip: HeadFrameClip): this {
    assertClip(clip);
    const y = new Float64Array(V);
    for (let f = 0; f < clip.frames; f++) {
      headFrameMesh(clip, f, y);
      const c = clip.coefficients.subarray(f * K, (f + 1) * K);
      this.count++;
      for (let a = 0; a < K; a++) {
        const ca = c[a]!;
        this.sumC[a]! += ca;
        for (let b = 0; b < K; b++) this.sumCC[a * K + b]! += ca * c[b]!;
        const row = a * V;
        for (let r = 0; r < V; r++) this.sumCY[row + r]! += ca * y[r]!;
      }
      for (let r = 0; r < V; r++) this.sumY[r]! += y[r]!;
    }
    return this;
  }

  /** The sum of several scatters (the training people but one, in the selection). */
  static merge(parts: readonly HeadFrameScatter[]): HeadFrameScatter {
    const out = new HeadFrameScatter();
    for (const p of parts) {
      out.count += p.count;
      for (const [to, from] of [[out.sumC, p.sumC], [out.sumY, p.sumY], [out.sumCC, p.sumCC], [out.sumCY, p.sumCY]] as const) {
        for (let i = 0; i < to.length; i++) to[i]! += from[i]!;
      }
    }
    return out;
  }
}

function assertClip(clip: HeadFrameClip): void {
  const n = clip.frames;
  if (clip.landmarks.length !== n * V || clip.trackerRotations.length !== n * 9 || clip.referenceAngles.length !== n * 3 || clip.coefficients.length !== n * K) {
    throw new RangeError(`head-frame clip '${clip.clip}': ${n} frames with ${clip.landmarks.length} landmark, ${clip.trackerRotations.length} rotation, ${clip.referenceAngles.length} angle and ${clip.coefficients.length} coefficient values, expected ${n} x ${V}, 9, 3 and ${K}`);
  }
}

function transpose(m: Mat3): Mat3 {
  return Float64Array.of(m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!);
}

/** Step 1: frame f's mesh in Deep3DFaceRecon's head frame, R_d^T R_t L, centred on its vertex mean, into `out` [1404]. */
export function headFrameMesh(clip: HeadFrameClip, f: number, out = new Float64Array(V)): Float64Array {
  const a = clip.referenceAngles;
  const q = multiplyMat3(transpose(eulerToMatrix(a[3 * f]!, a[3 * f + 1]!, a[3 * f + 2]!)), clip.trackerRotations.subarray(9 * f, 9 * f + 9));
  const l = clip.landmarks.subarray(f * V, (f + 1) * V);
  const centre = [0, 0, 0];
  for (let v = 0; v < V; v += 3) {
    for (let i = 0; i < 3; i++) {
      const value = q[3 * i]! * l[v]! + q[3 * i + 1]! * l[v + 1]! + q[3 * i + 2]! * l[v + 2]!;
      out[v + i] = value;
      centre[i]! += value;
    }
  }
  for (let v = 0; v < V; v += 3) for (let i = 0; i < 3; i++) out[v + i]! -= (3 * centre[i]!) / V;
  return out;
}

export interface HeadFrameModel {
  /** [1404] cm */
  readonly mean: Float64Array;
  /** [1404, 144] row-major, cm per unit coefficient */
  readonly basis: Float64Array;
  readonly coefficientMean: Float64Array;
  readonly coefficientStd: Float64Array;
  readonly lambda: number;
  readonly frames: number;
}

/** Step 2: the ridge regression of the head-frame meshes on the coefficients. */
export function fitHeadFrameModel(scatter: HeadFrameScatter, lambda: number): HeadFrameModel {
  const n = scatter.count;
  if (!(n > 1)) throw new RangeError(`fitHeadFrameModel: ${n} frames, expected at least 2`);
  if (!(lambda > 0)) throw new RangeError(`fitHeadFrameModel: lambda ${lambda}, expected > 0`);
  const meanC = Float64Array.from(scatter.sumC, (s) => s / n);
  const meanY = Float64Array.from(scatter.sumY, (s) => s / n);
  const normal = new Float64Array(K * K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) normal[a * K + b] = scatter.sumCC[a * K + b]! - n * meanC[a]! * meanC[b]! + (a === b ? lambda : 0);
  const coefficientStd = Float64Array.from(meanC, (m, a) => Math.sqrt(Math.max(scatter.sumCC[a * K + a]! / n - m * m, 0)));
  if (coefficientStd.some((s) => !(s > 0))) throw new RangeError('fitHeadFrameModel: a coefficient does not vary over the training frames (its prior would have no width)');
  const basisT = new Float64Array(K * V);
  for (let a = 0; a < K; a++) for (let r = 0; r < V; r++) basisT[a * V + r] = scatter.sumCY[a * V + r]! - n * meanC[a]! * meanY[r]!;
  solveSymmetricPositiveDefinite(normal, basisT, K, V, 'fitHeadFrameModel');
  const basis = new Float64Array(V * K);
  const mean = Float64Array.from(meanY);
  for (let a = 0; a < K; a++) {
    for (let r = 0; r < V; r++) {
      basis[r * K + a] = basisT[a * V + r]!;
      mean[r]! -= basisT[a * V + r]! * meanC[a]!;
    }
  }
  return { mean, basis, coefficientMean: meanC, coefficientStd, lambda, frames: n };
}

/** Columns of the readout's design: the model's basis, then the rotation fields -[m_v]x and the translations. */
const D = K + 6;

/** A^T A [D, D] of the design A = [B | G] (the part of H that does not depend on sigma). */
function designGram(model: HeadFrameModel): { design: Float64Array; gram: Float64Array } {
  const design = new Float64Array(V * D);
  for (let r = 0; r < V; r++) design.set(model.basis.subarray(r * K, (r + 1) * K), r * D);
  for (let v = 0; v < V; v += 3) {
    const [mx, my, mz] = [model.mean[v]!, model.mean[v + 1]!, model.mean[v + 2]!];
    // d(w x m)/dw = -[m]x, rows x, y, z of vertex v
    const fields = [[0, mz, -my], [-mz, 0, mx], [my, -mx, 0]];
    for (let i = 0; i < 3; i++) {
      const row = (v + i) * D;
      for (let j = 0; j < 3; j++) design[row + K + j] = fields[i]![j]!;
      design[row + K + 3 + i] = 1;
    }
  }
  const gram = new Float64Array(D * D);
  for (let r = 0; r < V; r++) {
    const row = design.subarray(r * D, (r + 1) * D);
    for (let a = 0; a < D; a++) {
      const va = row[a]!;
      if (va === 0) continue;
      for (let b = 0; b < D; b++) gram[a * D + b]! += va * row[b]!;
    }
  }
  return { design, gram };
}

/** Step 3: the readout of `model` for landmark noise sigma (cm), on rotations relative to k = rayFraction of the ray's elevation. */
export function headFrameReadout(model: HeadFrameModel, sigma: number, name: string, rayFraction: number, gram = designGram(model)): HeadFrameReadout {
  if (!(sigma > 0)) throw new RangeError(`headFrameReadout: sigma ${sigma}, expected > 0`);
  const { design, gram: ata } = gram;
  const h = new Float64Array(D * D);
  for (let i = 0; i < D * D; i++) h[i] = ata[i]! / (sigma * sigma);
  for (let a = 0; a < K; a++) h[a * D + a]! += 1 / model.coefficientStd[a]! ** 2;
  // right-hand sides: A^T / sigma^2 (V columns) and the prior term (1 column)
  const m = V + 1;
  const rhs = new Float64Array(D * m);
  for (let r = 0; r < V; r++) for (let a = 0; a < D; a++) rhs[a * m + r] = design[r * D + a]! / (sigma * sigma);
  for (let a = 0; a < K; a++) rhs[a * m + V] = model.coefficientMean[a]! / model.coefficientStd[a]! ** 2;
  solveSymmetricPositiveDefinite(h, rhs, D, m, 'headFrameReadout');
  const rotation = new Float64Array(3 * V);
  const offset = new Float64Array(3);
  for (let j = 0; j < 3; j++) {
    const row = (K + j) * m;
    rotation.set(rhs.subarray(row, row + V), j * V);
    offset[j] = rhs[row + V]!;
  }
  return { name, mean: Float64Array.from(model.mean), rotation, offset, rayFraction };
}

// ---- step 4: the selection ----

export interface HeadFrameCandidate {
  readonly lambda: number;
  readonly sigma: number;
  /** pooled leave-one-identity-out correlation per angle, pitch yaw roll */
  readonly r: readonly [number, number, number];
  readonly score: number;
}

/** Per-angle correlation over clips pooled after centring each clip: [pitch, yaw, roll]. */
export function pooledAngleCorrelation(parts: readonly { readonly estimate: Float64Array; readonly reference: Float64Array }[]): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    let ab = 0, aa = 0, bb = 0;
    for (const { estimate, reference } of parts) {
      const n = estimate.length / 3;
      let ma = 0, mb = 0;
      for (let f = 0; f < n; f++) {
        ma += estimate[3 * f + k]!;
        mb += reference[3 * f + k]!;
      }
      ma /= n;
      mb /= n;
      for (let f = 0; f < n; f++) {
        const a = estimate[3 * f + k]! - ma, b = reference[3 * f + k]! - mb;
        ab += a * b;
        aa += a * a;
        bb += b * b;
      }
    }
    out[k] = ab / Math.sqrt(aa * bb);
  }
  return out;
}

/** The head-frame angles [frames, 3] of a clip read out with `pose`. */
export function headFrameAngles(pose: HeadFramePose, clip: HeadFrameClip): Float64Array {
  const out = new Float64Array(3 * clip.frames);
  for (let f = 0; f < clip.frames; f++) {
    out.set(matrixToEuler(pose.rotation(clip.trackerRotations.subarray(9 * f, 9 * f + 9), clip.landmarks, f * V)), 3 * f);
  }
  return out;
}

/** The tracker's angles [frames, 3] of a clip, relative to the viewing ray (what the readout corrects). */
export function trackerAngles(clip: HeadFrameClip): Float64Array {
  const out = new Float64Array(3 * clip.frames);
  for (let f = 0; f < clip.frames; f++) out.set(matrixToEuler(clip.trackerRotations.subarray(9 * f, 9 * f + 9)), 3 * f);
  return out;
}

/**
 * Step 4: every (lambda, sigma) of the grid scored by leave-one-identity-out over `clips`; the candidates in grid
 * order and the best (highest summed correlation; ties to the larger lambda, then the larger sigma).
 */
export function selectHeadFrameFit(clips: readonly HeadFrameClip[], rayFraction: number, lambdas: readonly number[], sigmas: readonly number[], log: (line: string) => void = () => undefined): { candidates: HeadFrameCandidate[]; best: HeadFrameCandidate } {
  const identities = [...new Set(clips.map((c) => c.identity))];
  if (identities.length < 2) throw new RangeError(`selectHeadFrameFit: clips of ${identities.length} identity, expected at least 2 to hold one out`);
  const scatters = new Map(identities.map((id) => [id, HeadFrameScatter.merge(clips.filter((c) => c.identity === id).map((c) => new HeadFrameScatter().addClip(c)))]));
  const estimates = new Map<string, { estimate: Float64Array; reference: Float64Array }[]>();
  for (const lambda of lambdas) {
    for (const heldOut of identities) {
      const model = fitHeadFrameModel(HeadFrameScatter.merge(identities.filter((id) => id !== heldOut).map((id) => scatters.get(id)!)), lambda);
      const gram = designGram(model);
      for (const sigma of sigmas) {
        const pose = new HeadFramePose(headFrameReadout(model, sigma, 'selection', rayFraction, gram));
        const key = `${lambda}/${sigma}`;
        const list = estimates.get(key) ?? [];
        for (const clip of clips.filter((c) => c.identity === heldOut)) list.push({ estimate: headFrameAngles(pose, clip), reference: clip.referenceAngles });
        estimates.set(key, list);
      }
    }
  }
  const candidates: HeadFrameCandidate[] = [];
  for (const lambda of lambdas) {
    for (const sigma of sigmas) {
      const r = pooledAngleCorrelation(estimates.get(`${lambda}/${sigma}`)!);
      const candidate = { lambda, sigma, r, score: r[0] + r[1] + r[2] };
      candidates.push(candidate);
      log(`  lambda ${lambda}, sigma ${sigma} cm: held-out r pitch ${r[0].toFixed(4)} yaw ${r[1].toFixed(4)} roll ${r[2].toFixed(4)}`);
    }
  }
  const best = candidates.reduce((a, b) => (b.score > a.score || (b.score === a.score && (b.lambda > a.lambda || (b.lambda === a.lambda && b.sigma > a.sigma))) ? b : a));
  return { candidates, best };
}
