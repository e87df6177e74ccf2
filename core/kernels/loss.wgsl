// Per-element loss terms and their gradients, one thread an element. The loss itself is the mean of the terms,
// taken by core/kernels/reduce.wgsl; the backward kernels read the loss's gradient g (one value) from a buffer, so
// nothing is read back.
//
// mse_terms:      t[i] = (p[i] - y[i])^2
// mse_backward:   dp[i] = 2 (p[i] - y[i]) * g / n                     (dy = -dp)
// bce_terms:      t[i] = max(z, 0) - z y + log(1 + e^-|z|)             binary cross-entropy of sigmoid(z) and y,
//                 written so no exponential overflows: equal to -y ln s(z) - (1 - y) ln(1 - s(z)) for all z
// bce_backward:   dz[i] = (sigmoid(z[i]) - y[i]) * g / n
// y is a tensor, or the constant `constant_target` (labels 0 or 1 in a GAN loss) when TARGET_IS_CONSTANT; then the
// logits buffer fills the targets binding and is not read there.

const WG: u32 = 256u;

override TARGET_IS_CONSTANT: bool = false;

struct Params { n: u32, inv_n: f32, constant_target: f32 }

@group(0) @binding(0) var<uniform> params: Params;

fn flat_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

// log(1 + e) for e in [0, 1], accurate for small e where 1 + e rounds away most of e's bits.
fn log1p_small(e: f32) -> f32 {
  if (e < 0.01) { return e * (1.0 - e * (0.5 - e * (1.0 / 3.0 - 0.25 * e))); }
  return log(1.0 + e);
}

fn stable_sigmoid(z: f32) -> f32 {
  if (z >= 0.0) { return 1.0 / (1.0 + exp(-z)); }
  let e = exp(z);
  return e / (1.0 + e);
}

@group(0) @binding(1) var<storage, read> mse_p: array<f32>;
@group(0) @binding(2) var<storage, read> mse_y: array<f32>;
@group(0) @binding(3) var<storage, read_write> mse_t: array<f32>;

@compute @workgroup_size(WG)
fn mse_terms(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= params.n) { return; }
  let d = mse_p[i] - mse_y[i];
  mse_t[i] = d * d;
}

@group(0) @binding(1) var<storage, read> mse_bp: array<f32>;
@group(0) @binding(2) var<storage, read> mse_by: array<f32>;
@group(0) @binding(3) var<storage, read> mse_g: array<f32>;
@group(0) @binding(4) var<storage, read_write> mse_dp: array<f32>;

@compute @workgroup_size(WG)
fn mse_backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= params.n) { return; }
  mse_dp[i] = 2.0 * (mse_bp[i] - mse_by[i]) * mse_g[0] * params.inv_n;
}

@group(0) @binding(1) var<storage, read> bce_z: array<f32>;
@group(0) @binding(2) var<storage, read> bce_y: array<f32>;
@group(0) @binding(3) var<storage, read_write> bce_t: array<f32>;

fn bce_target(i: u32) -> f32 {
  if (TARGET_IS_CONSTANT) { return params.constant_target; }
  return bce_y[i];
}

@compute @workgroup_size(WG)
fn bce_terms(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= params.n) { return; }
  let z = bce_z[i];
  bce_t[i] = max(z, 0.0) - z * bce_target(i) + log1p_small(exp(-abs(z)));
}

@group(0) @binding(1) var<storage, read> bce_bz: array<f32>;
@group(0) @binding(2) var<storage, read> bce_by: array<f32>;
@group(0) @binding(3) var<storage, read> bce_g: array<f32>;
@group(0) @binding(4) var<storage, read_write> bce_dz: array<f32>;

fn bce_backward_target(i: u32) -> f32 {
  if (TARGET_IS_CONSTANT) { return params.constant_target; }
  return bce_by[i];
}

@compute @workgroup_size(WG)
fn bce_backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= params.n) { return; }
  bce_dz[i] = (stable_sigmoid(bce_bz[i]) - bce_backward_target(i)) * bce_g[0] * params.inv_n;
}
