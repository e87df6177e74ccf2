// A one-class SVM (Schölkopf et al. 2001, "Estimating the support of a high-dimensional distribution") with an
// RBF kernel k(a, b) = exp(-gamma ||a - b||^2), for Table 1: trained on real windows' correlation features, it
// accepts a window when its decision value is >= 0.
//
// Dual:  min_alpha 1/2 alpha^T K alpha   s.t.  0 <= alpha_i <= 1 / (nu n),  sum_i alpha_i = 1
// Decision: f(x) = sum_i alpha_i k(x_i, x) - rho. nu bounds the fraction of training points left outside
// (and is a lower bound on the fraction of support vectors).
// Solver: SMO with the maximal-violating-pair working set (LIBSVM's first-order rule; Fan, Chen & Lin 2005):
// with gradient G = K alpha, move mass from the j with the largest G_j (alpha_j > 0) to the i with the smallest
// G_i (alpha_i < C) until G_j - G_i < tolerance. rho is the mean gradient over free support vectors.
// The kernel matrix is precomputed: n is a few thousand windows at most here.

export interface OneClassSvmOptions {
  /** Upper bound on the fraction of training outliers (default 0.1). */
  readonly nu?: number;
  /** RBF width; default 'scale' = 1 / (D * variance of all training values), scikit-learn's default. */
  readonly gamma?: number | 'scale';
  /** Stopping tolerance on the maximal violation (default 1e-6). */
  readonly tolerance?: number;
  /** Iteration cap (default 100 n). */
  readonly maxIterations?: number;
}

export class OneClassSvm {
  readonly gamma: number;
  readonly nu: number;
  readonly rho: number;
  /** Support vectors (alpha > 0) and their alpha. */
  readonly supportVectors: readonly Float64Array[];
  readonly alphas: Float64Array;
  readonly iterations: number;

  private constructor(gamma: number, nu: number, rho: number, supportVectors: Float64Array[], alphas: Float64Array, iterations: number) {
    this.gamma = gamma;
    this.nu = nu;
    this.rho = rho;
    this.supportVectors = supportVectors;
    this.alphas = alphas;
    this.iterations = iterations;
  }

  static fit(points: readonly ArrayLike<number>[], options: OneClassSvmOptions = {}): OneClassSvm {
    const n = points.length;
    const nu = options.nu ?? 0.1;
    if (n < 2) throw new RangeError(`OneClassSvm.fit: ${n} training points, need at least 2`);
    if (!(nu > 0 && nu <= 1)) throw new RangeError(`OneClassSvm.fit: nu ${nu}, expected 0 < nu <= 1`);
    const dims = points[0]!.length;
    const x = points.map((p, i) => {
      if (p.length !== dims) throw new RangeError(`OneClassSvm.fit: point ${i} has ${p.length} values, point 0 has ${dims}`);
      return Float64Array.from(p);
    });
    const gamma = options.gamma === undefined || options.gamma === 'scale' ? scaleGamma(x) : options.gamma;
    if (!(gamma > 0)) throw new RangeError(`OneClassSvm.fit: gamma ${gamma}, expected > 0`);
    const kernel = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      kernel[i * n + i] = 1;
      for (let j = i + 1; j < n; j++) kernel[i * n + j] = kernel[j * n + i] = Math.exp(-gamma * squaredDistance(x[i]!, x[j]!));
    }
    // LIBSVM's start: the first floor(nu n) points at the bound C = 1 / (nu n), the remainder on the next one.
    const C = 1 / (nu * n);
    const alpha = new Float64Array(n);
    let left = 1;
    for (let i = 0; i < n && left > 0; i++) {
      alpha[i] = Math.min(C, left);
      left -= alpha[i]!;
    }
    const gradient = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (alpha[i] === 0) continue;
      for (let k = 0; k < n; k++) gradient[k]! += alpha[i]! * kernel[i * n + k]!;
    }
    const tolerance = options.tolerance ?? 1e-6;
    const maxIterations = options.maxIterations ?? 100 * n;
    let iterations = 0;
    for (; iterations < maxIterations; iterations++) {
      let up = -1;
      let low = -1;
      for (let k = 0; k < n; k++) {
        if (alpha[k]! < C - 1e-15 && (up < 0 || gradient[k]! < gradient[up]!)) up = k;
        if (alpha[k]! > 1e-15 && (low < 0 || gradient[k]! > gradient[low]!)) low = k;
      }
      if (up < 0 || low < 0 || gradient[low]! - gradient[up]! < tolerance) break;
      const curvature = Math.max(kernel[up * n + up]! + kernel[low * n + low]! - 2 * kernel[up * n + low]!, 1e-12);
      const step = Math.min((gradient[low]! - gradient[up]!) / curvature, C - alpha[up]!, alpha[low]!);
      alpha[up]! += step;
      alpha[low]! -= step;
      for (let k = 0; k < n; k++) gradient[k]! += step * (kernel[up * n + k]! - kernel[low * n + k]!);
    }
    let freeSum = 0;
    let freeCount = 0;
    let atUpper = -Infinity;
    let atZero = Infinity;
    for (let k = 0; k < n; k++) {
      if (alpha[k]! > 1e-12 && alpha[k]! < C - 1e-12) {
        freeSum += gradient[k]!;
        freeCount++;
      } else if (alpha[k]! >= C - 1e-12) atUpper = Math.max(atUpper, gradient[k]!);
      else atZero = Math.min(atZero, gradient[k]!);
    }
    // Without free vectors rho lies anywhere between the bounded and the zero-alpha gradients: take the middle.
    const rho = freeCount > 0 ? freeSum / freeCount : (Number.isFinite(atUpper) && Number.isFinite(atZero) ? (atUpper + atZero) / 2 : Number.isFinite(atUpper) ? atUpper : atZero);
    const support: Float64Array[] = [];
    const weights: number[] = [];
    for (let k = 0; k < n; k++) {
      if (alpha[k]! > 1e-12) {
        support.push(x[k]!);
        weights.push(alpha[k]!);
      }
    }
    return new OneClassSvm(gamma, nu, rho, support, Float64Array.from(weights), iterations);
  }

  /** f(x) = sum_i alpha_i k(x_i, x) - rho: >= 0 inside the learned support. */
  decision(point: ArrayLike<number>): number {
    let s = 0;
    this.supportVectors.forEach((v, i) => {
      s += this.alphas[i]! * Math.exp(-this.gamma * squaredDistance(v, point));
    });
    return s - this.rho;
  }

  accepts(point: ArrayLike<number>): boolean {
    return this.decision(point) >= 0;
  }

  /** Fraction of `points` accepted. */
  acceptanceRate(points: readonly ArrayLike<number>[]): number {
    if (points.length === 0) return NaN;
    return points.filter((p) => this.accepts(p)).length / points.length;
  }
}

function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`OneClassSvm: a point of ${b.length} values, the model's have ${a.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

/** 1 / (D * variance over every coordinate of every point). */
function scaleGamma(points: readonly Float64Array[]): number {
  let sum = 0;
  let sumSquares = 0;
  let count = 0;
  for (const p of points) {
    for (const v of p) {
      sum += v;
      sumSquares += v * v;
      count++;
    }
  }
  const mean = sum / count;
  const variance = sumSquares / count - mean * mean;
  const dims = points[0]!.length;
  return variance > 0 ? 1 / (dims * variance) : 1;
}
