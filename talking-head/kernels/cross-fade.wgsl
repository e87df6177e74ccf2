// The cross-fade where two inference windows of PoseGAN overlap (talking-head/inference/pose-windows.ts): the
// next window's first k frames fade in from the previous window's frames there. poses [L, C], tail [K', C],
// k = min(K', L), w_j = j / k:
//
//   out[j, c] = tail[j, c] + (poses[j, c] - tail[j, c]) w_j     j < k
//             = poses[j, c]                                     j >= k
//
// backward, from dout [L, C]:
//   dposes[j, c] = dout[j, c] w_j   (j < k),   dout[j, c]   (j >= k)
//   dtail[j, c]  = dout[j, c] (1 - w_j)   (j < k),   0   (k <= j < K')
//
// One thread a value; w_j is computed here, so no weights are uploaded (an upload submits what is recorded).
// Grids: the flat workgroup index is wg.y * num_workgroups.x + wg.x (core/kernels/launch.ts gridFor).

const WG: u32 = 64u;

struct Params { frames: u32, tail_frames: u32, fade: u32, channels: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> poses: array<f32>;
@group(0) @binding(2) var<storage, read> tail: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn weight(j: u32) -> f32 {
  return f32(j) / f32(params.fade);
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  if (index >= params.frames * params.channels) { return; }
  let j = index / params.channels;
  let x = poses[index];
  if (j < params.fade) {
    let before = tail[index];
    out[index] = before + (x - before) * weight(j);
  } else {
    out[index] = x;
  }
}

@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read_write> dposes: array<f32>;
@group(0) @binding(3) var<storage, read_write> dtail: array<f32>;

// One thread a row-value of the longer of poses and tail.
@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  let j = index / params.channels;
  if (j >= max(params.frames, params.tail_frames)) { return; }
  let w = weight(j);
  let fading = j < params.fade;
  if (j < params.frames) {
    let g = dout[index];
    dposes[index] = select(g, g * w, fading);
    if (j < params.tail_frames) { dtail[index] = select(0.0, g - g * w, fading); }
  } else {
    dtail[index] = 0.0;
  }
}
