// Counter-based random numbers: the bits for element i of a draw with seed s are a pure function of (s, i),
//
//   bits(s, i) = pcg(pcg(i) + pcg(s))
//
// where pcg is the PCG-RXS-M-XS output hash (Jarzynski and Olano, "Hash Functions for GPU Rendering", JCGT 2020),
// a bijection on u32. No state is stored: the same (seed, i) gives the same bits in any dispatch, so a seeded
// engine repeats bit for bit, and dropout's backward regenerates its forward mask instead of storing it.
//
// uniform:  out[i] = low + (high - low) * u,  u = (bits >> 8) * 2^-24 in [0, 1)
// normal:   out[i] = mean + deviation * sqrt(-2 ln u1) cos(2 pi u2)     (Box-Muller, u1 in (0, 1], u2 in [0, 1)),
//           u1 from bits(s, 2i) and u2 from bits(s, 2i + 1)
// dropout:  out[i] = keep(i) ? x[i] * scale : 0,  keep(i) = (bits(s, i) >> 8) >= threshold
//           threshold = round(p 2^24), scale = 1 / (1 - p): E[out] = x (inverted dropout). Its gradient is the
//           same map applied to dy with the same seed.

const WG: u32 = 256u;
const TWO_PI: f32 = 6.283185307179586;
const INV_2_24: f32 = 5.9604644775390625e-8;

struct UniformParams { n: u32, seed: u32, low: f32, high: f32 }
struct NormalParams { n: u32, seed: u32, mean: f32, deviation: f32 }
struct DropoutParams { n: u32, seed: u32, threshold: u32, scale: f32 }

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn random_bits(seed: u32, i: u32) -> u32 {
  return pcg(pcg(i) + pcg(seed));
}

fn flat_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

@group(0) @binding(0) var<uniform> uniform_params: UniformParams;
@group(0) @binding(1) var<storage, read_write> uniform_out: array<f32>;

@compute @workgroup_size(WG)
fn random_uniform(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= uniform_params.n) { return; }
  let u = f32(random_bits(uniform_params.seed, i) >> 8u) * INV_2_24;
  uniform_out[i] = uniform_params.low + (uniform_params.high - uniform_params.low) * u;
}

@group(0) @binding(0) var<uniform> normal_params: NormalParams;
@group(0) @binding(1) var<storage, read_write> normal_out: array<f32>;

@compute @workgroup_size(WG)
fn random_normal(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= normal_params.n) { return; }
  let u1 = f32((random_bits(normal_params.seed, 2u * i) >> 8u) + 1u) * INV_2_24;
  let u2 = f32(random_bits(normal_params.seed, 2u * i + 1u) >> 8u) * INV_2_24;
  normal_out[i] = normal_params.mean + normal_params.deviation * sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2);
}

@group(0) @binding(0) var<uniform> dropout_params: DropoutParams;
@group(0) @binding(1) var<storage, read> dropout_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> dropout_out: array<f32>;

@compute @workgroup_size(WG)
fn dropout(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= dropout_params.n) { return; }
  let keep = (random_bits(dropout_params.seed, i) >> 8u) >= dropout_params.threshold;
  dropout_out[i] = select(0.0, dropout_x[i] * dropout_params.scale, keep);
}
