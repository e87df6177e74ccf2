// Adam (Kingma & Ba 2015) with bias correction and optional decoupled weight decay (AdamW), PyTorch's
// defaults. A step records in-place dispatches of up to four parameters each (core/kernels/adam-group.ts) and never
// reads back.
// The moment estimates m and v are owned by the optimizer (kept out of every scope) until dispose().
import { type AdamHyperparameters, type AdamSlot, MAX_ADAM_SLOTS, adamGroupLaunch, adamSlotsFor } from '../kernels/adam-group.ts';
import { zeroGrad } from '../record-grad.ts';
import { zeros } from '../creation.ts';
import type { Engine } from '../engine.ts';
import { assertShape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  readonly lr?: number;
  /** Decay of the first moment estimate (default 0.9). */
  readonly beta1?: number;
  /** Decay of the second moment estimate (default 0.999). */
  readonly beta2?: number;
  /** Added to sqrt(v_hat) in the denominator (default 1e-8). */
  readonly eps?: number;
  /** Decoupled weight decay: p *= 1 - lr * weightDecay each step (default 0, off). */
  readonly weightDecay?: number;
  /**
   * Parameters one dispatch updates, 1 to 4 (default: as many as the device's storage-buffer limit allows, 4
   * buffers a parameter). Results do not depend on it; tests set it to reach the smaller groups.
   */
  readonly tensorsPerDispatch?: number;
}

/** What a checkpoint stores: the step count and one m and one v a parameter, in parameter order. */
export interface AdamState {
  readonly step: number;
  readonly m: readonly Tensor[];
  readonly v: readonly Tensor[];
}

export class Adam {
  readonly params: readonly Tensor[];
  /** The learning rate of the next step; schedules may change it between steps. */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly #engine: Engine;
  readonly #m: Tensor[];
  readonly #v: Tensor[];
  readonly #tensorsPerDispatch: number;
  #step = 0;

  constructor(params: readonly Tensor[], options: AdamOptions = {}) {
    const engine = params[0]?.engine;
    if (!engine) throw new Error('Adam: no parameters to optimise');
    this.#engine = engine;
    this.params = [...params];
    this.lr = options.lr ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1)) {
      throw new RangeError(`Adam: betas must lie in [0, 1), got beta1 ${this.beta1}, beta2 ${this.beta2}`);
    }
    this.#tensorsPerDispatch = options.tensorsPerDispatch ?? adamSlotsFor(engine.device.limits.maxStorageBuffersPerShaderStage);
    if (!(Number.isInteger(this.#tensorsPerDispatch) && this.#tensorsPerDispatch >= 1 && this.#tensorsPerDispatch <= MAX_ADAM_SLOTS)) {
      throw new RangeError(`Adam: tensorsPerDispatch must be an integer from 1 to ${MAX_ADAM_SLOTS}, got ${this.#tensorsPerDispatch}`);
    }
    for (const p of this.params) {
      if (p.engine !== engine) throw new Error(`Adam: parameter ${p.name} lives on a different engine than ${this.params[0]!.name}`);
    }
    this.#m = this.params.map((p) => engine.keep(zeros(engine, p.shape, `${p.name}.adam.m`)));
    this.#v = this.params.map((p) => engine.keep(zeros(engine, p.shape, `${p.name}.adam.v`)));
  }

  /** Steps taken so far (the t of the next bias correction is step + 1). */
  get stepCount(): number {
    return this.#step;
  }

  /** Updates every parameter that has a gradient, in place. Parameters without one are left as they are. */
  step(): void {
    this.#step++;
    const hyper: AdamHyperparameters = { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
    const slots: AdamSlot[] = [];
    this.params.forEach((p, i) => {
      if (!p.grad || p.size === 0) return;
      assertShape('Adam.step', `gradient of ${p.name}`, p.grad.shape, p.shape);
      slots.push({ grad: p.grad.buffer, param: p.buffer, m: this.#m[i]!.buffer, v: this.#v[i]!.buffer, n: p.size });
    });
    for (let at = 0; at < slots.length; at += this.#tensorsPerDispatch) {
      this.#engine.dispatch(adamGroupLaunch(slots.slice(at, at + this.#tensorsPerDispatch), this.#step, hyper));
    }
  }

  /** Disposes every parameter's gradient (the next backward creates them anew). */
  zeroGrad(): void {
    zeroGrad(this.params);
  }

  /** The optimizer's own state tensors (not copies): read them to save a checkpoint, do not dispose them. */
  getState(): AdamState {
    return { step: this.#step, m: [...this.#m], v: [...this.#v] };
  }

  /** Copies a saved state into the optimizer; the given tensors stay the caller's. */
  loadState(state: AdamState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new RangeError(`Adam.loadState: step ${state.step} is not a non-negative integer`);
    for (const [what, saved] of [['m', state.m], ['v', state.v]] as const) {
      if (saved.length !== this.params.length) {
        throw new RangeError(`Adam.loadState: ${saved.length} ${what} tensors for ${this.params.length} parameters`);
      }
    }
    this.params.forEach((p, i) => {
      for (const [what, saved, own] of [['m', state.m[i]!, this.#m[i]!], ['v', state.v[i]!, this.#v[i]!]] as const) {
        assertShape('Adam.loadState', `${what} of ${p.name}`, saved.shape, p.shape);
        if (p.size > 0) this.#engine.copyBuffer(saved.buffer, 0, own.buffer, 0, p.size * 4);
      }
    });
    this.#step = state.step;
  }

  /** Frees m and v. The parameters and their gradients are not the optimizer's and stay. */
  dispose(): void {
    for (const t of [...this.#m, ...this.#v]) t.dispose();
  }
}
