// Storage buffers are expensive to create (a driver allocation and zeroing), and a training step makes
// hundreds of short-lived tensors of the same few sizes. The pool keeps freed buffers in size buckets and
// hands them out again, but only once the command buffer that last used a buffer has been submitted: work
// recorded but not yet submitted may still read it, and a queue write or a new dispatch would race with that.

const MIN_BUCKET_BYTES = 256;

/** Rounds a byte size up to its bucket: powers of two up to 1 MiB, then steps of 1/8 of the power of two. */
export function bucketBytes(bytes: number): number {
  const size = Math.max(MIN_BUCKET_BYTES, Math.ceil(bytes / 16) * 16);
  const pow = 2 ** Math.ceil(Math.log2(size));
  if (pow <= 1 << 20) return pow;
  const step = pow / 16;
  return Math.ceil(size / step) * step;
}

export interface MemoryReport {
  /** Bytes in buffers held by live tensors (bucket sizes, what the device really holds). */
  readonly inUseBytes: number;
  /** Bytes in freed buffers kept for reuse, including those waiting for their last submit. */
  readonly pooledBytes: number;
  readonly inUseBuffers: number;
  readonly pooledBuffers: number;
}

/**
 * A buffer larger than the adapter allows (WebGPU would only report it later, as validation text about bind
 * groups). `bytes` and `limit` let callers say what to change in their own terms (a batch, an audio length).
 */
export class BufferTooLargeError extends RangeError {
  override name = 'BufferTooLargeError';
  constructor(readonly label: string, readonly bytes: number, readonly limit: number) {
    super(`'${label}' needs a ${megabytes(bytes)} buffer, more than this adapter's largest (${megabytes(limit)})`);
  }
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export class BufferPool {
  readonly #device: GPUDevice;
  readonly #usage: GPUBufferUsageFlags;
  /** The largest buffer one binding or mapping may use (the adapter's limit for this kind of buffer). */
  readonly maxBytes: number;
  readonly #free = new Map<number, GPUBuffer[]>();
  /** Freed since the last submit: may still be used by the command buffer being recorded. */
  #awaitingSubmit: GPUBuffer[] = [];
  /** Every buffer this pool made and has not destroyed, in use or not: what destroy() frees. */
  readonly #created = new Set<GPUBuffer>();
  #destroyed = false;
  #inUseBytes = 0;
  #inUseBuffers = 0;
  #pooledBytes = 0;
  #pooledBuffers = 0;

  constructor(device: GPUDevice, usage: GPUBufferUsageFlags, maxBytes = device.limits.maxBufferSize) {
    this.#device = device;
    this.#usage = usage;
    this.maxBytes = maxBytes;
  }

  acquire(bytes: number, label: string): GPUBuffer {
    if (this.#destroyed) throw new Error(`BufferPool.acquire('${label}'): its engine was disposed (engine.dispose()), which destroyed the pool`);
    if (bytes > this.maxBytes) throw new BufferTooLargeError(label, bytes, this.maxBytes);
    // Near the limit the bucket's rounding must not push a buffer that fits over it.
    const size = Math.min(bucketBytes(bytes), Math.max(Math.ceil(bytes / 16) * 16, this.maxBytes - (this.maxBytes % 16)));
    const reused = this.#free.get(size)?.pop();
    this.#inUseBytes += size;
    this.#inUseBuffers++;
    if (reused) {
      this.#pooledBytes -= size;
      this.#pooledBuffers--;
      return reused;
    }
    const buffer = this.#device.createBuffer({ size, usage: this.#usage, label });
    this.#created.add(buffer);
    return buffer;
  }

  /** Gives a buffer back; it becomes reusable after the next submit (see markSubmitted). */
  release(buffer: GPUBuffer): void {
    if (this.#destroyed) return;
    this.#inUseBytes -= buffer.size;
    this.#inUseBuffers--;
    this.#pooledBytes += buffer.size;
    this.#pooledBuffers++;
    this.#awaitingSubmit.push(buffer);
  }

  /** Called right after a queue submit: buffers freed before it may now be handed out again. */
  markSubmitted(): void {
    for (const buffer of this.#awaitingSubmit) {
      const bucket = this.#free.get(buffer.size);
      if (bucket) bucket.push(buffer);
      else this.#free.set(buffer.size, [buffer]);
    }
    this.#awaitingSubmit = [];
  }

  /** Destroys every pooled buffer that is free now (not those waiting for a submit). */
  trim(): void {
    for (const bucket of this.#free.values()) {
      for (const buffer of bucket) {
        this.#pooledBytes -= buffer.size;
        this.#pooledBuffers--;
        this.#created.delete(buffer);
        buffer.destroy();
      }
    }
    this.#free.clear();
  }

  /**
   * Destroys every buffer the pool made, those still held by tensors included; the pool hands out nothing
   * after. Releasing a buffer afterwards (a tensor disposed late) is a no-op.
   */
  destroy(): void {
    this.#destroyed = true;
    for (const buffer of this.#created) buffer.destroy();
    this.#created.clear();
    this.#free.clear();
    this.#awaitingSubmit = [];
    this.#inUseBytes = this.#inUseBuffers = this.#pooledBytes = this.#pooledBuffers = 0;
  }

  report(): MemoryReport {
    return {
      inUseBytes: this.#inUseBytes,
      pooledBytes: this.#pooledBytes,
      inUseBuffers: this.#inUseBuffers,
      pooledBuffers: this.#pooledBuffers,
    };
  }
}
