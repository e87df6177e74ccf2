// A module owns named parameters and child modules. Names are stable dotted paths ("unet.down1.conv.weight"):
// checkpoints are keyed by them, and a loader that finds a missing or misshapen tensor names it.
import type { Tensor } from '../tensor.ts';

export abstract class Module {
  readonly #parameters = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();
  #training = true;

  protected registerParameter(name: string, parameter: Tensor): Tensor {
    this.#parameters.set(name, parameter);
    return parameter;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.#children.set(name, module);
    return module;
  }

  /** Parameters with their dotted paths, in registration order (stable across runs). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const own = [...this.#parameters].map(([name, p]): [string, Tensor] => [prefix + name, p]);
    const nested = [...this.#children].flatMap(([name, child]) => child.namedParameters(`${prefix}${name}.`));
    return [...own, ...nested];
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Persistent tensors that are not parameters (no gradient, never optimised: e.g. a spectral norm's power-iteration
   * vector), with their dotted paths: checkpoints keep them so that a resumed training continues exactly.
   */
  namedState(prefix = ''): [string, Tensor][] {
    const own = this.ownState().map(([name, t]): [string, Tensor] => [prefix + name, t]);
    const nested = [...this.#children].flatMap(([name, child]) => child.namedState(`${prefix}${name}.`));
    return [...own, ...nested];
  }

  /** This module's own persistent state (none by default); the tensors returned must keep their shapes. */
  protected ownState(): [string, Tensor][] {
    return [];
  }

  get training(): boolean {
    return this.#training;
  }

  /** Training mode (dropout active) or evaluation mode, for this module and all below it. */
  train(training = true): this {
    this.#training = training;
    for (const child of this.#children.values()) child.train(training);
    return this;
  }

  dispose(): void {
    for (const p of this.#parameters.values()) {
      p.grad?.dispose();
      p.dispose();
    }
    for (const child of this.#children.values()) child.dispose();
  }
}
