// The page's head view: the shared head renderer (talking-head/render/, the same one `posedyn render` uses in Node)
// drawing into the page's FrameTarget (frame-target.ts), with the decoded vertices of every frame kept on the GPU
// (the engine's storage buffer, no copy).
import type { Tensor } from '../../core/tensor.ts';
import { type HeadDraw, HeadRenderer } from '../../talking-head/render/head-renderer.ts';
import type { HeadMesh } from '../../talking-head/render/mesh/head-mesh.ts';
import type { FrameTarget } from './frame-target.ts';

/** The page's background, sRGB (the canvas's CSS background matches it). */
export const PAGE_BACKGROUND: readonly [number, number, number] = [0x28 / 255, 0x30 / 255, 0x3c / 255];

export type HeadScene = Omit<HeadDraw, 'positions' | 'viewport'>;

export class HeadView {
  readonly renderer: HeadRenderer;
  readonly #device: GPUDevice;
  readonly #target: FrameTarget;
  #vertices: Tensor | null = null;

  /** `samples` 1 where rasterising is slow (software adapters), else 4 (anti-aliased). */
  constructor(device: GPUDevice, target: FrameTarget, mesh: HeadMesh, samples: 1 | 4) {
    this.#device = device;
    this.#target = target;
    this.renderer = new HeadRenderer(device, mesh, { samples });
  }

  /** Frames available to draw. */
  get frames(): number {
    return this.#vertices ? this.#vertices.shape[0]! : 0;
  }

  /** Takes vertices [frames, V * 3] (a kept tensor) and owns them from now on; the previous ones are disposed. */
  setVertices(vertices: Tensor): void {
    if (vertices.rank !== 2 || vertices.shape[1] !== this.renderer.valuesPerFrame) {
      throw new RangeError(`HeadView.setVertices: vertices have shape [${vertices.shape.join(', ')}], expected [frames, ${this.renderer.valuesPerFrame}]`);
    }
    this.#vertices?.dispose();
    this.#vertices = vertices;
  }

  /** The draw of one frame (clamped to the frames there are), for this view or an offscreen frame. */
  drawOf(scene: HeadScene): HeadDraw {
    if (!this.#vertices) throw new Error('HeadView: no vertices to draw yet');
    return { ...scene, positions: this.#vertices.buffer, frame: Math.min(Math.max(scene.frame, 0), this.frames - 1) };
  }

  /** Resolves when the frame is visible; call the next draw only after that. */
  draw(scene: HeadScene): Promise<void> {
    const target = this.#target;
    const encoder = this.#device.createCommandEncoder({ label: 'head frame' });
    this.renderer.encode(encoder, { view: target.view(), width: target.width, height: target.height, format: target.format }, [this.drawOf(scene)], PAGE_BACKGROUND);
    target.afterPass(encoder);
    this.#device.queue.submit([encoder.finish()]);
    return target.present();
  }

  dispose(): void {
    this.#vertices?.dispose();
    this.renderer.dispose();
    this.#target.dispose();
  }
}
