// A tensor is a row-major f32 array on a GPU storage buffer. Several tensors may view one buffer (reshape);
// the buffer goes back to the engine's pool when the last of them is disposed. Ownership is explicit: a
// tensor lives until dispose(), or until the end of the engine.tidy scope it was created in.
import type { Disposable, Engine } from './engine.ts';
import { type Shape, assertValidShape, formatShape, sizeOf } from './shape.ts';

/** How to get a gradient for each input from the gradient of an op's output. */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** d(loss)/d(output) -> d(loss)/d(input) for each input (null where the input needs none). */
  backward(gradOutput: Tensor): readonly (Tensor | null)[];
}

class Storage {
  refs = 1;
  constructor(readonly buffer: GPUBuffer) {}
}

let nextTensorId = 1;

export class Tensor implements Disposable {
  readonly engine: Engine;
  readonly shape: Shape;
  readonly size: number;
  readonly id = nextTensorId++;
  /** A name for error messages and checkpoints ("posegan.unet.down1.conv.weight"). */
  name: string;
  requiresGrad = false;
  grad: Tensor | null = null;
  gradFn: GradNode | null = null;
  #storage: Storage | null;

  private constructor(engine: Engine, shape: Shape, storage: Storage, name: string) {
    this.engine = engine;
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.#storage = storage;
    this.name = name;
    engine.track(this);
  }

  /** A tensor on a new (pooled, uninitialised) buffer: every kernel writes all of its output. */
  static empty(engine: Engine, shape: Shape, name = 'tensor'): Tensor {
    assertValidShape(shape, name);
    const buffer = engine.storage.acquire(Math.max(4, sizeOf(shape) * 4), name);
    return new Tensor(engine, shape, new Storage(buffer), name);
  }

  static fromArray(engine: Engine, data: ArrayLike<number>, shape: Shape, name = 'tensor'): Tensor {
    assertValidShape(shape, name);
    if (data.length !== sizeOf(shape)) {
      throw new RangeError(`${name}: ${data.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} values)`);
    }
    const tensor = Tensor.empty(engine, shape, name);
    if (data.length > 0) engine.upload(tensor.buffer, data instanceof Float32Array ? data : Float32Array.from(data));
    return tensor;
  }

  /** Another tensor over the same buffer with a new shape of the same size (no copy, no gradient link). */
  view(shape: Shape): Tensor {
    const storage = this.#live();
    if (sizeOf(shape) !== this.size) {
      throw new RangeError(`view of ${this.name}: shape ${formatShape(shape)} has ${sizeOf(shape)} values, the tensor ${formatShape(this.shape)} has ${this.size}`);
    }
    storage.refs++;
    return new Tensor(this.engine, shape, storage, this.name);
  }

  get buffer(): GPUBuffer {
    return this.#live().buffer;
  }

  get isDisposed(): boolean {
    return this.#storage === null;
  }

  get rank(): number {
    return this.shape.length;
  }

  dispose(): void {
    const storage = this.#storage;
    if (!storage) return;
    this.#storage = null;
    this.gradFn = null;
    if (--storage.refs === 0) this.engine.storage.release(storage.buffer);
  }

  /** Copies the values to the CPU. Submits recorded work and waits for it: call it rarely. */
  async read(): Promise<Float32Array> {
    if (this.size === 0) return new Float32Array(0);
    return new Float32Array(await this.engine.download(this.buffer, this.size * 4));
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new RangeError(`item(): ${this.name} has shape ${formatShape(this.shape)}, expected one value`);
    return (await this.read())[0]!;
  }

  toString(): string {
    return `Tensor(${this.name} ${formatShape(this.shape)}${this.isDisposed ? ' disposed' : ''})`;
  }

  #live(): Storage {
    if (!this.#storage) throw new Error(`${this.name} ${formatShape(this.shape)} was used after it was disposed`);
    return this.#storage;
  }
}
