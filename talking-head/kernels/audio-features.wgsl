// Audio front end 'logmel-pitch-v1' (talking-head/features/README.md; float64 specification in
// talking-head/features/audio-features-reference.ts). Mono samples x[0 .. n_samples-1], zero outside.
//
// Frame i is centred on sample c(i) = round((i + 1/2) * sample_rate / fps), halves up. With m = 2i + 1,
// q = sample_rate / (2 fps) and r = sample_rate % (2 fps) (integer division), c(i) = m q + (m r + fps) / (2 fps)
// exactly, without the 32-bit overflow of (m * sample_rate).
//
// The power spectrum, P[i][k] = | sum_{n<N} w[n] x[c(i) - N/2 + n] e^{-2 pi i k n / n_fft} |^2, k <= n_fft/2,
// w[n] = 1/2 - 1/2 cos(2 pi n / N) (periodic Hann), as a matrix product:
// frame_rows:          f[i][n] = x[c(i) - N/2 + n] for n < N, else 0 (n < row, row = N rounded up to a vec4).
// (matmul)             S = f B with B[n][k] = w[n] cos(2 pi k n / n_fft), B[n][im_at + k] = -w[n] sin(2 pi k n / n_fft)
//                      (the core matmul family; the basis in float64 on the CPU, talking-head/kernels/audio-features.ts).
// spectrum_power:      P[i][k] = S[i][k]^2 + S[i][im_at + k]^2.
// (One radix-2 step would halve the product's multiply-adds, but its combination E[k] + e^{-2 pi i k / n_fft} O[k]
// cancels the aliased low frequencies of the half-length DFTs at high k: 1.3e-3 dB error in the top mel band of
// real speech against 1.4e-4 this way; core/kernels/PERFORMANCE.md, eighth round.)
// mel_energy:          feature[i][j] = 10 log10( sum_k M[j][k] P[i][k] + floor ),  j < n_mels, over the
//                      band's nonzero bins only; feature[i][n_mels] = 10 log10( E / sum_n w[n]^2 + floor ) with
//                      the windowed frame's energy E = (P[0] + P[n_fft/2] + 2 sum_{0<k<n_fft/2} P[k]) / n_fft
//                      (Parseval), so the frame is not read twice.
// pitch_correlation:   r[i][l] = sum_{n<L} a[n] a[n+tau] / sqrt( sum_{n<L} a[n]^2 sum_{n<L} a[n+tau]^2 + 1e-20 ),
//                      tau = lag_first + l (lag_first = tau_min - 1, through tau_max + 1),
//                      a[n] = x[c(i) - half_span + n], in two steps:
// pitch_segments:      per frame two rows, A[i][n] = a[n] for n < L (0 to the row's end) and
//                      B[i][m] = a[lag_first + m], each starting on a vec4, so that
// pitch_correlation:   reads both as vec4s: one thread, one frame, 8 consecutive lags, a register window
//                      sliding over B, 2 vec4 loads every 4 samples for 8 lags (a per-lane load costs llvmpipe the
//                      same for a vec4 as for a float, and the rows take the signal's bounds out of the loop).
// pitch_pick:          per frame, tau* = the smallest local maximum of r in [tau_min, tau_max] reaching
//                      peak_ratio * max r (else the first global maximum), voicing = clamp(r(tau*), 0, 1),
//                      log F0 = ln(sample_rate / (tau* + delta)) with the parabolic-interpolation offset delta,
//                      or neutral_log_f0 when voicing < voicing_threshold. Writes feature columns n_mels + 1, + 2.
// context_windows:     out[i][f][c] = feature[i - centre + c][f], 0 outside 0 .. n_frames-1.
//
// Grids: the flat workgroup index is wg.y * num_workgroups.x + wg.x (launch.ts, gridFor).

const WG: u32 = 64u;
// 10 / ln 10: 10 log10(e) = DB_PER_NEPER * ln(e).
const DB_PER_NEPER: f32 = 4.342944819032518;
const PITCH_NORM_EPSILON: f32 = 1e-20;

fn flat_thread(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

fn frame_centre(i: u32, centre_q: u32, centre_r: u32, fps: u32) -> i32 {
  let m = 2u * i + 1u;
  return i32(m * centre_q + (m * centre_r + fps) / (2u * fps));
}

// Samples, shared by frame_rows and pitch_segments (both bind them at 1).
@group(0) @binding(1) var<storage, read> samples: array<f32>;

// x[i], or 0 outside the signal. The load is clamped in bounds and then discarded, rather than branched around.
fn sample_at(i: i32, n_samples: u32) -> f32 {
  let v = samples[u32(clamp(i, 0, i32(n_samples) - 1))];
  return select(0.0, v, i >= 0 && i < i32(n_samples));
}

// ---------------------------------------------------------------- frame_rows

struct RowsParams {
  n_samples: u32, n_frames: u32, window_length: u32, row: u32,
  centre_q: u32, centre_r: u32, fps: u32, half_window: u32,
  first_frame: u32,
}
@group(0) @binding(0) var<uniform> rows_params: RowsParams;
@group(0) @binding(2) var<storage, read_write> frame_rows_out: array<f32>; // [n_frames, row]

// Rows of frames first_frame .. first_frame + n_frames - 1 (the front end goes in chunks of frames). A workgroup a
// frame, its lanes along the row: no integer division a value (llvmpipe divides lane by lane; a thread a value
// with its divisions was slower than the product it feeds).
@compute @workgroup_size(WG)
fn frame_rows(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = rows_params;
  let frame = wg.y * nwg.x + wg.x;
  if (frame >= p.n_frames) { return; }
  let start = frame_centre(p.first_frame + frame, p.centre_q, p.centre_r, p.fps) - i32(p.half_window);
  for (var n = lane; n < p.row; n += WG) {
    frame_rows_out[frame * p.row + n] = select(0.0, sample_at(start + i32(n), p.n_samples), n < p.window_length);
  }
}

// ---------------------------------------------------------------- spectrum_power

struct PowerParams { n_frames: u32, n_bins: u32, im_at: u32, columns: u32 }
@group(0) @binding(0) var<uniform> power_params: PowerParams;
// [n_frames, columns]: per frame, re of bins 0 .. n_bins - 1, then from im_at their im.
@group(0) @binding(1) var<storage, read> power_spectra: array<f32>;
@group(0) @binding(2) var<storage, read_write> power_out: array<f32>; // [n_frames, n_bins]

// A workgroup a frame, its lanes along the bins (no integer division a bin, as in frame_rows).
@compute @workgroup_size(WG)
fn spectrum_power(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = power_params;
  let frame = wg.y * nwg.x + wg.x;
  if (frame >= p.n_frames) { return; }
  for (var k = lane; k < p.n_bins; k += WG) {
    let re = power_spectra[frame * p.columns + k];
    let im = power_spectra[frame * p.columns + p.im_at + k];
    power_out[frame * p.n_bins + k] = re * re + im * im;
  }
}

// ---------------------------------------------------------------- mel_energy

struct MelParams {
  n_frames: u32, n_mels: u32, n_bins: u32, n_features: u32,
  n_fft: u32, window_power: f32, log_floor: f32,
}
@group(0) @binding(0) var<uniform> mel_params: MelParams;
@group(0) @binding(1) var<storage, read> mel_power: array<f32>;       // [frames, n_bins]
@group(0) @binding(2) var<storage, read> mel_weights: array<f32>;     // [n_mels, n_bins]
@group(0) @binding(3) var<storage, read> mel_bin_range: array<f32>;   // [n_mels, 2]: first, end (integers)
@group(0) @binding(4) var<storage, read_write> mel_features: array<f32>; // [frames, n_features]

@compute @workgroup_size(WG)
fn mel_energy(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = mel_params;
  let t = flat_thread(wg, lane, nwg);
  let frame = t / (p.n_mels + 1u);
  if (frame >= p.n_frames) { return; }
  let j = t % (p.n_mels + 1u);
  let row = frame * p.n_bins;
  var energy = 0.0;
  if (j < p.n_mels) {
    let first = u32(mel_bin_range[2u * j]);
    let end = u32(mel_bin_range[2u * j + 1u]);
    for (var k = first; k < end; k++) {
      energy = fma(mel_weights[j * p.n_bins + k], mel_power[row + k], energy);
    }
  } else {
    let half = p.n_fft / 2u;
    var middle = 0.0;
    for (var k = 1u; k < half; k++) { middle += mel_power[row + k]; }
    energy = (mel_power[row] + mel_power[row + half] + 2.0 * middle) / f32(p.n_fft) / p.window_power;
  }
  mel_features[frame * p.n_features + j] = DB_PER_NEPER * log(energy + p.log_floor);
}

// ---------------------------------------------------------------- pitch_segments

struct SegmentParams {
  n_samples: u32, n_frames: u32, centre_q: u32, centre_r: u32,
  fps: u32, half_span: u32, window_length: u32, lag_first: u32,
  a_row: u32, b_row: u32, first_frame: u32,
}
@group(0) @binding(0) var<uniform> segment_params: SegmentParams;
@group(0) @binding(2) var<storage, read_write> segments: array<f32>; // [frames, a_row + b_row]

// Frames first_frame .. first_frame + n_frames - 1; a workgroup a frame, its lanes along the rows (no integer
// division a value, as in frame_rows).
@compute @workgroup_size(WG)
fn pitch_segments(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = segment_params;
  let frame = wg.y * nwg.x + wg.x;
  if (frame >= p.n_frames) { return; }
  let s = frame_centre(p.first_frame + frame, p.centre_q, p.centre_r, p.fps) - i32(p.half_span);
  let row = frame * (p.a_row + p.b_row);
  for (var n = lane; n < p.a_row; n += WG) {
    segments[row + n] = select(0.0, sample_at(s + i32(n), p.n_samples), n < p.window_length);
  }
  for (var m = lane; m < p.b_row; m += WG) {
    segments[row + p.a_row + m] = sample_at(s + i32(p.lag_first + m), p.n_samples);
  }
}

// ---------------------------------------------------------------- pitch_correlation

struct CorrelationParams {
  n_frames: u32, window_length: u32, n_lags: u32, groups_per_frame: u32,
  a_row: u32, b_row: u32,
}
@group(0) @binding(0) var<uniform> correlation_params: CorrelationParams;
@group(0) @binding(1) var<storage, read> correlation_segments: array<vec4f>; // [frames, (a_row + b_row) / 4]
@group(0) @binding(2) var<storage, read_write> correlation: array<f32>;      // [frames, n_lags]

@compute @workgroup_size(WG)
fn pitch_correlation(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = correlation_params;
  let t = flat_thread(wg, lane, nwg);
  let frame = t / p.groups_per_frame;
  if (frame >= p.n_frames) { return; }
  let l0 = (t % p.groups_per_frame) * 8u;
  // In vec4s: the frame's A row, and its B row from lag l0 on (B[l0 + m] = a[lag + m] for the thread's first lag).
  let a_at = frame * ((p.a_row + p.b_row) / 4u);
  let b_at = a_at + p.a_row / 4u + l0 / 4u;

  // window_0, window_1 hold B[l0 + n .. l0 + n + 7]: a[n + tau] for the thread's 8 lags tau.
  var window_0 = correlation_segments[b_at];
  var window_1 = correlation_segments[b_at + 1u];
  var energy0 = 0.0;
  var energy_lag0 = 0.0;
  var num_a = vec4f(0.0);
  var num_b = vec4f(0.0);
  let blocks = p.a_row / 4u;
  for (var q = 0u; q < blocks; q++) {
    let a = correlation_segments[a_at + q];
    let next = correlation_segments[b_at + q + 2u];
    energy0 += dot(a, a);
    // Only n < L counts toward the first lag's energy (A is zero past L already).
    let inside = vec4u(4u * q) + vec4u(0u, 1u, 2u, 3u) < vec4u(p.window_length);
    energy_lag0 += dot(select(vec4f(0.0), window_0, inside), window_0);
    num_a = fma(vec4f(a.x), window_0, num_a);
    num_b = fma(vec4f(a.x), window_1, num_b);
    num_a = fma(vec4f(a.y), vec4f(window_0.yzw, window_1.x), num_a);
    num_b = fma(vec4f(a.y), vec4f(window_1.yzw, next.x), num_b);
    num_a = fma(vec4f(a.z), vec4f(window_0.zw, window_1.xy), num_a);
    num_b = fma(vec4f(a.z), vec4f(window_1.zw, next.xy), num_b);
    num_a = fma(vec4f(a.w), vec4f(window_0.w, window_1.xyz), num_a);
    num_b = fma(vec4f(a.w), vec4f(window_1.w, next.xyz), num_b);
    window_0 = window_1;
    window_1 = next;
  }
  // The lagged segments' energies E(tau) = sum_{n<L} a[n + tau]^2: one sum in the loop and 7 sliding steps
  // after it, E(tau + 1) = E(tau) + a[tau + L]^2 - a[tau]^2, not 8 sums in the loop. Clamped: the steps'
  // rounding must not take a silent segment's energy below zero.
  let first_0 = correlation_segments[b_at];
  let first_1 = correlation_segments[b_at + 1u];
  let leaving = array<f32, 7>(first_0.x, first_0.y, first_0.z, first_0.w, first_1.x, first_1.y, first_1.z);
  let b_row = (a_at + p.a_row / 4u) * 4u;
  var energies = array<f32, 8>();
  energies[0] = energy_lag0;
  for (var j = 1u; j < 8u; j++) {
    let at = b_row + l0 + j - 1u + p.window_length;
    let entering = correlation_segments[at / 4u][at % 4u];
    energies[j] = max(0.0, energies[j - 1u] + entering * entering - leaving[j - 1u] * leaving[j - 1u]);
  }
  let energy_a = vec4f(energies[0], energies[1], energies[2], energies[3]);
  let energy_b = vec4f(energies[4], energies[5], energies[6], energies[7]);
  let r_a = num_a / sqrt(energy0 * energy_a + PITCH_NORM_EPSILON);
  let r_b = num_b / sqrt(energy0 * energy_b + PITCH_NORM_EPSILON);
  let row = frame * p.n_lags;
  for (var j = 0u; j < 4u; j++) {
    if (l0 + j < p.n_lags) { correlation[row + l0 + j] = r_a[j]; }
    if (l0 + 4u + j < p.n_lags) { correlation[row + l0 + 4u + j] = r_b[j]; }
  }
}

// ---------------------------------------------------------------- pitch_pick

struct PickParams {
  n_frames: u32, n_lags: u32, tau_min: u32, tau_max: u32,
  n_features: u32, voicing_column: u32, sample_rate: f32, peak_ratio: f32,
  voicing_threshold: f32, neutral_log_f0: f32,
}
@group(0) @binding(0) var<uniform> pick_params: PickParams;
@group(0) @binding(1) var<storage, read> pick_correlation: array<f32>;  // [frames, n_lags]
@group(0) @binding(2) var<storage, read_write> pick_features: array<f32>; // [frames, n_features]

// r at lag tau of the frame whose row starts at `row` (row holds lags tau_min - 1 .. tau_max + 1).
fn correlation_at(row: u32, tau: u32) -> f32 {
  return pick_correlation[row + tau + 1u - pick_params.tau_min];
}

@compute @workgroup_size(WG)
fn pitch_pick(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = pick_params;
  let frame = flat_thread(wg, lane, nwg);
  if (frame >= p.n_frames) { return; }
  let row = frame * p.n_lags;
  var best = p.tau_min;
  var best_r = correlation_at(row, best);
  for (var tau = p.tau_min + 1u; tau <= p.tau_max; tau++) {
    let r = correlation_at(row, tau);
    if (r > best_r) { best = tau; best_r = r; }
  }
  var chosen = best;
  var before = correlation_at(row, p.tau_min - 1u);
  var here = correlation_at(row, p.tau_min);
  for (var tau = p.tau_min; tau <= p.tau_max; tau++) {
    let after = correlation_at(row, tau + 1u);
    if (here >= p.peak_ratio * best_r && here >= before && here >= after) { chosen = tau; break; }
    before = here;
    here = after;
  }
  let a = correlation_at(row, chosen - 1u);
  let b = correlation_at(row, chosen);
  let c = correlation_at(row, chosen + 1u);
  let voicing = clamp(b, 0.0, 1.0);
  let curvature = a - 2.0 * b + c;
  let delta = select(0.0, clamp(0.5 * (a - c) / curvature, -0.5, 0.5), curvature < 0.0);
  let log_f0 = select(log(p.sample_rate / (f32(chosen) + delta)), p.neutral_log_f0, voicing < p.voicing_threshold);
  pick_features[frame * p.n_features + p.voicing_column] = voicing;
  pick_features[frame * p.n_features + p.voicing_column + 1u] = log_f0;
}

// ---------------------------------------------------------------- context_windows

struct ContextParams { n_frames: u32, n_features: u32, context: u32, centre: u32 }
@group(0) @binding(0) var<uniform> context_params: ContextParams;
@group(0) @binding(1) var<storage, read> context_frames: array<f32>;       // [frames, n_features]
@group(0) @binding(2) var<storage, read_write> context_out: array<f32>;    // [frames, n_features, context]

// A thread a (frame, feature): its `context` values are consecutive, and its two integer divisions are shared by
// them (llvmpipe divides lane by lane; three divisions a value made this 9.5 ms on 60 s).
@compute @workgroup_size(WG)
fn context_windows(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = context_params;
  let t = flat_thread(wg, lane, nwg);
  if (t >= p.n_frames * p.n_features) { return; }
  let feature = t % p.n_features;
  let frame = t / p.n_features;
  for (var column = 0u; column < p.context; column++) {
    let source = i32(frame + column) - i32(p.centre);
    let inside = source >= 0 && source < i32(p.n_frames);
    let v = context_frames[u32(clamp(source, 0, i32(p.n_frames) - 1)) * p.n_features + feature];
    context_out[t * p.context + column] = select(0.0, v, inside);
  }
}
