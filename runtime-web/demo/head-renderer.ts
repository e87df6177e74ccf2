// Draws the head with the engine's own device: the decoded vertices stay in the engine's storage buffer (no
// copy), the triangles come from the face model, one draw a frame into a FrameTarget (frame-target.ts).
import type { mat4, vec3 } from 'gl-matrix';
import type { Tensor } from '../../core/tensor.ts';
import type { FrameTarget } from './frame-target.ts';
import shaderCode from './head-shader.wgsl';

export interface HeadScene {
  readonly viewProjection: mat4;
  readonly model: mat4;
  readonly eye: vec3;
  /** which frame of the vertices to draw */
  readonly frame: number;
}

/** Toward the light: above, right and in front of the face. */
const LIGHT = (() => {
  const d = [0.4, 0.5, 0.77];
  const n = Math.hypot(...d);
  return d.map((x) => x / n);
})();
const UNIFORM_FLOATS = 16 + 16 + 4 + 4 + 4;

export class HeadRenderer {
  readonly #device: GPUDevice;
  readonly #target: FrameTarget;
  readonly #pipeline: GPURenderPipeline;
  readonly #uniforms: GPUBuffer;
  readonly #indices: GPUBuffer;
  readonly #indexCount: number;
  readonly #valuesPerFrame: number;
  #depth: GPUTexture | null = null;
  #vertices: Tensor | null = null;
  #bindGroup: GPUBindGroup | null = null;

  private constructor(device: GPUDevice, target: FrameTarget, pipeline: GPURenderPipeline, triangles: Uint32Array, vertexCount: number) {
    this.#device = device;
    this.#target = target;
    this.#pipeline = pipeline;
    this.#valuesPerFrame = 3 * vertexCount;
    this.#uniforms = device.createBuffer({ size: UNIFORM_FLOATS * 4, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'head scene' });
    this.#indexCount = triangles.length;
    this.#indices = device.createBuffer({ size: Math.ceil(triangles.byteLength / 4) * 4, usage: GPUBufferUsage.INDEX | GPUBufferUsage.COPY_DST, label: 'head triangles' });
    device.queue.writeBuffer(this.#indices, 0, Uint32Array.from(triangles));
  }

  static async create(device: GPUDevice, target: FrameTarget, triangles: Uint32Array, vertexCount: number): Promise<HeadRenderer> {
    const format = target.format;
    const module = device.createShaderModule({ code: shaderCode, label: 'head-shader.wgsl' });
    const pipeline = await device.createRenderPipelineAsync({
      label: 'head',
      layout: 'auto',
      vertex: { module, entryPoint: 'vertexMain' },
      fragment: { module, entryPoint: 'fragmentMain', targets: [{ format }] },
      primitive: { topology: 'triangle-list', cullMode: 'none' },
      depthStencil: { format: 'depth24plus', depthWriteEnabled: true, depthCompare: 'less' },
    });
    return new HeadRenderer(device, target, pipeline, triangles, vertexCount);
  }

  /** Frames available to draw. */
  get frames(): number {
    return this.#vertices ? this.#vertices.shape[0]! : 0;
  }

  /** Takes vertices [frames, V * 3] (a kept tensor) and owns them from now on; the previous ones are disposed. */
  setVertices(vertices: Tensor): void {
    if (vertices.rank !== 2 || vertices.shape[1] !== this.#valuesPerFrame) {
      throw new RangeError(`HeadRenderer.setVertices: vertices have shape [${vertices.shape.join(', ')}], expected [frames, ${this.#valuesPerFrame}]`);
    }
    this.#vertices?.dispose();
    this.#vertices = vertices;
    this.#bindGroup = this.#device.createBindGroup({
      layout: this.#pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.#uniforms } },
        { binding: 1, resource: { buffer: vertices.buffer, size: vertices.size * 4 } },
      ],
      label: 'head vertices',
    });
  }

  /** Resolves when the frame is visible; call the next draw only after that. */
  draw(scene: HeadScene): Promise<void> {
    const { width, height } = this.#target;
    if (!this.#depth || this.#depth.width !== width || this.#depth.height !== height) {
      this.#depth?.destroy();
      this.#depth = this.#device.createTexture({ size: [width, height], format: 'depth24plus', usage: GPUTextureUsage.RENDER_ATTACHMENT });
    }
    const values = new ArrayBuffer(UNIFORM_FLOATS * 4);
    const floats = new Float32Array(values);
    floats.set(scene.viewProjection, 0);
    floats.set(scene.model, 16);
    floats.set(scene.eye, 32);
    floats.set(LIGHT, 36);
    new Uint32Array(values, 40 * 4, 4)[0] = Math.min(Math.max(scene.frame, 0), Math.max(this.frames - 1, 0)) * this.#valuesPerFrame;
    this.#device.queue.writeBuffer(this.#uniforms, 0, values);

    const encoder = this.#device.createCommandEncoder({ label: 'head frame' });
    const pass = encoder.beginRenderPass({
      colorAttachments: [{ view: this.#target.view(), loadOp: 'clear', storeOp: 'store', clearValue: { r: 0.157, g: 0.188, b: 0.235, a: 1 } }],
      depthStencilAttachment: { view: this.#depth.createView(), depthLoadOp: 'clear', depthStoreOp: 'discard', depthClearValue: 1 },
    });
    if (this.#bindGroup) {
      pass.setPipeline(this.#pipeline);
      pass.setBindGroup(0, this.#bindGroup);
      pass.setIndexBuffer(this.#indices, 'uint32');
      pass.drawIndexed(this.#indexCount);
    }
    pass.end();
    this.#target.afterPass(encoder);
    this.#device.queue.submit([encoder.finish()]);
    return this.#target.present();
  }

  dispose(): void {
    this.#vertices?.dispose();
    this.#uniforms.destroy();
    this.#indices.destroy();
    this.#depth?.destroy();
    this.#target.dispose();
  }
}
