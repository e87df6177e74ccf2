// PGFace's vertex losses, Eq. (7) and (8), computed in coefficient space.
//
// Decoding is linear (Eq. 2), so with residual r = alpha_pred - alpha_true [K = 144] and the combined basis B:
//   v - f = B r,     ||(v - f) (.) m||^2 = r^T (B^T M^2 B) r = r^T Q r,    M = diag(mask per coordinate)
// Q [K, K] is symmetric and computed once per face model (and per coefficient normalisation), so a frame
// costs K^2 multiply-adds instead of 3V K for the decode (V = 468 vertices: 16x cheaper; BFM's 35709: 1500x).
//
// Rows come in neighbouring pairs (row 2p = frame t, row 2p + 1 = frame t + 1) for the motion term:
//   L_shape    = (1 / 2P) sum_n r_n^T Q r_n                                   (7)
//   L_s-motion = (1 / P) sum_p (r_{2p+1} - r_{2p})^T Q (r_{2p+1} - r_{2p})    (8)
//
// y[n, k] = sum_j Q[k, j] r[n, j] (kept for the backward) is a matmul, y = r Q^T: the op computes it with the
//           matmul family (talking-head/ops/masked-vertex-loss.ts), so these kernels start from y.
// terms:    partial[p] = (r_a.y_a + r_b.y_b,  (r_b - r_a).(y_b - y_a))     a = 2p, b = 2p + 1
// backward: d/dpred[a] = g0 y_a / P - 2 g1 (y_b - y_a) / P,   d/dpred[b] = g0 y_b / P + 2 g1 (y_b - y_a) / P
//           (g0, g1: upstream gradients of L_shape and L_s-motion; 2 y / (2P) = y / P)

const WG: u32 = 64u;

struct Params { pairs: u32, coefficients: u32 }

@group(0) @binding(0) var<uniform> terms_params: Params;
@group(0) @binding(1) var<storage, read> terms_predicted: array<f32>;
@group(0) @binding(2) var<storage, read> terms_target: array<f32>;
@group(0) @binding(3) var<storage, read> terms_projected: array<f32>;
@group(0) @binding(4) var<storage, read_write> partial: array<f32>;

@compute @workgroup_size(WG)
fn terms(@builtin(global_invocation_id) id: vec3u) {
  let p = id.x;
  if (p >= terms_params.pairs) { return; }
  let k_count = terms_params.coefficients;
  let a = 2u * p * k_count;
  let b = a + k_count;
  var shape = 0.0;
  var motion = 0.0;
  for (var j = 0u; j < k_count; j++) {
    let ra = terms_predicted[a + j] - terms_target[a + j];
    let rb = terms_predicted[b + j] - terms_target[b + j];
    let ya = terms_projected[a + j];
    let yb = terms_projected[b + j];
    shape += ra * ya + rb * yb;
    motion += (rb - ra) * (yb - ya);
  }
  partial[2u * p] = shape;
  partial[2u * p + 1u] = motion;
}

@group(0) @binding(0) var<uniform> grad_params: Params;
@group(0) @binding(1) var<storage, read> grad_projected: array<f32>;
@group(0) @binding(2) var<storage, read> upstream: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad_predicted: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  let k_count = grad_params.coefficients;
  if (index >= 2u * grad_params.pairs * k_count) { return; }
  let n = index / k_count;
  let k = index % k_count;
  let first = (n % 2u) == 0u;
  let a = (n - select(1u, 0u, first)) * k_count + k;
  let ya = grad_projected[a];
  let yb = grad_projected[a + k_count];
  let pairs = f32(grad_params.pairs);
  let motion_sign = select(1.0, -1.0, first);
  grad_predicted[index] = upstream[0] * grad_projected[index] / pairs + motion_sign * 2.0 * upstream[1] * (yb - ya) / pairs;
}
