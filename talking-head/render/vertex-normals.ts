// The vertex-normal kernel (vertex-normals.wgsl) on a plain GPUDevice, its CSR incidence lists, and the float64
// CPU reference the tests check it against. The head renderer records it into each frame's command buffer, before
// the render pass that reads the normals.
import { type KernelSource, u32 } from '../../core/kernels/launch.ts';
import { packUniforms, uniformLayout } from '../../core/kernels/uniform-layout.ts';
import source from './vertex-normals.wgsl';

export const VERTEX_NORMALS_WGSL: KernelSource = { name: 'vertex-normals', file: 'talking-head/render/vertex-normals.wgsl', code: source };
const ENTRY = 'vertexNormals';
/** The uniform struct as the WGSL declares it (core/kernels/uniform-layout.ts): one declaration, no drift. */
const PARAMS = uniformLayout(VERTEX_NORMALS_WGSL, ENTRY);
const WORKGROUP = 64;

/** For each vertex, the triangles that use it: incidence[offsets[v] .. offsets[v + 1]] (triangle numbers, ascending). */
export interface Incidence {
  readonly offsets: Uint32Array;
  readonly triangles: Uint32Array;
}

export function vertexIncidence(triangles: ArrayLike<number>, vertexCount: number): Incidence {
  const counts = new Uint32Array(vertexCount + 1);
  for (let i = 0; i < triangles.length; i++) {
    const v = triangles[i]!;
    if (!(v >= 0 && v < vertexCount)) throw new RangeError(`vertexIncidence: triangle index ${v} at ${i} is not a vertex (0-${vertexCount - 1})`);
    counts[v + 1]!++;
  }
  for (let v = 0; v < vertexCount; v++) counts[v + 1]! += counts[v]!;
  const fill = counts.slice(0, vertexCount);
  const incident = new Uint32Array(triangles.length);
  for (let i = 0; i < triangles.length; i++) incident[fill[triangles[i]!]!++] = Math.floor(i / 3);
  return { offsets: counts, triangles: incident };
}

/** Reference: normals [V * 3] (float64) of positions [V * 3] (the same sum in the same order as the kernel). */
export function vertexNormalsCpu(positions: ArrayLike<number>, triangles: ArrayLike<number>, vertexCount: number): Float64Array {
  const sum = new Float64Array(3 * vertexCount);
  for (let t = 0; t + 2 < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t]!, triangles[t + 1]!, triangles[t + 2]!];
    const e1 = [0, 1, 2].map((k) => positions[3 * b + k]! - positions[3 * a + k]!);
    const e2 = [0, 1, 2].map((k) => positions[3 * c + k]! - positions[3 * a + k]!);
    const n = [e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!];
    for (const v of [a, b, c]) for (let k = 0; k < 3; k++) sum[3 * v + k]! += n[k]!;
  }
  for (let v = 0; v < vertexCount; v++) {
    const len = Math.hypot(sum[3 * v]!, sum[3 * v + 1]!, sum[3 * v + 2]!);
    for (let k = 0; k < 3; k++) sum[3 * v + k] = len > 1e-20 ? sum[3 * v + k]! / len : 0;
  }
  return sum;
}

/** The kernel's pipeline and a mesh's triangle and incidence buffers (uploaded once). */
export class VertexNormals {
  readonly vertexCount: number;
  readonly #device: GPUDevice;
  readonly #pipeline: GPUComputePipeline;
  readonly #triangles: GPUBuffer;
  readonly #offsets: GPUBuffer;
  readonly #incidence: GPUBuffer;

  constructor(device: GPUDevice, triangles: Uint32Array, vertexCount: number) {
    this.#device = device;
    this.vertexCount = vertexCount;
    const incidence = vertexIncidence(triangles, vertexCount);
    const upload = (data: Uint32Array, label: string) => {
      const buffer = device.createBuffer({ size: Math.max(16, data.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, label });
      device.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
      return buffer;
    };
    this.#triangles = upload(triangles, 'normals: triangles');
    this.#offsets = upload(incidence.offsets, 'normals: offsets');
    this.#incidence = upload(incidence.triangles.length ? incidence.triangles : new Uint32Array(1), 'normals: incidence');
    const module = device.createShaderModule({ code: VERTEX_NORMALS_WGSL.code, label: VERTEX_NORMALS_WGSL.file });
    this.#pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: ENTRY }, label: 'vertex normals' });
  }

  /** A normals buffer for this mesh: [V] vec4. */
  createNormalsBuffer(label: string): GPUBuffer {
    return this.#device.createBuffer({ size: 16 * Math.max(1, this.vertexCount), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, label });
  }

  /** A uniform buffer for the kernel's parameters (write it with writeParams). */
  createParamsBuffer(label: string): GPUBuffer {
    return this.#device.createBuffer({ size: PARAMS.bindingSize, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label });
  }

  /**
   * A binding of the kernel to one positions buffer ([frames, V * 3] f32) and one normals buffer; `params` is a
   * buffer from createParamsBuffer, written with writeParams before the submit.
   */
  bind(positions: GPUBuffer, normals: GPUBuffer, params: GPUBuffer): GPUBindGroup {
    return this.#device.createBindGroup({
      layout: this.#pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: positions } },
        { binding: 2, resource: { buffer: this.#triangles } },
        { binding: 3, resource: { buffer: this.#offsets } },
        { binding: 4, resource: { buffer: this.#incidence } },
        { binding: 5, resource: { buffer: normals } },
      ],
      label: 'vertex normals',
    });
  }

  /** Writes the uniforms for frame `frame` of the positions bound with `params`. */
  writeParams(params: GPUBuffer, frame: number): void {
    const bytes = new DataView(new ArrayBuffer(PARAMS.bindingSize));
    packUniforms(PARAMS, { vertices: u32(this.vertexCount), first: u32(frame * 3 * this.vertexCount) }, bytes, 0);
    this.#device.queue.writeBuffer(params, 0, bytes.buffer);
  }

  /** Records the kernel into a compute pass. */
  encode(pass: GPUComputePassEncoder, binding: GPUBindGroup): void {
    pass.setPipeline(this.#pipeline);
    pass.setBindGroup(0, binding);
    pass.dispatchWorkgroups(Math.ceil(this.vertexCount / WORKGROUP));
  }

  dispose(): void {
    this.#triangles.destroy();
    this.#offsets.destroy();
    this.#incidence.destroy();
  }
}
