// 1-D convolution as PyTorch's conv1d (a cross-correlation) and its three gradients (nearest up-sampling:
// core/kernels/upsample.wgsl).
//
// Shapes: x [B, Cin, L], w [Cout, Cin, K], bias [Cout], y [B, Cout, Lout]; stride s, zero padding p on both
// sides, dilation d, Lout = floor((L + 2p - d(K-1) - 1) / s) + 1. Positions outside [0, L) read as 0.
//
// forward:      y[b,o,t]  = bias[o] + sum_{c,k} w[o,c,k] x[b,c, t s - p + k d]
// grad_input:   dx[b,c,i] = bias[c] + sum_{o,k : i = t s - p + k d} w[o,c,k] dy[b,o,t]
//               a gather over t = (i + p - k d) / s, taken where that is a whole number in [0, Lout).
//               (bias is 0 for conv1d; convTranspose1d's forward is this kernel with its own bias.)
// grad_weight:  dw[o,c,k] = sum_{b,t} dy[b,o,t] x[b,c, t s - p + k d]
//               the (b,t) sum may be split into `splits` chunks of `split_length`, each thread writing its
//               partial sum to dw[split, o, c, k]; the caller then sums over split.
// grad_bias:    db[o]     = sum_{b,t} dy[b,o,t], in chunks of BIAS_CHUNK terms
//
// Every conv entry blocks outputs in registers (forward and grad_input: 4 channels x 8 positions a thread;
// grad_weight: 4 x 4 channels) and reads no workgroup memory: on lavapipe a storage
// access at a per-lane address costs as much as 50-100 FMAs, so the FMA count per load is what matters (see
// core/kernels/PERFORMANCE.md). Loads past the last channel are clamped to a valid address and their results never
// stored, so odd sizes need no branches in the inner loops. Threads are numbered over a 2-D grid:
// (wg.y * num_workgroups.x + wg.x) * WG + lane.

const WG: u32 = 64u;
const LANES = vec4u(0u, 1u, 2u, 3u);

struct ConvParams {
  batch: u32, in_channels: u32, in_length: u32, out_channels: u32,
  out_length: u32, kernel_size: u32, stride: u32, padding: u32,
  dilation: u32, has_bias: u32, splits: u32, split_length: u32,
}

@group(0) @binding(0) var<uniform> params: ConvParams;

fn thread_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

// ---------------------------------------------------------------- forward

@group(0) @binding(1) var<storage, read> forward_x: array<f32>;
@group(0) @binding(2) var<storage, read> forward_w: array<f32>;
@group(0) @binding(3) var<storage, read> forward_bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> forward_y: array<f32>;

// x[row + pos] for 4 positions, 0 where a position is outside [0, in_length).
fn load_forward_x4(row: u32, pos: vec4i) -> vec4f {
  let last = i32(params.in_length) - 1;
  let inside = (pos >= vec4i(0)) & (pos <= vec4i(last));
  let at = vec4u(clamp(pos, vec4i(0), vec4i(max(last, 0))));
  return select(vec4f(0.0), vec4f(forward_x[row + at.x], forward_x[row + at.y], forward_x[row + at.z], forward_x[row + at.w]), inside);
}

fn load_forward_x1(row: u32, pos: i32) -> f32 {
  let last = i32(params.in_length) - 1;
  return select(0.0, forward_x[row + u32(clamp(pos, 0, max(last, 0)))], pos >= 0 && pos <= last);
}

fn store_forward(b: u32, o: u32, t0: u32, acc: vec4f) {
  if (o >= params.out_channels) { return; }
  var v = acc;
  if (params.has_bias != 0u) { v += vec4f(forward_bias[o]); }
  let row = (b * params.out_channels + o) * params.out_length;
  for (var j = 0u; j < 4u; j++) {
    if (t0 + j < params.out_length) { forward_y[row + t0 + j] = v[j]; }
  }
}

// When stride == dilation, tap k + 1 of position t reads what tap k of position t + 1 read: the 8 inputs of
// a thread slide by one place a tap, so each tap loads one new input instead of 8.
override FORWARD_SLIDING: bool = false;

// A thread: output channels o0..o0+3 (acc0*..acc3*) at positions t0..t0+7 (a: t0..t0+3, b: t0+4..t0+7) of
// batch item n.
@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let cin = params.in_channels;
  let taps = params.kernel_size;
  let t_blocks = (params.out_length + 7u) / 8u;
  let o_blocks = (params.out_channels + 3u) / 4u;
  let id = thread_index(wg, lane, nwg);
  let t0 = (id % t_blocks) * 8u;
  let o0 = ((id / t_blocks) % o_blocks) * 4u;
  let n = id / t_blocks / o_blocks;
  if (n >= params.batch) { return; }

  let w_rows = min(vec4u(o0) + LANES, vec4u(params.out_channels - 1u)) * (cin * taps);
  let stride = i32(params.stride);
  let first_a = vec4i(vec4u(t0) + LANES) * stride - i32(params.padding);
  let first_b = first_a + vec4i(4 * stride);
  var acc0a = vec4f(0.0);
  var acc1a = vec4f(0.0);
  var acc2a = vec4f(0.0);
  var acc3a = vec4f(0.0);
  var acc0b = vec4f(0.0);
  var acc1b = vec4f(0.0);
  var acc2b = vec4f(0.0);
  var acc3b = vec4f(0.0);
  if (FORWARD_SLIDING) {
    for (var c = 0u; c < cin; c++) {
      let x_row = (n * cin + c) * params.in_length;
      var xa = load_forward_x4(x_row, first_a);
      var xb = load_forward_x4(x_row, first_b);
      var next = first_b.w;
      for (var k = 0u; k < taps; k++) {
        let wi = c * taps + k;
        let w0 = vec4f(forward_w[w_rows.x + wi]);
        let w1 = vec4f(forward_w[w_rows.y + wi]);
        let w2 = vec4f(forward_w[w_rows.z + wi]);
        let w3 = vec4f(forward_w[w_rows.w + wi]);
        acc0a = fma(w0, xa, acc0a);
        acc1a = fma(w1, xa, acc1a);
        acc2a = fma(w2, xa, acc2a);
        acc3a = fma(w3, xa, acc3a);
        acc0b = fma(w0, xb, acc0b);
        acc1b = fma(w1, xb, acc1b);
        acc2b = fma(w2, xb, acc2b);
        acc3b = fma(w3, xb, acc3b);
        next += stride;
        xa = vec4f(xa.yzw, xb.x);
        xb = vec4f(xb.yzw, load_forward_x1(x_row, next));
      }
    }
  } else {
    // Taps outside, channels inside: the bounds of the 8 positions are worked out once a tap.
    for (var k = 0u; k < taps; k++) {
      let shift = vec4i(i32(k * params.dilation));
      let pos_a = first_a + shift;
      let pos_b = first_b + shift;
      for (var c = 0u; c < cin; c++) {
        let x_row = (n * cin + c) * params.in_length;
        let xa = load_forward_x4(x_row, pos_a);
        let xb = load_forward_x4(x_row, pos_b);
        let wi = c * taps + k;
        let w0 = vec4f(forward_w[w_rows.x + wi]);
        let w1 = vec4f(forward_w[w_rows.y + wi]);
        let w2 = vec4f(forward_w[w_rows.z + wi]);
        let w3 = vec4f(forward_w[w_rows.w + wi]);
        acc0a = fma(w0, xa, acc0a);
        acc1a = fma(w1, xa, acc1a);
        acc2a = fma(w2, xa, acc2a);
        acc3a = fma(w3, xa, acc3a);
        acc0b = fma(w0, xb, acc0b);
        acc1b = fma(w1, xb, acc1b);
        acc2b = fma(w2, xb, acc2b);
        acc3b = fma(w3, xb, acc3b);
      }
    }
  }
  store_forward(n, o0, t0, acc0a);
  store_forward(n, o0 + 1u, t0, acc1a);
  store_forward(n, o0 + 2u, t0, acc2a);
  store_forward(n, o0 + 3u, t0, acc3a);
  store_forward(n, o0, t0 + 4u, acc0b);
  store_forward(n, o0 + 1u, t0 + 4u, acc1b);
  store_forward(n, o0 + 2u, t0 + 4u, acc2b);
  store_forward(n, o0 + 3u, t0 + 4u, acc3b);
}

// ---------------------------------------------------------------- grad_input

@group(0) @binding(1) var<storage, read> grad_input_dy: array<f32>;
@group(0) @binding(2) var<storage, read> grad_input_w: array<f32>;
@group(0) @binding(3) var<storage, read> grad_input_bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad_input_dx: array<f32>;

fn store_grad_input(b: u32, c: u32, i0: u32, acc: vec4f) {
  if (c >= params.in_channels) { return; }
  var v = acc;
  if (params.has_bias != 0u) { v += vec4f(grad_input_bias[c]); }
  let row = (b * params.in_channels + c) * params.in_length;
  for (var j = 0u; j < 4u; j++) {
    if (i0 + j < params.in_length) { grad_input_dx[row + i0 + j] = v[j]; }
  }
}

// dy[row + t] for 4 positions, 0 where `valid` is false (at is t clamped into the row).
fn load_grad_input_dy4(row: u32, at: vec4u, valid: vec4<bool>) -> vec4f {
  return select(vec4f(0.0), vec4f(grad_input_dy[row + at.x], grad_input_dy[row + at.y], grad_input_dy[row + at.z], grad_input_dy[row + at.w]), valid);
}

// A thread: input channels c0..c0+3 (acc0*..acc3*) at positions i0..i0+7 (a: i0..i0+3, b: i0+4..i0+7) of
// batch item n.
@compute @workgroup_size(WG)
fn grad_input(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let cin = params.in_channels;
  let cout = params.out_channels;
  let taps = params.kernel_size;
  let lout = params.out_length;
  let i_blocks = (params.in_length + 7u) / 8u;
  let c_blocks = (cin + 3u) / 4u;
  let id = thread_index(wg, lane, nwg);
  let i0 = (id % i_blocks) * 8u;
  let c0 = ((id / i_blocks) % c_blocks) * 4u;
  let n = id / i_blocks / c_blocks;
  if (n >= params.batch) { return; }

  let w_cols = min(vec4u(c0) + LANES, vec4u(cin - 1u)) * taps;
  let stride = vec4i(i32(params.stride));
  let last = vec4i(i32(lout) - 1);
  // Tap k of output t reads input t s - p + k d, so input i receives from t = (i + p - k d) / s.
  let shifted_a = vec4i(vec4u(i0) + LANES) + i32(params.padding);
  let shifted_b = shifted_a + vec4i(4);
  var acc0a = vec4f(0.0);
  var acc1a = vec4f(0.0);
  var acc2a = vec4f(0.0);
  var acc3a = vec4f(0.0);
  var acc0b = vec4f(0.0);
  var acc1b = vec4f(0.0);
  var acc2b = vec4f(0.0);
  var acc3b = vec4f(0.0);
  for (var k = 0u; k < taps; k++) {
    let num_a = shifted_a - i32(k * params.dilation);
    let num_b = shifted_b - i32(k * params.dilation);
    let t_a = num_a / stride;
    let t_b = num_b / stride;
    let valid_a = (num_a >= vec4i(0)) & (num_a % stride == vec4i(0)) & (t_a <= last);
    let valid_b = (num_b >= vec4i(0)) & (num_b % stride == vec4i(0)) & (t_b <= last);
    if (!any(valid_a | valid_b)) { continue; }
    let at_a = vec4u(clamp(t_a, vec4i(0), last));
    let at_b = vec4u(clamp(t_b, vec4i(0), last));
    for (var o = 0u; o < cout; o++) {
      let dy_row = (n * cout + o) * lout;
      let ga = load_grad_input_dy4(dy_row, at_a, valid_a);
      let gb = load_grad_input_dy4(dy_row, at_b, valid_b);
      let w_row = o * cin * taps + k;
      let w0 = vec4f(grad_input_w[w_row + w_cols.x]);
      let w1 = vec4f(grad_input_w[w_row + w_cols.y]);
      let w2 = vec4f(grad_input_w[w_row + w_cols.z]);
      let w3 = vec4f(grad_input_w[w_row + w_cols.w]);
      acc0a = fma(w0, ga, acc0a);
      acc1a = fma(w1, ga, acc1a);
      acc2a = fma(w2, ga, acc2a);
      acc3a = fma(w3, ga, acc3a);
      acc0b = fma(w0, gb, acc0b);
      acc1b = fma(w1, gb, acc1b);
      acc2b = fma(w2, gb, acc2b);
      acc3b = fma(w3, gb, acc3b);
    }
  }
  store_grad_input(n, c0, i0, acc0a);
  store_grad_input(n, c0 + 1u, i0, acc1a);
  store_grad_input(n, c0 + 2u, i0, acc2a);
  store_grad_input(n, c0 + 3u, i0, acc3a);
  store_grad_input(n, c0, i0 + 4u, acc0b);
  store_grad_input(n, c0 + 1u, i0 + 4u, acc1b);
  store_grad_input(n, c0 + 2u, i0 + 4u, acc2b);
  store_grad_input(n, c0 + 3u, i0 + 4u, acc3b);
}

// ---------------------------------------------------------------- grad_weight

@group(0) @binding(1) var<storage, read> grad_weight_dy: array<f32>;
@group(0) @binding(2) var<storage, read> grad_weight_x: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad_weight_dw: array<f32>;

fn store_grad_weight(split: u32, o: u32, c0: u32, k: u32, acc: vec4f) {
  if (o >= params.out_channels) { return; }
  let row = (split * params.out_channels + o) * params.in_channels;
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < params.in_channels) { grad_weight_dw[(row + c0 + j) * params.kernel_size + k] = acc[j]; }
  }
}

// A thread: tap k of output channels o0..o0+3 (acc0..acc3) and input channels c0..c0+3 (the vec4 lanes),
// summed over one chunk of the flattened (b, t) range.
@compute @workgroup_size(WG)
fn grad_weight(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let cin = params.in_channels;
  let cout = params.out_channels;
  let taps = params.kernel_size;
  let lin = params.in_length;
  let lout = params.out_length;
  let c_blocks = (cin + 3u) / 4u;
  let o_blocks = (cout + 3u) / 4u;
  let id = thread_index(wg, lane, nwg);
  let k = id % taps;
  let c0 = ((id / taps) % c_blocks) * 4u;
  let o0 = ((id / taps / c_blocks) % o_blocks) * 4u;
  let split = id / taps / c_blocks / o_blocks;
  if (split >= params.splits) { return; }

  let dy_rows = min(vec4u(o0) + LANES, vec4u(cout - 1u)) * lout;
  let x_rows = min(vec4u(c0) + LANES, vec4u(cin - 1u)) * lin;
  let start = split * params.split_length;
  let end = min(start + params.split_length, params.batch * lout);
  let offset = i32(k * params.dilation) - i32(params.padding);
  var b = start / lout;
  var t = start % lout;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var n = start; n < end; n++) {
    let pos = i32(t * params.stride) + offset;
    if (pos >= 0 && pos < i32(lin)) {
      let dy_at = b * cout * lout + t;
      let x_at = b * cin * lin + u32(pos);
      let xv = vec4f(grad_weight_x[x_at + x_rows.x], grad_weight_x[x_at + x_rows.y], grad_weight_x[x_at + x_rows.z], grad_weight_x[x_at + x_rows.w]);
      acc0 = fma(vec4f(grad_weight_dy[dy_at + dy_rows.x]), xv, acc0);
      acc1 = fma(vec4f(grad_weight_dy[dy_at + dy_rows.y]), xv, acc1);
      acc2 = fma(vec4f(grad_weight_dy[dy_at + dy_rows.z]), xv, acc2);
      acc3 = fma(vec4f(grad_weight_dy[dy_at + dy_rows.w]), xv, acc3);
    }
    t++;
    if (t == lout) {
      t = 0u;
      b++;
    }
  }
  store_grad_weight(split, o0, c0, k, acc0);
  store_grad_weight(split, o0 + 1u, c0, k, acc1);
  store_grad_weight(split, o0 + 2u, c0, k, acc2);
  store_grad_weight(split, o0 + 3u, c0, k, acc3);
}

// ---------------------------------------------------------------- grad_bias

@group(0) @binding(1) var<storage, read> grad_bias_dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad_bias_db: array<f32>;

// Terms a grad_bias thread adds in a chunk before adding the chunk to its total: summing millions of terms one
// after another into one f32 loses digits once the total dwarfs each term.
const BIAS_CHUNK: u32 = 256u;

// A thread an output channel o.
@compute @workgroup_size(WG)
fn grad_bias(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let o = thread_index(wg, lane, nwg);
  if (o >= params.out_channels) { return; }
  var total = 0.0;
  var chunk = 0.0;
  var count = 0u;
  for (var b = 0u; b < params.batch; b++) {
    let row = (b * params.out_channels + o) * params.out_length;
    for (var t = 0u; t < params.out_length; t++) {
      chunk += grad_bias_dy[row + t];
      count++;
      if (count == BIAS_CHUNK) {
        total += chunk;
        chunk = 0.0;
        count = 0u;
      }
    }
  }
  grad_bias_db[o] = total + chunk;
}
