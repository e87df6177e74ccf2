// Draws talking heads with WebGPU on a plain GPUDevice (Dawn in Node, the browser's in a page): per frame, one
// compute pass recomputes each head's vertex normals from its decoded vertices (vertex-normals.wgsl), then one
// render pass (4x multisampled and resolved into the caller's texture, or straight into it) draws a background and
// each head into its viewport (head-shader.wgsl). Several heads side by side (`posedyn render --compare`) are several draws.
//
// The vertices are read where the face decode wrote them (an engine storage buffer [frames, V * 3]); the caller
// records the frame into its own command encoder and submits it, then reads back or presents (render-target.ts).
import type { HeadMesh } from './mesh/head-mesh.ts';
import { SURFACE_FLOATS } from './mesh/head-mesh-builder.ts';
import shaderCode from './head-shader.wgsl';
import { VertexNormals } from './vertex-normals.ts';

export const HEAD_SHADER_WGSL = { file: 'talking-head/render/head-shader.wgsl', code: shaderCode };
/** Samples a pixel by default (multisampled anti-aliasing); 1 draws straight into the target. */
const DEFAULT_SAMPLES = 4;
const DEPTH_FORMAT: GPUTextureFormat = 'depth24plus';
/**
 * Scene uniform of head-shader.wgsl: viewProjection, head, torso (3 mat4x4f), eye (vec4f), frame (vec4u). Written
 * by hand: core/kernels/uniform-layout.ts, which keeps the compute kernels' uniforms declared once, lays out no
 * matrices.
 */
const SCENE_BYTES = 3 * 64 + 16 + 16;

/** Where a frame is drawn: a texture view the pass resolves into (RENDER_ATTACHMENT usage), its size and format. */
export interface RenderTarget {
  readonly view: GPUTextureView;
  readonly width: number;
  readonly height: number;
  readonly format: GPUTextureFormat;
}

export interface Viewport {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One head in one frame. Matrices are column-major 4 x 4 (WebGPU / gl-matrix order). */
export interface HeadDraw {
  /** decoded vertices [frames, V * 3] f32 (STORAGE usage) */
  readonly positions: GPUBuffer;
  /** which frame of `positions` */
  readonly frame: number;
  /** model units -> world (cm) for vertices that move with the head (head-placement.ts) */
  readonly head: Float32Array;
  /** the same for the shoulders */
  readonly torso: Float32Array;
  readonly viewProjection: Float32Array;
  /** camera position, world */
  readonly eye: ArrayLike<number>;
  /** default: the whole target */
  readonly viewport?: Viewport;
}

/** A draw's GPU resources, reused frame after frame. */
interface Slot {
  readonly scene: GPUBuffer;
  readonly normalsParams: GPUBuffer;
  readonly normals: GPUBuffer;
  readonly background: GPUBuffer;
  positions: GPUBuffer | null;
  normalsBinding: GPUBindGroup | null;
  drawBinding: GPUBindGroup | null;
  backgroundBinding: GPUBindGroup | null;
}

interface Pipelines {
  readonly head: GPURenderPipeline;
  readonly background: GPURenderPipeline;
}

export class HeadRenderer {
  readonly mesh: HeadMesh;
  readonly #device: GPUDevice;
  readonly #module: GPUShaderModule;
  readonly #normals: VertexNormals;
  readonly #indices: GPUBuffer;
  readonly #indexCount: number;
  readonly #surfaces: GPUBuffer;
  readonly #pipelines = new Map<GPUTextureFormat, Pipelines>();
  readonly #slots: Slot[] = [];
  readonly #samples: number;
  #attachments: { key: string; colour: GPUTexture | null; depth: GPUTexture } | null = null;

  /** `samples`: 4 (anti-aliased, default) or 1 (cheaper where rasterising is slow, e.g. a software adapter). */
  constructor(device: GPUDevice, mesh: HeadMesh, options: { readonly samples?: 1 | 4 } = {}) {
    this.#device = device;
    this.mesh = mesh;
    this.#samples = options.samples ?? DEFAULT_SAMPLES;
    const { model, surface } = mesh;
    if (surface.length !== SURFACE_FLOATS * model.vertexCount) {
      throw new RangeError(`HeadRenderer: ${surface.length} surface values for ${model.vertexCount} vertices, expected ${SURFACE_FLOATS} a vertex`);
    }
    this.#normals = new VertexNormals(device, model.triangles, model.vertexCount);
    this.#indexCount = model.triangles.length;
    this.#indices = device.createBuffer({ size: Math.max(16, model.triangles.byteLength), usage: GPUBufferUsage.INDEX | GPUBufferUsage.COPY_DST, label: 'head triangles' });
    device.queue.writeBuffer(this.#indices, 0, model.triangles.buffer as ArrayBuffer, model.triangles.byteOffset, model.triangles.byteLength);
    this.#surfaces = device.createBuffer({ size: surface.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, label: 'head surfaces' });
    device.queue.writeBuffer(this.#surfaces, 0, surface.buffer as ArrayBuffer, surface.byteOffset, surface.byteLength);
    this.#module = device.createShaderModule({ code: HEAD_SHADER_WGSL.code, label: HEAD_SHADER_WGSL.file });
  }

  /** Values a frame of `positions` holds (V * 3). */
  get valuesPerFrame(): number {
    return 3 * this.mesh.model.vertexCount;
  }

  /**
   * Records one frame: normals for every draw, then the render pass. Uniforms are written to the queue now, so
   * submit the encoder before recording the next frame.
   */
  encode(encoder: GPUCommandEncoder, target: RenderTarget, draws: readonly HeadDraw[], background: readonly [number, number, number]): void {
    const pipelines = this.#pipelinesFor(target.format);
    const { colour, depth } = this.#attachmentsFor(target);
    const slots = draws.map((draw, i) => this.#prepare(i, draw, background, pipelines));

    const compute = encoder.beginComputePass({ label: 'head normals' });
    for (const slot of slots) this.#normals.encode(compute, slot.normalsBinding!);
    compute.end();

    const [r, g, b] = background;
    const clearValue = { r, g, b, a: 1 };
    const pass = encoder.beginRenderPass({
      label: 'head frame',
      colorAttachments: [colour
        ? { view: colour.createView(), resolveTarget: target.view, loadOp: 'clear', storeOp: 'discard', clearValue }
        : { view: target.view, loadOp: 'clear', storeOp: 'store', clearValue }],
      depthStencilAttachment: { view: depth.createView(), depthLoadOp: 'clear', depthStoreOp: 'discard', depthClearValue: 1 },
    });
    draws.forEach((draw, i) => {
      const slot = slots[i]!;
      const v = draw.viewport ?? { x: 0, y: 0, width: target.width, height: target.height };
      pass.setViewport(v.x, v.y, v.width, v.height, 0, 1);
      pass.setScissorRect(v.x, v.y, v.width, v.height);
      pass.setPipeline(pipelines.background);
      pass.setBindGroup(0, slot.backgroundBinding!);
      pass.draw(3);
      pass.setPipeline(pipelines.head);
      pass.setBindGroup(0, slot.drawBinding!);
      pass.setIndexBuffer(this.#indices, 'uint32');
      pass.drawIndexed(this.#indexCount);
    });
    pass.end();
  }

  #prepare(index: number, draw: HeadDraw, background: readonly [number, number, number], pipelines: Pipelines): Slot {
    const frames = Math.floor(draw.positions.size / (4 * this.valuesPerFrame));
    if (!(draw.frame >= 0 && draw.frame < frames)) {
      throw new RangeError(`HeadRenderer: frame ${draw.frame} of a vertex buffer holding ${frames} frames of ${this.mesh.model.vertexCount} vertices`);
    }
    const slot = (this.#slots[index] ??= this.#createSlot(index));
    if (slot.positions !== draw.positions || !slot.drawBinding) {
      slot.positions = draw.positions;
      slot.normalsBinding = this.#normals.bind(draw.positions, slot.normals, slot.normalsParams);
      slot.drawBinding = this.#device.createBindGroup({
        layout: pipelines.head.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: slot.scene } },
          { binding: 1, resource: { buffer: draw.positions } },
          { binding: 2, resource: { buffer: slot.normals } },
          { binding: 3, resource: { buffer: this.#surfaces } },
        ],
        label: `head ${index}`,
      });
      slot.backgroundBinding = this.#device.createBindGroup({
        layout: pipelines.background.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: slot.background } }],
        label: `background ${index}`,
      });
    }
    this.#normals.writeParams(slot.normalsParams, draw.frame);
    const scene = new ArrayBuffer(SCENE_BYTES);
    const floats = new Float32Array(scene);
    floats.set(draw.viewProjection, 0);
    floats.set(draw.head, 16);
    floats.set(draw.torso, 32);
    floats.set([draw.eye[0]!, draw.eye[1]!, draw.eye[2]!, 1], 48);
    new Uint32Array(scene, 52 * 4, 4)[0] = draw.frame * this.valuesPerFrame;
    this.#device.queue.writeBuffer(slot.scene, 0, scene);
    this.#device.queue.writeBuffer(slot.background, 0, Float32Array.of(background[0], background[1], background[2], 1));
    return slot;
  }

  #createSlot(index: number): Slot {
    const uniform = (size: number, label: string) => this.#device.createBuffer({ size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label });
    return {
      scene: uniform(SCENE_BYTES, `head ${index} scene`),
      normalsParams: this.#normals.createParamsBuffer(`head ${index} normals params`),
      normals: this.#normals.createNormalsBuffer(`head ${index} normals`),
      background: uniform(16, `background ${index}`),
      positions: null, normalsBinding: null, drawBinding: null, backgroundBinding: null,
    };
  }

  #pipelinesFor(format: GPUTextureFormat): Pipelines {
    const cached = this.#pipelines.get(format);
    if (cached) return cached;
    const module = this.#module;
    const multisample = { count: this.#samples };
    const pipelines: Pipelines = {
      head: this.#device.createRenderPipeline({
        label: 'head', layout: 'auto', multisample,
        vertex: { module, entryPoint: 'vertexMain' },
        fragment: { module, entryPoint: 'fragmentMain', targets: [{ format }] },
        primitive: { topology: 'triangle-list', cullMode: 'none' },
        depthStencil: { format: DEPTH_FORMAT, depthWriteEnabled: true, depthCompare: 'less' },
      }),
      background: this.#device.createRenderPipeline({
        label: 'background', layout: 'auto', multisample,
        vertex: { module, entryPoint: 'backgroundVertex' },
        fragment: { module, entryPoint: 'backgroundFragment', targets: [{ format }] },
        primitive: { topology: 'triangle-list' },
        depthStencil: { format: DEPTH_FORMAT, depthWriteEnabled: false, depthCompare: 'always' },
      }),
    };
    this.#pipelines.set(format, pipelines);
    return pipelines;
  }

  #attachmentsFor(target: RenderTarget): { colour: GPUTexture | null; depth: GPUTexture } {
    const key = `${target.width}x${target.height}:${target.format}`;
    if (this.#attachments?.key !== key) {
      this.#attachments?.colour?.destroy();
      this.#attachments?.depth.destroy();
      const size = [target.width, target.height];
      const sampleCount = this.#samples;
      this.#attachments = {
        key,
        colour: sampleCount > 1 ? this.#device.createTexture({ size, format: target.format, sampleCount, usage: GPUTextureUsage.RENDER_ATTACHMENT, label: 'head colour (multisampled)' }) : null,
        depth: this.#device.createTexture({ size, format: DEPTH_FORMAT, sampleCount, usage: GPUTextureUsage.RENDER_ATTACHMENT, label: 'head depth' }),
      };
    }
    return this.#attachments;
  }

  dispose(): void {
    for (const slot of this.#slots) {
      slot.scene.destroy();
      slot.normalsParams.destroy();
      slot.normals.destroy();
      slot.background.destroy();
    }
    this.#normals.dispose();
    this.#indices.destroy();
    this.#surfaces.destroy();
    this.#attachments?.colour?.destroy();
    this.#attachments?.depth.destroy();
  }
}
