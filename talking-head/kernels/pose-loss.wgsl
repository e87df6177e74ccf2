// PoseGAN's reconstruction losses, Eq. (3) and (4) of the paper, for a batch of pose sequences
// yhat (generated), y (real) [B, T, C=6] and the initial poses p [B, C]. With e_t = yhat_t - y_t:
//
//   L_pose[b]   = ||p - yhat_0||^2 + sum_{t=0}^{T-1} ||y_t - yhat_t||^2                     (3)
//   L_motion[b] = sum_{t=1}^{T-1} ||(y_t - y_{t-1}) - (yhat_t - yhat_{t-1})||^2
//               = sum_{t=1}^{T-1} ||e_t - e_{t-1}||^2                                      (4)
//
// forward:  partial[b, c, 0] = L_pose's terms of channel c, partial[b, c, 1] = L_motion's; the caller sums c.
// backward: given the upstream gradients g[b, 0] (of L_pose[b]) and g[b, 1] (of L_motion[b]),
//   dL_pose/dyhat_t   = 2 e_t + [t = 0] 2 (yhat_0 - p)
//   dL_motion/dyhat_t = 2 (e_t - e_{t-1}) [t >= 1] - 2 (e_{t+1} - e_t) [t <= T-2]
//   dyhat[b, t, c]    = g[b, 0] dL_pose/dyhat_t + g[b, 1] dL_motion/dyhat_t

const WG: u32 = 64u;

struct Params { batch: u32, frames: u32, channels: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> generated: array<f32>;
@group(0) @binding(2) var<storage, read> real: array<f32>;
@group(0) @binding(3) var<storage, read> initial: array<f32>;
@group(0) @binding(4) var<storage, read_write> partial: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) id: vec3u) {
  let index = id.x;
  if (index >= params.batch * params.channels) { return; }
  let b = index / params.channels;
  let c = index % params.channels;
  let base = b * params.frames * params.channels + c;
  let start = initial[b * params.channels + c] - generated[base];
  var pose = start * start;
  var motion = 0.0;
  var previous = 0.0;
  for (var t = 0u; t < params.frames; t++) {
    let at = base + t * params.channels;
    let e = generated[at] - real[at];
    pose += e * e;
    if (t > 0u) {
      let d = e - previous;
      motion += d * d;
    }
    previous = e;
  }
  partial[2u * index] = pose;
  partial[2u * index + 1u] = motion;
}

@group(0) @binding(0) var<uniform> grad_params: Params;
@group(0) @binding(1) var<storage, read> grad_generated: array<f32>;
@group(0) @binding(2) var<storage, read> grad_real: array<f32>;
@group(0) @binding(3) var<storage, read> grad_initial: array<f32>;
@group(0) @binding(4) var<storage, read> upstream: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad_out: array<f32>;

fn residual(at: u32) -> f32 {
  return grad_generated[at] - grad_real[at];
}

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  let channels = grad_params.channels;
  let frames = grad_params.frames;
  if (index >= grad_params.batch * frames * channels) { return; }
  let b = index / (frames * channels);
  let t = (index / channels) % frames;
  let c = index % channels;
  let e = residual(index);
  var d_pose = 2.0 * e;
  if (t == 0u) { d_pose += 2.0 * (grad_generated[index] - grad_initial[b * channels + c]); }
  var d_motion = 0.0;
  if (t >= 1u) { d_motion += 2.0 * (e - residual(index - channels)); }
  if (t + 1u < frames) { d_motion -= 2.0 * (residual(index + channels) - e); }
  grad_out[index] = upstream[2u * b] * d_pose + upstream[2u * b + 1u] * d_motion;
}
