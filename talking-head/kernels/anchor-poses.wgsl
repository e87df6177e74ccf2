// PoseGAN's anchored output (talking-head/posegan/generator.ts, config anchorInitialPose, ours): the generated
// sequence moved so that its first frame is the initial pose p exactly, and turned from the U-Net's channel-major
// layout to frames x channels. out [B, C, T], p [B, C] -> y [B, T, C]:
//
//   y[b, t, c] = (out[b, c, t] - out[b, c, 0]) + p[b, c]
//
// backward, from dy [B, T, C], with s[b, c] = sum_t dy[b, t, c]:
//   dout[b, c, t] = dy[b, t, c] - [t = 0] s[b, c]        (y_0 = p does not depend on out)
//   dp[b, c]      = s[b, c]
//
// forward_smoothed: the same of the Eq. (1) filter F of out along T (config outputSmoothing), so the filter's pass
// is not a dispatch of its own: with F_t = sum_{j=-m}^{m} w_j out[clamp(t + j, 0, T - 1)] (the weights and edges of
// talking-head/kernels/gaussian-filter.wgsl),
//   y[b, t, c] = (F_t - F_0) + p[b, c]
// Its backward is this file's backward (into dF) followed by the filter's transposed pass (anchor-poses.ts).
//
// One dispatch where the composite (slice out_0, subtract, add p, permute) was four: generation runs this once a
// window on a few hundred values, where a dispatch costs about what the kernel does (core/kernels/PERFORMANCE.md).
// Grids: the flat workgroup index is wg.y * num_workgroups.x + wg.x (core/kernels/launch.ts gridFor).

const WG: u32 = 64u;

struct Params { batch: u32, channels: u32, frames: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> forward_out: array<f32>;
@group(0) @binding(2) var<storage, read> forward_initial: array<f32>;
@group(0) @binding(3) var<storage, read_write> forward_y: array<f32>;

// One thread an output value, in y's order (stores contiguous).
@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  let c = index % params.channels;
  let bt = index / params.channels;
  let t = bt % params.frames;
  let b = bt / params.frames;
  if (b >= params.batch) { return; }
  let row = (b * params.channels + c) * params.frames;
  forward_y[index] = (forward_out[row + t] - forward_out[row]) + forward_initial[b * params.channels + c];
}

@group(0) @binding(1) var<storage, read> backward_dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> backward_dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> backward_dinitial: array<f32>;

// One thread a (b, c): its frames in order, the sum with them.
@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  if (index >= params.batch * params.channels) { return; }
  let b = index / params.channels;
  let c = index % params.channels;
  let row = index * params.frames;
  let first = backward_dy[b * params.frames * params.channels + c];
  var s = first;
  for (var t = 1u; t < params.frames; t++) {
    let g = backward_dy[(b * params.frames + t) * params.channels + c];
    s += g;
    backward_dout[row + t] = g;
  }
  backward_dout[row] = first - s;
  backward_dinitial[index] = s;
}

struct SmoothedParams {
  batch: u32, channels: u32, frames: u32, half_window: u32,
  // w_{k - m} for k = 0 .. 2m, four a vec4 (talking-head/kernels/gaussian-filter.ts computes them)
  weights: array<vec4f, 16>,
}

@group(0) @binding(0) var<uniform> smoothed_params: SmoothedParams;

// m as an override constant, so the tap loops unroll and every weight is read at a constant offset of the uniform
// (one load for all lanes on llvmpipe; talking-head/kernels/gaussian-filter.wgsl forward_rows does the same).
override HALF_WINDOW: u32 = 0u;

// One thread an output value, in y's order; each sums its own 2m + 1 taps and frame 0's.
@compute @workgroup_size(WG)
fn forward_smoothed(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  let channels = smoothed_params.channels;
  let frames = smoothed_params.frames;
  let c = index % channels;
  let bt = index / channels;
  let t = i32(bt % frames);
  let b = bt / frames;
  if (b >= smoothed_params.batch) { return; }
  let row = (b * channels + c) * frames;
  let m = i32(HALF_WINDOW);
  let last = i32(frames) - 1;
  var at_t = 0.0;
  var at_0 = 0.0;
  for (var k = 0; k <= 2 * m; k++) {
    let w = smoothed_params.weights[u32(k) / 4u][u32(k) % 4u];
    at_t += w * forward_out[row + u32(clamp(t + k - m, 0, last))];
    at_0 += w * forward_out[row + u32(clamp(k - m, 0, last))];
  }
  forward_y[index] = (at_t - at_0) + forward_initial[b * channels + c];
}
