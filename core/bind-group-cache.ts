// Bind groups made once and used again. A dispatch needs a bind group of its pipeline's layout holding its uniform
// slice of the engine's arena and its storage buffers; making one is a native call that took 13-21 us in dawn.node
// on lavapipe, a third of what recording a dispatch costs the main thread (core/kernels/PERFORMANCE.md), and that
// thread shares the CPU with a CPU adapter's workers. Runs that repeat (training steps, generation windows, the
// engine's own tuning) dispatch the same pipelines on the same pooled buffers at the same arena offsets (the arena
// restarts at 0 each submit), so the same bind groups come back.
//
// Keys name the pipeline, the uniform slice and every buffer by an id given to each object once: a buffer made later
// never takes a destroyed one's id, so a cached group is only found for the very buffers it holds. Groups of buffers
// since destroyed are never found again; the cache forgets everything when it grows past MAX_ENTRIES.
const MAX_ENTRIES = 4096;

export class BindGroupCache {
  readonly #device: GPUDevice;
  readonly #groups = new Map<string, GPUBindGroup>();
  readonly #ids = new WeakMap<object, number>();
  #nextId = 1;
  /** Hits and misses since the engine was made (tests and reports). */
  hits = 0;
  misses = 0;

  constructor(device: GPUDevice) {
    this.#device = device;
  }

  #id(object: object): number {
    let id = this.#ids.get(object);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(object, id);
    }
    return id;
  }

  /** The bind group 0 of `pipeline`: binding 0 the uniform slice [offset, offset + size) of `uniforms`, then `buffers`. */
  get(pipeline: GPUComputePipeline, uniforms: GPUBuffer, offset: number, size: number, buffers: readonly GPUBuffer[], label: string): GPUBindGroup {
    let key = `${this.#id(pipeline)}|${this.#id(uniforms)}|${offset}|${size}`;
    for (const buffer of buffers) key += `|${this.#id(buffer)}`;
    let group = this.#groups.get(key);
    if (group) {
      this.hits++;
      return group;
    }
    this.misses++;
    group = this.#device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: uniforms, offset, size } }, ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } }))],
      label,
    });
    if (this.#groups.size >= MAX_ENTRIES) this.#groups.clear();
    this.#groups.set(key, group);
    return group;
  }

  clear(): void {
    this.#groups.clear();
  }
}
