// Making tensors: from CPU data, or filled on the GPU without a CPU-side array.
import { fillLaunch } from './kernels/elementwise.ts';
import type { Engine } from './engine.ts';
import type { Shape } from './shape.ts';
import { Tensor } from './tensor.ts';

export function tensor(engine: Engine, data: ArrayLike<number>, shape: Shape, name?: string): Tensor {
  return Tensor.fromArray(engine, data, shape, name);
}

export function full(engine: Engine, shape: Shape, value: number, name = 'full'): Tensor {
  const out = Tensor.empty(engine, shape, name);
  if (out.size > 0) engine.dispatch(fillLaunch(out.buffer, out.size, value));
  return out;
}

export function zeros(engine: Engine, shape: Shape, name = 'zeros'): Tensor {
  return full(engine, shape, 0, name);
}

/** A trainable leaf tensor: requires gradients and is owned by its module, not by any scope. */
export function parameter(engine: Engine, data: ArrayLike<number>, shape: Shape, name: string): Tensor {
  const p = engine.keep(Tensor.fromArray(engine, data, shape, name));
  p.requiresGrad = true;
  return p;
}
