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
