// Gaussian temporal filter, Eq. (1), along one axis of a row-major tensor viewed as [outer, T, inner]
// (x [B, C, T] filters along T with inner = 1; poses [T, 6] along T with outer = 1, inner = 6).
//
//   F(x) = exp(-x^2 / (2 d^2)) / (sqrt(2 pi) d)
//   y(i) = sum_{j=-m}^{m} w_j x(clamp(i + j, 0, T - 1)),    w_j = F(j) / sum_{k=-m}^{m} F(k)
//
// Our choices (the paper leaves them open), made in talking-head/kernels/gaussian-filter.ts, which computes the weights:
//   - the 2m + 1 truncated taps are normalised to sum to 1 (so the 1 / (sqrt(2 pi) d) factor cancels);
//   - edges replicate the first and last sample (the index is clamped): a constant signal stays constant;
//   - m defaults to ceil(3 d); m <= 31 (63 taps), so the weights fit the uniform block.
// w is symmetric (w_j = w_-j), so the sum above is the same whether read as p(k) F(k - i) or F(i - k).
//
// Backward. y is linear in x, y = A x, so dx = A^T dy: dx(s) = sum_i dy(i) sum_{j : clamp(i + j) = s} w_j.
// Written as a gather (one thread a dx(s), no atomics):
//   interior 0 < s < T - 1: clamp(i + j) = s only for i + j = s, so dx(s) = sum_{i=s-m}^{s+m, 0<=i<T} w_{s-i} dy(i)
//   first sample s = 0:     every tap with i + j <= 0 lands on it:  j in [-m, -i]
//   last sample s = T - 1:  every tap with i + j >= T - 1:          j in [T - 1 - i, m]
//   (T = 1: both, so all taps: dx(0) = dy(0).) The edge sums of taps use the running sums
//   c_k = sum_{l < k} w_{l - m}, so sum_{j=a}^{b} w_j = c_{b+m+1} - c_{a+m}; only i in [s - m, s + m] can reach s.

const WG: u32 = 64u;

struct Params {
  outer: u32, length: u32, inner: u32, half_window: u32,
  // w_{k - m} for k = 0 .. 2m, four a vec4 (uniform arrays need a 16-byte element stride)
  weights: array<vec4f, 16>,
  // c_k = w_{-m} + ... + w_{k-1-m} for k = 0 .. 2m + 1
  cumulative: array<vec4f, 16>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> values_in: array<f32>;
@group(0) @binding(2) var<storage, read_write> values_out: array<f32>;

fn weight(k: u32) -> f32 {
  return params.weights[k / 4u][k % 4u];
}

fn cumulative(k: u32) -> f32 {
  return params.cumulative[k / 4u][k % 4u];
}

// The flat element index of this thread, or an index >= the element count when it has none.
fn element_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

// y = A x: one thread an output sample.
@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let e = element_index(wg, lane, nwg);
  let T = params.length;
  let inner = params.inner;
  if (e >= params.outer * T * inner) { return; }
  let i = (e / inner) % T;
  // Offset of sample 0 of this row; sample t lives at base + t * inner.
  let base = e - i * inner;
  let m = i32(params.half_window);
  var acc = 0.0;
  for (var j = -m; j <= m; j++) {
    let t = u32(clamp(i32(i) + j, 0, i32(T) - 1));
    acc += weight(u32(j + m)) * values_in[base + t * inner];
  }
  values_out[e] = acc;
}

// dx = A^T dy: one thread a gradient sample s, gathering every output sample that read it.
@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let e = element_index(wg, lane, nwg);
  let T = i32(params.length);
  let inner = params.inner;
  if (e >= params.outer * u32(T) * inner) { return; }
  let s = i32((e / inner) % u32(T));
  let base = e - u32(s) * inner;
  let m = i32(params.half_window);
  let first = max(s - m, 0);
  let last = min(s + m, T - 1);
  var acc = 0.0;
  if (s > 0 && s < T - 1) {
    for (var i = first; i <= last; i++) {
      acc += weight(u32(s - i + m)) * values_in[base + u32(i) * inner];
    }
  } else {
    for (var i = first; i <= last; i++) {
      // Taps j in [low, high] of output i land on s; clipped to [-m, m].
      let low = select(s - i, -m, s == 0);
      let high = select(s - i, m, s == T - 1);
      let a = max(low, -m);
      let b = min(high, m);
      if (a <= b) {
        acc += (cumulative(u32(b + m + 1)) - cumulative(u32(a + m))) * values_in[base + u32(i) * inner];
      }
    }
  }
  values_out[e] = acc;
}

// y = A x along rows (inner == 1, the usual [B, C, T] case): ROW_BLOCK outputs a thread. The thread loads its
// window of ROW_BLOCK + 2m inputs once (edges clamped as above) and every output reads it from registers, instead
// of every output loading its 2m + 1 inputs (on lavapipe each load is a scalar loop over the SIMD lanes). With m an
// override constant the loops unroll, so the weights are read at constant offsets of the uniform, which llvmpipe
// loads once for all lanes. Measured 4-10x the one-output-a-thread forward (core/kernels/PERFORMANCE.md).
override HALF_WINDOW: u32 = 0u;
const ROW_BLOCK: u32 = 8u;

@compute @workgroup_size(WG)
fn forward_rows(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let T = params.length;
  let blocks = (T + ROW_BLOCK - 1u) / ROW_BLOCK;
  let thread = element_index(wg, lane, nwg);
  let row = thread / blocks;
  if (row >= params.outer) { return; }
  let t0 = (thread % blocks) * ROW_BLOCK;
  let base = row * T;
  let m = i32(HALF_WINDOW);
  let last = i32(T) - 1;
  var window: array<f32, 70>;
  for (var e = 0; e < i32(ROW_BLOCK) + 2 * m; e++) { window[e] = values_in[base + u32(clamp(i32(t0) - m + e, 0, last))]; }
  for (var u = 0u; u < ROW_BLOCK; u++) {
    var acc = 0.0;
    for (var k = 0u; k <= 2u * HALF_WINDOW; k++) { acc += weight(k) * window[u + k]; }
    if (t0 + u < T) { values_out[base + t0 + u] = acc; }
  }
}

// The rows kernel with vec4s, when T % 4 == 0 (forward_rows_stream below). A window vec4 wholly past an end of the
// row (T % 4 == 0: none is partly past) holds that end's sample four times, by clamping its index into the row and
// splatting the end component with a select: no lane branches, and no load is split into floats.
override HALF_WINDOW4: u32 = (HALF_WINDOW + 3u) / 4u * 4u;
const ROWS_WG: u32 = 256u;

@group(0) @binding(1) var<storage, read> values_in4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> values_out4: array<vec4f>;

// forward_rows_stream: forward_rows with vec4s and the window slid along the row in registers: a thread filters
// STREAM4 consecutive vec4s of outputs, and for each it loads the one vec4 that enters the window and stores the
// one it computed, the storage accesses of a copy kernel. (The kernel it replaced, 16 outputs a thread from a
// window of 8 vec4s, loaded 8 vec4s for 4 stored: a halo of HALF_WINDOW4 samples on each side, which the
// neighbouring threads loaded again; it took 1.5-1.9x the CPU time, core/kernels/PERFORMANCE.md.) The window is
// WINDOW4 vec4s, samples 4 s - HALF_WINDOW4 ... 4 s + 3 + HALF_WINDOW4 for output vec4 s; its loops have constant
// trip counts (override constants), so they unroll and every window slot stays a register. The loop along the row
// does not unroll, and need not: its body reads the window at constant slots.
override WINDOW4: u32 = 2u * HALF_WINDOW4 / 4u + 1u;
override STREAM4: u32 = 32u;
/** WINDOW4 at the largest half-window (31, so HALF_WINDOW4 32): 17 vec4s. */
const MAX_WINDOW4: u32 = 17u;

// Row vec4 q of the row at base4, the ends' samples splatted past them (above).
fn row_vec4(base4: u32, q: i32, last4: i32) -> vec4f {
  let w = values_in4[base4 + u32(clamp(q, 0, last4))];
  return select(select(w, vec4f(w.w), q > last4), vec4f(w.x), q < 0);
}

@compute @workgroup_size(ROWS_WG)
fn forward_rows_stream(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let T4 = params.length / 4u;
  let chunks = (T4 + STREAM4 - 1u) / STREAM4;
  let thread = (wg.y * nwg.x + wg.x) * ROWS_WG + lane;
  let row = thread / chunks;
  if (row >= params.outer) { return; }
  let start4 = (thread % chunks) * STREAM4;
  let end4 = min(start4 + STREAM4, T4);
  let base4 = row * T4;
  let last4 = i32(T4) - 1;
  let reach4 = i32(HALF_WINDOW4 / 4u);
  // window[v] is row vec4 s - reach4 + v for the output vec4 s being computed; filled for s = start4 but its last
  // slot, which the loop loads first.
  var window: array<vec4f, MAX_WINDOW4>;
  for (var v = 1u; v < WINDOW4; v++) { window[v] = row_vec4(base4, i32(start4) - reach4 - 1 + i32(v), last4); }
  // The taps are symmetric (w_j = w_-j): w_0 x_t + sum_{j=1}^{m} w_j (x_{t-j} + x_{t+j}), m + 1 products an output
  // instead of 2m + 1, with the m + 1 weights read from the uniform once, before the loop along the row.
  var half: array<f32, 32>;
  for (var j = 0u; j <= HALF_WINDOW; j++) { half[j] = weight(HALF_WINDOW + j); }
  // Output sample 4 s + c is centred on window sample e = c + HALF_WINDOW4 (window[0] is sample 4 s - HALF_WINDOW4).
  for (var s = start4; s < end4; s++) {
    for (var v = 0u; v + 1u < WINDOW4; v++) { window[v] = window[v + 1u]; }
    window[WINDOW4 - 1u] = row_vec4(base4, i32(s) + reach4, last4);
    var y = vec4f(0.0);
    for (var c = 0u; c < 4u; c++) {
      let e = c + HALF_WINDOW4;
      var acc = half[0] * window[e / 4u][e % 4u];
      for (var j = 1u; j <= HALF_WINDOW; j++) {
        acc += half[j] * (window[(e - j) / 4u][(e - j) % 4u] + window[(e + j) / 4u][(e + j) % 4u]);
      }
      y[c] = acc;
    }
    values_out4[base4 + s] = y;
  }
}
