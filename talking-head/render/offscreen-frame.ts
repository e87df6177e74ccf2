// An offscreen frame: the texture the head renderer resolves into, copied to a mappable buffer and read back as
// tightly packed RGBA rows (top row first). Node writes these to ffmpeg; the page hands them to a video encoder.
// Two readback buffers alternate, so one frame can be rendered while the previous one is being read.
import type { RenderTarget } from './head-renderer.ts';

export class OffscreenFrame {
  readonly width: number;
  readonly height: number;
  readonly #device: GPUDevice;
  readonly #texture: GPUTexture;
  readonly #bytesPerRow: number;
  readonly #readbacks: GPUBuffer[];
  #next = 0;

  constructor(device: GPUDevice, width: number, height: number) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new RangeError(`OffscreenFrame: size ${width} x ${height}, expected positive whole pixels`);
    const max = device.limits.maxTextureDimension2D;
    if (width > max || height > max) throw new RangeError(`OffscreenFrame: ${width} x ${height} is larger than this GPU's ${max} x ${max}`);
    this.#device = device;
    this.width = width;
    this.height = height;
    this.#bytesPerRow = Math.ceil((4 * width) / 256) * 256;
    this.#texture = device.createTexture({ size: [width, height], format: 'rgba8unorm', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC, label: 'offscreen frame' });
    this.#readbacks = [0, 1].map((i) => device.createBuffer({ size: this.#bytesPerRow * height, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: `frame readback ${i}` }));
  }

  get target(): RenderTarget {
    return { view: this.#texture.createView(), width: this.width, height: this.height, format: 'rgba8unorm' };
  }

  /** Records the copy of the rendered frame into the next readback buffer; returns a function that reads it after the submit. */
  copy(encoder: GPUCommandEncoder): () => Promise<Uint8Array> {
    const buffer = this.#readbacks[this.#next]!;
    this.#next = (this.#next + 1) % this.#readbacks.length;
    encoder.copyTextureToBuffer({ texture: this.#texture }, { buffer, bytesPerRow: this.#bytesPerRow }, [this.width, this.height]);
    return async () => {
      await buffer.mapAsync(GPUMapMode.READ);
      const rows = new Uint8Array(buffer.getMappedRange());
      const pixels = new Uint8Array(4 * this.width * this.height);
      for (let y = 0; y < this.height; y++) pixels.set(rows.subarray(y * this.#bytesPerRow, y * this.#bytesPerRow + 4 * this.width), 4 * y * this.width);
      buffer.unmap();
      return pixels;
    };
  }

  /** Renders with `record` and reads the frame back (one submit, one wait). */
  async render(record: (encoder: GPUCommandEncoder, target: RenderTarget) => void): Promise<Uint8Array> {
    const encoder = this.#device.createCommandEncoder({ label: 'offscreen frame' });
    record(encoder, this.target);
    const read = this.copy(encoder);
    this.#device.queue.submit([encoder.finish()]);
    return read();
  }

  dispose(): void {
    this.#texture.destroy();
    for (const b of this.#readbacks) b.destroy();
  }
}
