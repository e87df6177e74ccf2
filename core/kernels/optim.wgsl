// Optimizer kernels. Every buffer is viewed as vec4s: a thread handles 4 consecutive elements, since on
// lavapipe each storage access at a per-lane address costs the same for a vec4 as for a scalar. Tensor
// buffers come from the pool in multiples of 16 bytes (core/buffer-pool.ts), so the last, partly used vec4
// lies inside the buffer; only its first n % 4 elements are written back.
//
// adam: one parameter tensor updated in place (Kingma & Ba 2015, Algorithm 1, with PyTorch's placement of
// eps and AdamW's decoupled weight decay, Loshchilov & Hutter 2019, Algorithm 2 line 12):
//
//   m_t = beta1 m_{t-1} + (1 - beta1) g_t
//   v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
//   p_t = p_{t-1} (1 - lr wd) - lr (m_t / bc1) / (sqrt(v_t / bc2) + eps)
//
// bc1 = 1 - beta1^t and bc2 = 1 - beta2^t are the bias corrections of step t, computed in float64 on the CPU
// and passed in the uniform (so every step reuses one pipeline).
//
// sum_squares: the first half of the global gradient norm ||g|| = sqrt(sum over tensors j, elements i of
// g_ji^2). Each workgroup sums the squares of one CHUNK of one gradient into partials[offset + workgroup].
// norm_finish: one workgroup sums all partials and writes norm[0] = sqrt(sum).
// clip_scale: g *= min(1, max_norm / (norm[0] + 1e-6)), read on the GPU, so clipping needs no readback.

const WG: u32 = 256u;
// vec4s a thread sums in sum_squares: a workgroup covers CHUNK = WG * VEC4_PER_THREAD * 4 elements.
const VEC4_PER_THREAD: u32 = 16u;
const ADAM_VEC4_PER_THREAD: u32 = 4u;
const CLIP_EPS: f32 = 1e-6;

fn flat_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

// Lanes of the vec4 at index q that hold elements below n.
fn valid_lanes(q: u32, n: u32) -> u32 {
  return min(4u, n - 4u * q);
}

struct AdamParams {
  n: u32, lr: f32, beta1: f32, beta2: f32,
  eps: f32, weight_decay: f32, bias_correction1: f32, bias_correction2: f32,
}

@group(0) @binding(0) var<uniform> adam_params: AdamParams;
@group(0) @binding(1) var<storage, read> adam_grad: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> adam_param: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> adam_m: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> adam_v: array<vec4f>;

@compute @workgroup_size(WG)
fn adam(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let a = adam_params;
  // ADAM_VEC4_PER_THREAD consecutive vec4s a thread: 2.4x one a thread on lavapipe (core/kernels/PERFORMANCE.md).
  let first = flat_index(wg, lane, nwg) * ADAM_VEC4_PER_THREAD;
  for (var q = first; q < first + ADAM_VEC4_PER_THREAD && 4u * q < a.n; q++) {
    let g = adam_grad[q];
    let m = a.beta1 * adam_m[q] + (1.0 - a.beta1) * g;
    let v = a.beta2 * adam_v[q] + (1.0 - a.beta2) * g * g;
    let p = adam_param[q] * (1.0 - a.lr * a.weight_decay)
      - a.lr * (m / a.bias_correction1) / (sqrt(v / a.bias_correction2) + a.eps);
    let lanes = valid_lanes(q, a.n);
    if (lanes == 4u) {
      adam_m[q] = m;
      adam_v[q] = v;
      adam_param[q] = p;
      continue;
    }
    for (var k = 0u; k < lanes; k++) {
      adam_m[q][k] = m[k];
      adam_v[q][k] = v[k];
      adam_param[q][k] = p[k];
    }
  }
}

struct SumSquaresParams { n: u32, offset: u32 }

@group(0) @binding(0) var<uniform> squares_params: SumSquaresParams;
@group(0) @binding(1) var<storage, read> squares_grad: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> squares_partials: array<f32>;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn sum_squares(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let chunk = wg.y * nwg.x + wg.x;
  let n = squares_params.n;
  let vec4s = (n + 3u) / 4u;
  // Every thread reaches the barriers below; chunks past the end just add zeros.
  var total = 0.0;
  for (var k = 0u; k < VEC4_PER_THREAD; k++) {
    let q = (chunk * VEC4_PER_THREAD + k) * WG + lane;
    if (q < vec4s) {
      let lanes = valid_lanes(q, n);
      let g = select(vec4f(0.0), squares_grad[q], vec4u(0u, 1u, 2u, 3u) < vec4u(lanes));
      total += dot(g, g);
    }
  }
  partial[lane] = total;
  workgroupBarrier();
  for (var width = WG / 2u; width > 0u; width /= 2u) {
    if (lane < width) { partial[lane] += partial[lane + width]; }
    workgroupBarrier();
  }
  if (lane == 0u && chunk * VEC4_PER_THREAD * WG < vec4s) {
    squares_partials[squares_params.offset + chunk] = partial[0];
  }
}

struct NormFinishParams { count: u32 }

@group(0) @binding(0) var<uniform> finish_params: NormFinishParams;
@group(0) @binding(1) var<storage, read> finish_partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> finish_norm: array<f32>;

@compute @workgroup_size(WG)
fn norm_finish(@builtin(local_invocation_index) lane: u32) {
  var total = 0.0;
  for (var i = lane; i < finish_params.count; i += WG) { total += finish_partials[i]; }
  partial[lane] = total;
  workgroupBarrier();
  for (var width = WG / 2u; width > 0u; width /= 2u) {
    if (lane < width) { partial[lane] += partial[lane + width]; }
    workgroupBarrier();
  }
  if (lane == 0u) { finish_norm[0] = sqrt(partial[0]); }
}

struct ClipParams { n: u32, max_norm: f32 }

@group(0) @binding(0) var<uniform> clip_params: ClipParams;
@group(0) @binding(1) var<storage, read> clip_norm: array<f32>;
@group(0) @binding(2) var<storage, read_write> clip_grad: array<vec4f>;

@compute @workgroup_size(WG)
fn clip_scale(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let q = flat_index(wg, lane, nwg);
  let n = clip_params.n;
  if (4u * q >= n) { return; }
  let scale = min(1.0, clip_params.max_norm / (clip_norm[0] + CLIP_EPS));
  let g = clip_grad[q] * scale;
  let lanes = valid_lanes(q, n);
  if (lanes == 4u) {
    clip_grad[q] = g;
    return;
  }
  for (var k = 0u; k < lanes; k++) { clip_grad[q][k] = g[k]; }
}
