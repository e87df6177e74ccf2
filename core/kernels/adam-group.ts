// The Adam update of several parameter tensors in one dispatch (Kingma & Ba 2015, Algorithm 1, with PyTorch's
// placement of eps and AdamW's decoupled weight decay, Loshchilov & Hutter 2019, Algorithm 2 line 12):
//
//   m_t = beta1 m_{t-1} + (1 - beta1) g_t
//   v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
//   p_t = p_{t-1} (1 - lr wd) - lr (m_t / bc1) / (sqrt(v_t / bc2) + eps)
//
// bc1 = 1 - beta1^t and bc2 = 1 - beta2^t are the bias corrections of step t, computed in float64 on the CPU
// and passed in the uniform (so every step reuses one pipeline).
//
// Why several tensors a dispatch: on lavapipe every dispatch ends in a barrier of all workers, and a
// U-Net's parameters are a few dozen tensors of 128 to 82k values, each a handful of workgroups: 25 tensors
// took 3.1-3.3 ms where one tensor of the same 1M values took 1.8-2.1 (core/kernels/PERFORMANCE.md, eighth
// round). A dispatch here updates SLOTS tensors, each bound as its own four buffers (grad, param, m, v):
// the optimizer's state and the checkpoints keep one tensor a parameter. SLOTS is what the device's
// storage-buffer limit allows (4 at 16, 2 at WebGPU's guaranteed 8).
//
// Workgroups are dealt out whole to the slots: slot s owns workgroups first_group[s] .. first_group[s + 1] - 1,
// so the slot a workgroup serves is uniform across it (no divergent branch between tensors). The WGSL is
// written here because WGSL cannot index bindings: each slot's loads and stores name its own.
//
// Every buffer is viewed as vec4s. Tensor buffers come from the pool in multiples of 16 bytes
// (core/buffer-pool.ts), so the last, partly used vec4 lies inside the buffer; only its first n % 4 elements
// are written back.
import { generatedSource } from './generated-sources.ts';
import { type KernelLaunch, type KernelSource, f32, gridFor } from './launch.ts';

const WG = 256;
/** vec4s a thread updates: 2.4x one a thread on lavapipe (core/kernels/PERFORMANCE.md). */
const VEC4_PER_THREAD = 4;
/** Elements one workgroup covers. */
const ELEMENTS_PER_GROUP = WG * VEC4_PER_THREAD * 4;
/** The most tensors one dispatch updates: first_group and n are vec4u fields of the uniform. */
export const MAX_ADAM_SLOTS = 4;

export interface AdamHyperparameters {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

/** One tensor's buffers: its gradient (read), the parameter and its two moments (read and written in place). */
export interface AdamSlot {
  readonly grad: GPUBuffer;
  readonly param: GPUBuffer;
  readonly m: GPUBuffer;
  readonly v: GPUBuffer;
  /** Elements (at least 1). */
  readonly n: number;
}

/** Tensors one dispatch may update on a device allowing `maxStorageBuffers` storage buffers a stage. */
export function adamSlotsFor(maxStorageBuffers: number): number {
  return Math.max(1, Math.min(MAX_ADAM_SLOTS, Math.floor(maxStorageBuffers / 4)));
}

function slotCode(s: number): string {
  return `    case ${s}u: {
      for (var q = first; q < first + VEC4_PER_THREAD && 4u * q < n; q++) {
        let u = adam_update(grad_${s}[q], param_${s}[q], m_${s}[q], v_${s}[q]);
        if (4u * q + 4u <= n) {
          param_${s}[q] = u.param; m_${s}[q] = u.m; v_${s}[q] = u.v;
        } else {
          for (var k = 0u; k < n - 4u * q; k++) { param_${s}[q][k] = u.param[k]; m_${s}[q][k] = u.m[k]; v_${s}[q][k] = u.v[k]; }
        }
      }
    }`;
}

function adamGroupCode(slots: number): string {
  const bindings: string[] = [];
  for (let s = 0; s < slots; s++) bindings.push(`@group(0) @binding(${1 + s}) var<storage, read> grad_${s}: array<vec4f>;`);
  for (let s = 0; s < slots; s++) {
    const at = 1 + slots + 3 * s;
    bindings.push(
      `@group(0) @binding(${at}) var<storage, read_write> param_${s}: array<vec4f>;`,
      `@group(0) @binding(${at + 1}) var<storage, read_write> m_${s}: array<vec4f>;`,
      `@group(0) @binding(${at + 2}) var<storage, read_write> v_${s}: array<vec4f>;`,
    );
  }
  const cases = Array.from({ length: slots }, (_, s) => slotCode(s)).join('\n');
  return `// Adam over ${slots} tensor(s) a dispatch: written by core/kernels/adam-group.ts, whose comment explains it.
const WG: u32 = ${WG}u;
const VEC4_PER_THREAD: u32 = ${VEC4_PER_THREAD}u;
const SLOTS: u32 = ${slots}u;

struct AdamParams {
  lr: f32, beta1: f32, beta2: f32, eps: f32,
  weight_decay: f32, bias_correction1: f32, bias_correction2: f32, pad0: u32,
  // Slot s: its tensor's element count, and the first workgroup that serves it.
  n: vec4u,
  first_group: vec4u,
}
@group(0) @binding(0) var<uniform> a: AdamParams;
${bindings.join('\n')}

struct AdamValues { param: vec4f, m: vec4f, v: vec4f }

fn adam_update(g: vec4f, param: vec4f, m_old: vec4f, v_old: vec4f) -> AdamValues {
  let m = a.beta1 * m_old + (1.0 - a.beta1) * g;
  let v = a.beta2 * v_old + (1.0 - a.beta2) * g * g;
  let p = param * (1.0 - a.lr * a.weight_decay) - a.lr * (m / a.bias_correction1) / (sqrt(v / a.bias_correction2) + a.eps);
  return AdamValues(p, m, v);
}

@compute @workgroup_size(WG)
fn adam(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let group = wg.y * nwg.x + wg.x;
  var slot = 0u;
  for (var s = 1u; s < SLOTS; s++) { if (group >= a.first_group[s]) { slot = s; } }
  let n = a.n[slot];
  let first = ((group - a.first_group[slot]) * WG + lane) * VEC4_PER_THREAD;
  switch slot {
${cases}
    default: {}
  }
}
`;
}

function adamGroupSource(slots: number): KernelSource {
  return generatedSource('adam', 'core/kernels/adam-group.ts', `slots ${slots}`, () => adamGroupCode(slots));
}

/**
 * One Adam step of up to MAX_ADAM_SLOTS parameter tensors, in place. `step` is the 1-based step count t; the
 * bias corrections 1 - beta^t are computed here in float64.
 */
export function adamGroupLaunch(slots: readonly AdamSlot[], step: number, h: AdamHyperparameters): KernelLaunch {
  if (slots.length < 1 || slots.length > MAX_ADAM_SLOTS) throw new RangeError(`adamGroupLaunch: ${slots.length} tensors, expected 1 to ${MAX_ADAM_SLOTS}`);
  const n = new Uint32Array(4);
  const firstGroup = new Uint32Array(4);
  let groups = 0;
  slots.forEach((slot, s) => {
    if (!(Number.isInteger(slot.n) && slot.n >= 1)) throw new RangeError(`adamGroupLaunch: tensor ${s} has ${slot.n} elements, expected a positive integer`);
    n[s] = slot.n;
    firstGroup[s] = groups;
    groups += Math.ceil(slot.n / ELEMENTS_PER_GROUP);
  });
  // Slots past the last never match: their first group lies past every workgroup.
  for (let s = slots.length; s < 4; s++) firstGroup[s] = 0xffffffff;
  const total = slots.reduce((sum, slot) => sum + slot.n, 0);
  return {
    kernel: adamGroupSource(slots.length), entry: 'adam',
    params: {
      lr: f32(h.lr), beta1: f32(h.beta1), beta2: f32(h.beta2), eps: f32(h.eps), weight_decay: f32(h.weightDecay),
      bias_correction1: f32(1 - h.beta1 ** step), bias_correction2: f32(1 - h.beta2 ** step), n, first_group: firstGroup,
    },
    buffers: [...slots.map((slot) => slot.grad), ...slots.flatMap((slot) => [slot.param, slot.m, slot.v])],
    workgroups: gridFor(groups), flops: 16 * total, bytes: 28 * total,
    shapes: `adam[${slots.map((slot) => slot.n).join(',')}] t=${step}`,
  };
}
