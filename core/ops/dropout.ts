// Random ops on the counter-based generator of core/kernels/random.wgsl: dropout, and uniform and normal tensors (noise,
// weight initialisation). Each call draws a fresh seed from engine.nextSeed(), so after engine.seed(n) a run repeats
// bit for bit, and no random state lives on the GPU.
import { dropoutLaunch, randomNormalLaunch, randomUniformLaunch } from '../kernels/random.ts';
import { recordGrad } from '../record-grad.ts';
import type { Engine } from '../engine.ts';
import type { Shape } from '../shape.ts';
import { Tensor } from '../tensor.ts';

/**
 * Inverted dropout: in training each element is zeroed with probability p and the rest scaled by 1/(1-p), so the
 * expected output is x. With training false or p = 0 it is the identity (a view of x, no copy). The backward
 * applies the same mask, regenerated from the same seed.
 */
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: probability p = ${p} of ${x.name} must be in [0, 1)`);
  if (!training || p === 0) {
    return recordGrad(x.view(x.shape), 'dropout', [x], (g) => [g]);
  }
  const engine = x.engine;
  const seed = engine.nextSeed();
  const out = Tensor.empty(engine, x.shape, 'dropout');
  if (x.size > 0) engine.dispatch(dropoutLaunch(x.buffer, out.buffer, x.size, seed, p));
  return recordGrad(out, 'dropout', [x], (g) => {
    const dx = Tensor.empty(engine, x.shape, 'dropout.grad');
    if (x.size > 0) engine.dispatch(dropoutLaunch(g.buffer, dx.buffer, x.size, seed, p));
    return [dx];
  });
}

/** Values uniform in [low, high). */
export function randomUniform(engine: Engine, shape: Shape, low = 0, high = 1, name = 'randomUniform'): Tensor {
  const out = Tensor.empty(engine, shape, name);
  const seed = engine.nextSeed();
  if (out.size > 0) engine.dispatch(randomUniformLaunch(out.buffer, out.size, seed, low, high));
  return out;
}

/** Values from a normal distribution with the given mean and standard deviation. */
export function randomNormal(engine: Engine, shape: Shape, mean = 0, std = 1, name = 'randomNormal'): Tensor {
  const out = Tensor.empty(engine, shape, name);
  const seed = engine.nextSeed();
  if (out.size > 0) engine.dispatch(randomNormalLaunch(out.buffer, out.size, seed, mean, std));
  return out;
}
