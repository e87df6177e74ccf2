// Audio front end 'logmel-pitch-v1' (talking-head/features/README.md; float64 specification in
// talking-head/features/audio-features-reference.ts). Mono samples x[0 .. n_samples-1], zero outside.
//
// Frame i is centred on sample c(i) = round((i + 1/2) * sample_rate / fps), halves up. With m = 2i + 1,
// q = sample_rate / (2 fps) and r = sample_rate % (2 fps) (integer division), c(i) = m q + (m r + fps) / (2 fps)
// exactly, without the 32-bit overflow of (m * sample_rate).
//
// power_spectrum:      P[i][k] = | sum_{n<N} w[n] x[c(i) - N/2 + n] e^{-2 pi i k n / n_fft} |^2,  k < n_fft/2 + 1,
//                      w[n] = 1/2 - 1/2 cos(2 pi n / N) (periodic Hann). A direct DFT: one thread computes 8
//                      consecutive bins of one frame, turning each bin's phasor by multiplication (no sin/cos
//                      in the loop), so every sample load feeds 8 complex multiply-adds. The window and the
//                      phasor steps come from a table made in float64 on the CPU.
// mel_energy:          feature[i][j] = 10 log10( sum_k M[j][k] P[i][k] + floor ),  j < n_mels, over the
//                      band's nonzero bins only; feature[i][n_mels] = 10 log10( E / sum_n w[n]^2 + floor ) with
//                      the windowed frame's energy E = (P[0] + P[n_fft/2] + 2 sum_{0<k<n_fft/2} P[k]) / n_fft
//                      (Parseval), so the frame is not read twice.
// pitch_correlation:   r[i][l] = sum_{n<L} a[n] a[n+tau] / sqrt( sum_{n<L} a[n]^2 sum_{n<L} a[n+tau]^2 + 1e-20 ),
//                      tau = lag_first + l (lag_first = tau_min - 1, through tau_max + 1),
//                      a[n] = x[c(i) - half_span + n]. One thread: one frame, 8 consecutive lags, a sliding
//                      register window over a[n + tau], so each step loads 2 samples for 8 lags.
// pitch_pick:          per frame, tau* = the smallest local maximum of r in [tau_min, tau_max] reaching
//                      peak_ratio * max r (else the first global maximum), voicing = clamp(r(tau*), 0, 1),
//                      log F0 = ln(sample_rate / (tau* + delta)) with the parabolic-interpolation offset delta,
//                      or neutral_log_f0 when voicing < voicing_threshold. Writes feature columns n_mels + 1, + 2.
// context_windows:     out[i][f][c] = feature[i - centre + c][f], 0 outside 0 .. n_frames-1.
//
// Grids: the flat workgroup index is wg.y * num_workgroups.x + wg.x (launch.ts, gridFor).

const TAU: f32 = 6.283185307179586;
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

// Samples, shared by power_spectrum and pitch_correlation (both bind them at 1).
@group(0) @binding(1) var<storage, read> samples: array<f32>;

// x[i], or 0 outside the signal. The load is clamped in bounds and then discarded, rather than branched around.
fn sample_at(i: i32, n_samples: u32) -> f32 {
  let v = samples[u32(clamp(i, 0, i32(n_samples) - 1))];
  return select(0.0, v, i >= 0 && i < i32(n_samples));
}

// ---------------------------------------------------------------- power_spectrum

struct SpectrumParams {
  n_samples: u32, n_frames: u32, window_length: u32, n_fft: u32,
  n_bins: u32, groups_per_frame: u32, centre_q: u32, centre_r: u32,
  fps: u32, half_window: u32,
}
@group(0) @binding(0) var<uniform> spectrum_params: SpectrumParams;
// [window_length + 2 n_bins]: w[n], then cos(2 pi k / n_fft), then sin(2 pi k / n_fft), computed in float64 on
// the CPU. WGSL only promises sin and cos to 2^-11 absolute, which 400 phasor turns would amplify.
@group(0) @binding(2) var<storage, read> spectrum_table: array<f32>;
@group(0) @binding(3) var<storage, read_write> spectrum_power: array<f32>;

@compute @workgroup_size(WG)
fn power_spectrum(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = spectrum_params;
  let t = flat_thread(wg, lane, nwg);
  let frame = t / p.groups_per_frame;
  if (frame >= p.n_frames) { return; }
  let k0 = (t % p.groups_per_frame) * 8u;
  let start = frame_centre(frame, p.centre_q, p.centre_r, p.fps) - i32(p.half_window);

  // Bins k0 .. k0+3 in the a-vectors, k0+4 .. k0+7 in the b-vectors; z = e^{-2 pi i k n / n_fft} at step n,
  // turned each step by e^{-2 pi i k / n_fft}. Bins past n_bins read bin n_bins - 1 and are not written.
  let cos_at = p.window_length;
  let sin_at = p.window_length + p.n_bins;
  let last = p.n_bins - 1u;
  let ka = min(vec4u(k0, k0 + 1u, k0 + 2u, k0 + 3u), vec4u(last));
  let kb = min(vec4u(k0 + 4u, k0 + 5u, k0 + 6u, k0 + 7u), vec4u(last));
  let step_re_a = vec4f(spectrum_table[cos_at + ka.x], spectrum_table[cos_at + ka.y], spectrum_table[cos_at + ka.z], spectrum_table[cos_at + ka.w]);
  let step_im_a = -vec4f(spectrum_table[sin_at + ka.x], spectrum_table[sin_at + ka.y], spectrum_table[sin_at + ka.z], spectrum_table[sin_at + ka.w]);
  let step_re_b = vec4f(spectrum_table[cos_at + kb.x], spectrum_table[cos_at + kb.y], spectrum_table[cos_at + kb.z], spectrum_table[cos_at + kb.w]);
  let step_im_b = -vec4f(spectrum_table[sin_at + kb.x], spectrum_table[sin_at + kb.y], spectrum_table[sin_at + kb.z], spectrum_table[sin_at + kb.w]);
  var z_re_a = vec4f(1.0);
  var z_im_a = vec4f(0.0);
  var z_re_b = vec4f(1.0);
  var z_im_b = vec4f(0.0);
  var re_a = vec4f(0.0);
  var im_a = vec4f(0.0);
  var re_b = vec4f(0.0);
  var im_b = vec4f(0.0);
  for (var n = 0u; n < p.window_length; n++) {
    let xw = vec4f(sample_at(start + i32(n), p.n_samples) * spectrum_table[n]);
    re_a = fma(xw, z_re_a, re_a);
    im_a = fma(xw, z_im_a, im_a);
    re_b = fma(xw, z_re_b, re_b);
    im_b = fma(xw, z_im_b, im_b);
    let next_re_a = z_re_a * step_re_a - z_im_a * step_im_a;
    z_im_a = z_re_a * step_im_a + z_im_a * step_re_a;
    z_re_a = next_re_a;
    let next_re_b = z_re_b * step_re_b - z_im_b * step_im_b;
    z_im_b = z_re_b * step_im_b + z_im_b * step_re_b;
    z_re_b = next_re_b;
  }
  let power_a = re_a * re_a + im_a * im_a;
  let power_b = re_b * re_b + im_b * im_b;
  let row = frame * p.n_bins;
  for (var j = 0u; j < 4u; j++) {
    if (k0 + j < p.n_bins) { spectrum_power[row + k0 + j] = power_a[j]; }
    if (k0 + 4u + j < p.n_bins) { spectrum_power[row + k0 + 4u + j] = power_b[j]; }
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

// ---------------------------------------------------------------- pitch_correlation

struct CorrelationParams {
  n_samples: u32, n_frames: u32, centre_q: u32, centre_r: u32,
  fps: u32, half_span: u32, window_length: u32, lag_first: u32,
  n_lags: u32, groups_per_frame: u32,
}
@group(0) @binding(0) var<uniform> correlation_params: CorrelationParams;
@group(0) @binding(2) var<storage, read_write> correlation: array<f32>; // [frames, n_lags]

@compute @workgroup_size(WG)
fn pitch_correlation(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = correlation_params;
  let t = flat_thread(wg, lane, nwg);
  let frame = t / p.groups_per_frame;
  if (frame >= p.n_frames) { return; }
  let l0 = (t % p.groups_per_frame) * 8u;
  let s = frame_centre(frame, p.centre_q, p.centre_r, p.fps) - i32(p.half_span);
  let lag0 = i32(p.lag_first + l0);

  // lagged_a holds a[n + lag0 .. n + lag0 + 3], lagged_b a[n + lag0 + 4 .. n + lag0 + 7].
  var lagged_a = vec4f(sample_at(s + lag0, p.n_samples), sample_at(s + lag0 + 1, p.n_samples),
                       sample_at(s + lag0 + 2, p.n_samples), sample_at(s + lag0 + 3, p.n_samples));
  var lagged_b = vec4f(sample_at(s + lag0 + 4, p.n_samples), sample_at(s + lag0 + 5, p.n_samples),
                       sample_at(s + lag0 + 6, p.n_samples), sample_at(s + lag0 + 7, p.n_samples));
  var energy0 = 0.0;
  var num_a = vec4f(0.0);
  var num_b = vec4f(0.0);
  var energy_a = vec4f(0.0);
  var energy_b = vec4f(0.0);
  for (var n = 0; n < i32(p.window_length); n++) {
    let a = sample_at(s + n, p.n_samples);
    energy0 = fma(a, a, energy0);
    num_a = fma(vec4f(a), lagged_a, num_a);
    num_b = fma(vec4f(a), lagged_b, num_b);
    energy_a = fma(lagged_a, lagged_a, energy_a);
    energy_b = fma(lagged_b, lagged_b, energy_b);
    lagged_a = vec4f(lagged_a.yzw, lagged_b.x);
    lagged_b = vec4f(lagged_b.yzw, sample_at(s + n + lag0 + 8, p.n_samples));
  }
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

@compute @workgroup_size(WG)
fn context_windows(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = context_params;
  let t = flat_thread(wg, lane, nwg);
  if (t >= p.n_frames * p.n_features * p.context) { return; }
  let column = t % p.context;
  let feature = (t / p.context) % p.n_features;
  let frame = t / (p.context * p.n_features);
  let source = i32(frame + column) - i32(p.centre);
  let inside = source >= 0 && source < i32(p.n_frames);
  let v = context_frames[u32(clamp(source, 0, i32(p.n_frames) - 1)) * p.n_features + feature];
  context_out[t] = select(0.0, v, inside);
}
