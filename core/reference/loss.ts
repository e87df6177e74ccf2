// Float64 CPU references for the losses, written from their definitions: BCE as -(y ln s(z) + (1 - y) ln(1 - s(z))),
// not the max(z, 0) - z y + log(1 + e^-|z|) form the kernel uses, so the two check each other.

export function mseLossReference(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < pred.length; i++) total += (pred[i]! - target[i]!) ** 2;
  return total / pred.length;
}

/** -mean(y ln s(z) + (1 - y) ln(1 - s(z))), s = sigmoid, with ln s(z) = -log1p(e^-z) and ln(1 - s(z)) = -z - log1p(e^-z). */
export function bceWithLogitsReference(logits: ArrayLike<number>, targets: ArrayLike<number> | number): number {
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i]!;
    const y = typeof targets === 'number' ? targets : targets[i]!;
    // log(1 + e^-z), as -z + log1p(e^z) for z < 0 so that no exponential overflows.
    const softplusNegZ = z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
    const logS = -softplusNegZ;
    const logOneMinusS = -z - softplusNegZ;
    total += -(y * logS + (1 - y) * logOneMinusS);
  }
  return total / logits.length;
}
