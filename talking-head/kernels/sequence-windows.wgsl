// The audio encoder's first layer cut into per-frame windows (talking-head/ops/sequence-windows.ts explains why):
// stacked [3C, L] holds the layer's pre-activations over the whole feature sequence three times, with all three
// taps (s = 0), without the first tap (s = 1) and without the last (s = 2). Window i, column j < W, channel r:
//
//   out[i, r, j] = act(stacked[sel(j) C + r, i + j]),   sel(0) = 1, sel(W - 1) = 2, sel(j) = 0 between
//
// (act: leaky ReLU of slope a). Backward, from dout [N, C, W]: element (s, r, o) of stacked feeds the columns
// j = o - i of sel's class s, all through act at its own value, so
//
//   dstacked[s, r, o] = act'(stacked[s, r, o]) sum_{i = o - j in [0, N), sel(j) = s} dout[i, r, j]
//
// One thread a window row (forward: fewer, longer threads; one a value spent 4 ms on 1800 windows in starting
// threads) or a value of stacked (backward). W and C are override constants: with them known, a thread's row and
// column come from multiplications, where divisions by uniforms cost the forward 7 ms on 1800 windows (llvmpipe
// has no vector integer division and divides lane by lane). Grids: the flat
// workgroup index is wg.y * num_workgroups.x + wg.x (core/kernels/launch.ts gridFor).

const WG: u32 = 64u;
override WINDOW: u32 = 2u;
override CHANNELS: u32 = 1u;

struct Params { frames: u32, length: u32, slope: f32, pad0: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> stacked: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn act(v: f32) -> f32 {
  return select(params.slope * v, v, v > 0.0);
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  // One thread a window row (i, r): W values, the edges from their stacks, the middle from stack 0.
  let t = (wg.y * nwg.x + wg.x) * WG + lane;
  if (t >= params.frames * CHANNELS) { return; }
  let r = t % CHANNELS;
  let i = t / CHANNELS;
  let at = t * WINDOW;
  let middle = r * params.length + i;
  out[at] = act(stacked[(CHANNELS + r) * params.length + i]);
  for (var j = 1u; j < WINDOW - 1u; j++) { out[at + j] = act(stacked[middle + j]); }
  out[at + WINDOW - 1u] = act(stacked[(2u * CHANNELS + r) * params.length + i + WINDOW - 1u]);
}

@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> stacked_in: array<f32>;
@group(0) @binding(3) var<storage, read_write> dstacked: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  let w = WINDOW;
  let c = CHANNELS;
  let n = params.frames;
  if (index >= 3u * c * params.length) { return; }
  let o = index % params.length;
  let r = (index / params.length) % c;
  let s = index / (params.length * c);
  // The columns of class s: 1 .. W - 2 for s = 0, 0 for s = 1, W - 1 for s = 2; window i = o - j must exist.
  let j_first = select(select(1u, w - 1u, s == 2u), 0u, s == 1u);
  let j_last = select(select(w - 2u, w - 1u, s == 2u), 0u, s == 1u);
  var sum = 0.0;
  for (var j = j_first; j <= j_last && j <= o; j++) {
    let i = o - j;
    if (i < n) { sum += dout[(i * c + r) * w + j]; }
  }
  let v = stacked_in[index];
  dstacked[index] = select(params.slope * sum, sum, v > 0.0);
}
