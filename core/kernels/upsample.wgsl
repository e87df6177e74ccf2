// Nearest up-sampling along the last axis, and its gradient: rows r = (b, c) of x [rows, L], factor f.
//
//   upsample_nearest:           y[r, j] = x[r, floor(j / f)]      j < L f
//   upsample_nearest_backward:  dx[r, i] = sum_{q < f} dy[r, i f + q]
//
// In flat indices both are row-free: y's element n = r L f + j reads x's element r L + floor(j / f) = floor(n / f)
// (r L f is a multiple of f), and dx's element n sums dy's elements n f ... n f + f - 1. The vec4 entries use that
// when the element count of x is a multiple of 4: a thread reads one vec4 of x and writes f vec4s of y (forward), or
// reads f vec4s of dy and writes one vec4 of dx (backward), with f an override constant so that every component
// index is a constant: no integer division at all, where the scalar entries make two or three a thread (each a
// loop over the SIMD lanes on a CPU adapter, core/kernels/PERFORMANCE.md), and a quarter of the storage accesses.
// The backward sums its f terms in the same order as the scalar entry: the results are bit-identical.
//
// Threads are numbered over a 2-D grid: (wg.y * num_workgroups.x + wg.x) * WG + lane.

const WG: u32 = 64u;
override FACTOR: u32 = 2u;

struct UpsampleParams { rows: u32, in_length: u32, factor: u32 }

fn thread_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

@group(0) @binding(0) var<uniform> upsample_params: UpsampleParams;
@group(0) @binding(1) var<storage, read> upsample_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> upsample_y: array<f32>;

// A thread an output element.
@compute @workgroup_size(WG)
fn upsample_nearest(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let n = thread_index(wg, lane, nwg);
  if (n >= upsample_params.rows * upsample_params.in_length * upsample_params.factor) { return; }
  upsample_y[n] = upsample_x[n / upsample_params.factor];
}

@group(0) @binding(1) var<storage, read> upsample_x4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> upsample_y4: array<vec4f>;

// A thread a vec4 of x: y's vec4s FACTOR q ... FACTOR q + FACTOR - 1, component c of vec4 k being x's element
// 4 q + (4 k + c) / FACTOR.
@compute @workgroup_size(WG)
fn upsample_nearest_vec4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let q = thread_index(wg, lane, nwg);
  if (4u * q >= upsample_params.rows * upsample_params.in_length) { return; }
  let x = upsample_x4[q];
  for (var k = 0u; k < FACTOR; k++) {
    var y = vec4f(0.0);
    for (var c = 0u; c < 4u; c++) { y[c] = x[(4u * k + c) / FACTOR]; }
    upsample_y4[FACTOR * q + k] = y;
  }
}

@group(0) @binding(0) var<uniform> upsample_backward_params: UpsampleParams;
@group(0) @binding(1) var<storage, read> upsample_backward_dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> upsample_backward_dx: array<f32>;

// A thread an input element.
@compute @workgroup_size(WG)
fn upsample_nearest_backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let f = upsample_backward_params.factor;
  let n = thread_index(wg, lane, nwg);
  if (n >= upsample_backward_params.rows * upsample_backward_params.in_length) { return; }
  var total = 0.0;
  for (var q = 0u; q < f; q++) { total += upsample_backward_dy[n * f + q]; }
  upsample_backward_dx[n] = total;
}

@group(0) @binding(1) var<storage, read> upsample_backward_dy4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> upsample_backward_dx4: array<vec4f>;

// A thread a vec4 of dx: component c sums dy's elements 4 FACTOR p + c FACTOR + q, q < FACTOR, from the FACTOR vec4s
// of dy at FACTOR p.
@compute @workgroup_size(WG)
fn upsample_nearest_backward_vec4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = thread_index(wg, lane, nwg);
  if (4u * p >= upsample_backward_params.rows * upsample_backward_params.in_length) { return; }
  var dy: array<vec4f, 8>;
  for (var k = 0u; k < FACTOR; k++) { dy[k] = upsample_backward_dy4[FACTOR * p + k]; }
  var dx = vec4f(0.0);
  for (var c = 0u; c < 4u; c++) {
    var total = 0.0;
    for (var q = 0u; q < FACTOR; q++) {
      let e = c * FACTOR + q;
      total += dy[e / 4u][e % 4u];
    }
    dx[c] = total;
  }
  upsample_backward_dx4[p] = dx;
}
