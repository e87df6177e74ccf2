// 3DMM decode, Eq. (2), for a batch of frames, and its gradient with respect to the coefficients.
//
//   forward:   S[n, r] = mean[r] + sum_{k<144} B[r, k] c[n, k]        c = [alpha_id (80), alpha_exp (64)]
//   backward:  dc[n, k] = sum_r B[r, k] dS[n, r]                     (dc = dS B, i.e. B^T dS per frame)
//
// B [R = 3V, 144] is the model's [B_id | B_exp], row-major (row r = coordinate r % 3 of vertex r / 3);
// c [N, 144], S and dS [N, R]. 144 = 36 vec4, so rows of B and c are read as vec4.
//
// Blocking (see core/kernels/PERFORMANCE.md: on lavapipe every per-lane storage load costs as much as dozens of FMAs):
//   forward:  a thread computes 4 frames x 4 rows: per vec4 step 8 loads feed 64 FMAs.
//   backward: a thread computes 4 frames x 4 coefficients over a chunk of CHUNK_ROWS rows of B, writing a
//             partial sum partial[chunk, n, k]; the op sums the chunks (a chunk per thread keeps the grid
//             wide when R is large, e.g. 107127 for the BFM). Per row: 1 vec4 of B and 4 dS loads feed 16 FMAs.
// Indices past the last frame or row are clamped for loading and skipped for storing.

const WG: u32 = 64u;
const K4: u32 = 36u;           // 144 coefficients as vec4
override CHUNK_ROWS: u32 = 512u;

struct ForwardParams { frames: u32, rows: u32, row_blocks: u32, pad: u32 }
struct BackwardParams { frames: u32, rows: u32, frame_blocks: u32, chunks: u32 }

fn flat_thread(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

@group(0) @binding(0) var<uniform> fwd: ForwardParams;
@group(0) @binding(1) var<storage, read> fwd_basis: array<vec4f>;
@group(0) @binding(2) var<storage, read> fwd_mean: array<f32>;
@group(0) @binding(3) var<storage, read> fwd_coeffs: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> fwd_vertices: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let block = flat_thread(wg, lane, nwg);
  let frame_blocks = (fwd.frames + 3u) / 4u;
  if (block >= frame_blocks * fwd.row_blocks) { return; }
  let n0 = (block / fwd.row_blocks) * 4u;
  let r0 = (block % fwd.row_blocks) * 4u;
  var b_row: array<u32, 4>;
  var c_row: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) {
    b_row[i] = min(r0 + i, fwd.rows - 1u) * K4;
    c_row[i] = min(n0 + i, fwd.frames - 1u) * K4;
  }
  // acc[j][i]: frame n0 + j, row r0 + i
  var acc: array<vec4f, 4>;
  for (var k = 0u; k < K4; k++) {
    let b0 = fwd_basis[b_row[0] + k];
    let b1 = fwd_basis[b_row[1] + k];
    let b2 = fwd_basis[b_row[2] + k];
    let b3 = fwd_basis[b_row[3] + k];
    for (var j = 0u; j < 4u; j++) {
      let c = fwd_coeffs[c_row[j] + k];
      acc[j] += vec4f(dot(b0, c), dot(b1, c), dot(b2, c), dot(b3, c));
    }
  }
  for (var j = 0u; j < 4u; j++) {
    let n = n0 + j;
    if (n >= fwd.frames) { break; }
    for (var i = 0u; i < 4u; i++) {
      let r = r0 + i;
      if (r < fwd.rows) { fwd_vertices[n * fwd.rows + r] = fwd_mean[r] + acc[j][i]; }
    }
  }
}

@group(0) @binding(0) var<uniform> bwd: BackwardParams;
@group(0) @binding(1) var<storage, read> bwd_basis: array<vec4f>;
@group(0) @binding(2) var<storage, read> bwd_grad_vertices: array<f32>;
@group(0) @binding(3) var<storage, read_write> bwd_partial: array<vec4f>;

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let t = flat_thread(wg, lane, nwg);
  // Thread order: coefficient vec4 fastest, then frame block, then chunk.
  if (t >= bwd.chunks * bwd.frame_blocks * K4) { return; }
  let k = t % K4;
  let n0 = ((t / K4) % bwd.frame_blocks) * 4u;
  let chunk = t / (K4 * bwd.frame_blocks);
  let r_begin = chunk * CHUNK_ROWS;
  let r_end = min(r_begin + CHUNK_ROWS, bwd.rows);
  var g_row: array<u32, 4>;
  for (var j = 0u; j < 4u; j++) { g_row[j] = min(n0 + j, bwd.frames - 1u) * bwd.rows; }
  var acc: array<vec4f, 4>;
  for (var r = r_begin; r < r_end; r++) {
    let b = bwd_basis[r * K4 + k];
    acc[0] += b * bwd_grad_vertices[g_row[0] + r];
    acc[1] += b * bwd_grad_vertices[g_row[1] + r];
    acc[2] += b * bwd_grad_vertices[g_row[2] + r];
    acc[3] += b * bwd_grad_vertices[g_row[3] + r];
  }
  // partial [chunks, frames, 144] as vec4: element (chunk, n, k) at (chunk * frames + n) * K4 + k
  for (var j = 0u; j < 4u; j++) {
    let n = n0 + j;
    if (n >= bwd.frames) { break; }
    bwd_partial[(chunk * bwd.frames + n) * K4 + k] = acc[j];
  }
}
