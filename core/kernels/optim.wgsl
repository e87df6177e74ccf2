// Optimizer kernels. Every buffer is viewed as vec4s: a thread handles 4 consecutive elements, since on
// lavapipe each storage access at a per-lane address costs the same for a vec4 as for a scalar. Tensor
// buffers come from the pool in multiples of 16 bytes (core/buffer-pool.ts), so the last, partly used vec4
// lies inside the buffer; only its first n % 4 elements are written back.
//
// Adam lives in core/kernels/adam-group.ts (several tensors a dispatch).
//
// sum_squares: the first half of the global gradient norm ||g|| = sqrt(sum over tensors j, elements i of
// g_ji^2). Each workgroup sums the squares of one CHUNK of one gradient into partials[offset + workgroup].
// norm_finish: one workgroup sums all partials and writes norm[0] = sqrt(sum).
// clip_scale: g *= min(1, max_norm / (norm[0] + 1e-6)), read on the GPU, so clipping needs no readback.

const WG: u32 = 256u;
// vec4s a thread sums in sum_squares: a workgroup covers CHUNK = WG * VEC4_PER_THREAD * 4 elements.
const VEC4_PER_THREAD: u32 = 16u;
const CLIP_EPS: f32 = 1e-6;

fn flat_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

// Lanes of the vec4 at index q that hold elements below n.
fn valid_lanes(q: u32, n: u32) -> u32 {
  return min(4u, n - 4u * q);
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
