// Float64 CPU references for the optimizer kernels (core/kernels/adam-group.ts, core/kernels/optim.wgsl), used by tests/core/optim.test.ts.

export interface AdamReferenceState {
  param: Float64Array;
  m: Float64Array;
  v: Float64Array;
  /** Steps taken so far. */
  step: number;
}

export function adamReferenceState(param: ArrayLike<number>): AdamReferenceState {
  const n = param.length;
  return { param: Float64Array.from(param), m: new Float64Array(n), v: new Float64Array(n), step: 0 };
}

/** One Adam step in place (Kingma & Ba 2015, Algorithm 1; AdamW's decoupled weight decay when weightDecay > 0). */
export function adamReferenceStep(
  state: AdamReferenceState, grad: ArrayLike<number>,
  { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 }: { lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number },
): void {
  state.step++;
  const bc1 = 1 - beta1 ** state.step;
  const bc2 = 1 - beta2 ** state.step;
  for (let i = 0; i < state.param.length; i++) {
    const g = grad[i]!;
    const m = (state.m[i] = beta1 * state.m[i]! + (1 - beta1) * g);
    const v = (state.v[i] = beta2 * state.v[i]! + (1 - beta2) * g * g);
    state.param[i] = state.param[i]! * (1 - lr * weightDecay) - (lr * (m / bc1)) / (Math.sqrt(v / bc2) + eps);
  }
}

/** The L2 norm of all gradients together. */
export function globalNormReference(grads: readonly ArrayLike<number>[]): number {
  let total = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) total += g[i]! * g[i]!;
  return Math.sqrt(total);
}

/** The gradients after clipping to maxNorm (torch.nn.utils.clip_grad_norm_), and the norm before. */
export function clipGradNormReference(grads: readonly ArrayLike<number>[], maxNorm: number): { norm: number; clipped: Float64Array[] } {
  const norm = globalNormReference(grads);
  const scale = Math.min(1, maxNorm / (norm + 1e-6));
  return { norm, clipped: grads.map((g) => Float64Array.from(g, (x) => x * scale)) };
}
