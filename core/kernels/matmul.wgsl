// Batched matrix product with optional transposes and an optional bias on the columns:
//
//   C[b, m, n] = sum_{k < K} opA(A)[b, m, k] * opB(B)[b, k, n]  (+ bias[n])
//
//   opA(A)[b, m, k] = A[b, m, k]  stored [batch, M, K]   or, with TRANSPOSE_A, A[b, k, m] stored [batch, K, M]
//   opB(B)[b, k, n] = B[b, k, n]  stored [batch, K, N]   or, with TRANSPOSE_B, B[b, n, k] stored [batch, N, K]
//
// Batch offsets are b * a_batch_stride (and b_, c_): a stride of 0 shares one matrix across the batch.
//
// Each thread computes a 4x4 block of C in registers: rows m0..m0+3, columns n0..n0+3. It walks K, and for
// every k adds the outer product of a column of opA(A) (4 rows) and a row of opB(B) (4 columns):
//
//   acc[i] += opA(A)[m0 + i, k] * opB(B)[k, n0..n0+3]         (acc[i] is row m0 + i of the block, a vec4)
//
// No workgroup memory: on lavapipe every per-lane memory access is a scalar loop over the SIMD lanes and
// barriers are coroutine switches, so the kernel keeps the FMAs per load high instead (see
// core/kernels/PERFORMANCE.md). Threads are numbered flat as (batch, block row, block column), block columns fastest,
// over a 2-D grid of workgroups: t = (wg.y * num_workgroups.x + wg.x) * WG + lane.
//
// matmul_vec4:   A, B and C bound as vec4 arrays. Requires the contiguous extent of A (K, or M when transposed),
//                of B (N, or K when transposed) and N to be multiples of 4. It steps K by 4, loading a 4x4 tile
//                of each operand as 4 vec4s (8 loads per 64 FMAs); with TRANSPOSE_A and not TRANSPOSE_B, K may be
//                ragged and the last k < 4 are done one at a time. Rows past M are clamped to M - 1 for the
//                loads (finite values, never written).
// matmul_scalar: any shape: one k at a time, 4 + 4 scalar loads per 16 FMAs, rows and columns clamped.

const WG: u32 = 64u;

override TRANSPOSE_A: bool = false;
override TRANSPOSE_B: bool = false;
override HAS_BIAS: bool = false;

struct Params {
  batch: u32, m: u32, n: u32, k: u32,
  // Offsets between consecutive matrices of the batch, in floats (0: shared across the batch).
  a_batch_stride: u32, b_batch_stride: u32, c_batch_stride: u32, pad0: u32,
}

/** The 4x4 block of C a thread owns, found from its flat index; valid is false past the last block. */
struct Block { valid: bool, b: u32, m0: u32, n0: u32 }

fn block_of(wg: vec3u, lane: u32, nwg: vec3u, p: Params) -> Block {
  let t = (wg.y * nwg.x + wg.x) * WG + lane;
  let blocks_n = (p.n + 3u) / 4u;
  let blocks_m = (p.m + 3u) / 4u;
  let rest = t / blocks_n;
  return Block(t < p.batch * blocks_m * blocks_n, rest / blocks_m, (rest % blocks_m) * 4u, (t % blocks_n) * 4u);
}

// acc[i] += a[i] * b for i < 4: one k of the block's outer-product update.
fn rank1(acc: mat4x4f, a: vec4f, b: vec4f) -> mat4x4f {
  return mat4x4f(fma(vec4f(a.x), b, acc[0]), fma(vec4f(a.y), b, acc[1]), fma(vec4f(a.z), b, acc[2]), fma(vec4f(a.w), b, acc[3]));
}

// ---------------------------------------------------------------------------------------------- matmul_vec4

@group(0) @binding(0) var<uniform> p4: Params;
@group(0) @binding(1) var<storage, read> a4: array<vec4f>;
@group(0) @binding(2) var<storage, read> b4: array<vec4f>;
// The bias [N] when HAS_BIAS; otherwise any readable buffer (the launcher binds A), never read.
@group(0) @binding(3) var<storage, read> bias4: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> c4: array<vec4f>;

// opA(A)[rows, k] as vec4 over the 4 rows, for a single k (used for the ragged end of K).
fn a4_column(base: u32, rows: vec4u, k: u32) -> vec4f {
  if (TRANSPOSE_A) { return a4[(base + k * p4.m + rows.x) / 4u]; }
  let i = base + rows * p4.k + k;
  return vec4f(a4[i.x / 4u][i.x % 4u], a4[i.y / 4u][i.y % 4u], a4[i.z / 4u][i.z % 4u], a4[i.w / 4u][i.w % 4u]);
}

// opB(B)[k, n0..n0+3] for a single k (used for the ragged end of K, which only occurs without TRANSPOSE_B).
fn b4_row(base: u32, n0: u32, k: u32) -> vec4f {
  if (TRANSPOSE_B) {
    let i = base + (n0 + vec4u(0u, 1u, 2u, 3u)) * p4.k + k;
    return vec4f(b4[i.x / 4u][i.x % 4u], b4[i.y / 4u][i.y % 4u], b4[i.z / 4u][i.z % 4u], b4[i.w / 4u][i.w % 4u]);
  }
  return b4[(base + k * p4.n + n0) / 4u];
}

@compute @workgroup_size(WG)
fn matmul_vec4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let blk = block_of(wg, lane, nwg, p4);
  if (!blk.valid) { return; }
  let a_base = blk.b * p4.a_batch_stride;
  let b_base = blk.b * p4.b_batch_stride;
  // Rows of the block, clamped so that loads past M read a real row (only needed without TRANSPOSE_A: with it,
  // M is a multiple of 4).
  let rows = min(blk.m0 + vec4u(0u, 1u, 2u, 3u), vec4u(p4.m - 1u));
  // In vec4 units: where the 4 rows (or, transposed, the 4 k-rows) of each operand's tile start, and how far
  // one k-row (transposed A, plain B) or one row (plain A, transposed B) is from the next.
  let a_row_step = select(p4.k, p4.m, TRANSPOSE_A) / 4u;
  let b_row_step = select(p4.n, p4.k, TRANSPOSE_B) / 4u;
  var a_at: vec4u;
  if (TRANSPOSE_A) { a_at = vec4u((a_base + blk.m0) / 4u) + vec4u(0u, 1u, 2u, 3u) * a_row_step; }
  else { a_at = (a_base + rows * p4.k) / 4u; }
  var b_at: vec4u;
  if (TRANSPOSE_B) { b_at = (b_base + (blk.n0 + vec4u(0u, 1u, 2u, 3u)) * p4.k) / 4u; }
  else { b_at = vec4u((b_base + blk.n0) / 4u) + vec4u(0u, 1u, 2u, 3u) * b_row_step; }
  // After one step of 4 k: plain A and transposed B move one vec4 along their rows, the others 4 rows down.
  let a_step = select(1u, 4u * a_row_step, TRANSPOSE_A);
  let b_step = select(4u * b_row_step, 1u, TRANSPOSE_B);

  var acc = mat4x4f();
  let k4 = p4.k & ~3u;
  for (var k = 0u; k < k4; k += 4u) {
    // at[kk] = opA(A)[rows, k + kk] and bt[kk] = opB(B)[k + kk, n0..n0+3]: the loads give rows of opA's tile
    // (plain A) or of opB's transposed tile (transposed B), which transpose() turns around in registers.
    var at = mat4x4f(a4[a_at.x], a4[a_at.y], a4[a_at.z], a4[a_at.w]);
    if (!TRANSPOSE_A) { at = transpose(at); }
    var bt = mat4x4f(b4[b_at.x], b4[b_at.y], b4[b_at.z], b4[b_at.w]);
    if (TRANSPOSE_B) { bt = transpose(bt); }
    acc = rank1(acc, at[0], bt[0]);
    acc = rank1(acc, at[1], bt[1]);
    acc = rank1(acc, at[2], bt[2]);
    acc = rank1(acc, at[3], bt[3]);
    a_at += vec4u(a_step);
    b_at += vec4u(b_step);
  }
  for (var k = k4; k < p4.k; k++) {
    acc = rank1(acc, a4_column(a_base, rows, k), b4_row(b_base, blk.n0, k));
  }

  var bias = vec4f();
  if (HAS_BIAS) { bias = bias4[blk.n0 / 4u]; }
  let c_at = (blk.b * p4.c_batch_stride + blk.m0 * p4.n + blk.n0) / 4u;
  let c_row_step = p4.n / 4u;
  for (var i = 0u; i < 4u; i++) {
    if (blk.m0 + i < p4.m) { c4[c_at + i * c_row_step] = acc[i] + bias; }
  }
}

// -------------------------------------------------------------------------------------------- matmul_scalar

@group(0) @binding(0) var<uniform> p1: Params;
@group(0) @binding(1) var<storage, read> a1: array<f32>;
@group(0) @binding(2) var<storage, read> b1: array<f32>;
@group(0) @binding(3) var<storage, read> bias1: array<f32>;
@group(0) @binding(4) var<storage, read_write> c1: array<f32>;

@compute @workgroup_size(WG)
fn matmul_scalar(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let blk = block_of(wg, lane, nwg, p1);
  if (!blk.valid) { return; }
  let offsets = vec4u(0u, 1u, 2u, 3u);
  let rows = min(blk.m0 + offsets, vec4u(p1.m - 1u));
  let cols = min(blk.n0 + offsets, vec4u(p1.n - 1u));
  // Where opA(A)[rows, 0] and opB(B)[0, cols] are, and how far each moves per k.
  var a_at: vec4u;
  var b_at: vec4u;
  let a_base = blk.b * p1.a_batch_stride;
  let b_base = blk.b * p1.b_batch_stride;
  if (TRANSPOSE_A) { a_at = a_base + rows; } else { a_at = a_base + rows * p1.k; }
  if (TRANSPOSE_B) { b_at = b_base + cols * p1.k; } else { b_at = b_base + cols; }
  let a_step = select(1u, p1.m, TRANSPOSE_A);
  let b_step = select(p1.n, 1u, TRANSPOSE_B);

  var acc = mat4x4f();
  for (var k = 0u; k < p1.k; k++) {
    let a = vec4f(a1[a_at.x], a1[a_at.y], a1[a_at.z], a1[a_at.w]);
    let b = vec4f(b1[b_at.x], b1[b_at.y], b1[b_at.z], b1[b_at.w]);
    acc = rank1(acc, a, b);
    a_at += vec4u(a_step);
    b_at += vec4u(b_step);
  }

  var bias = vec4f();
  if (HAS_BIAS) { bias = vec4f(bias1[cols.x], bias1[cols.y], bias1[cols.z], bias1[cols.w]); }
  let c_base = blk.b * p1.c_batch_stride;
  for (var i = 0u; i < 4u; i++) {
    let m = blk.m0 + i;
    if (m >= p1.m) { break; }
    let row = acc[i] + bias;
    for (var j = 0u; j < 4u; j++) {
      if (blk.n0 + j < p1.n) { c1[c_base + m * p1.n + blk.n0 + j] = row[j]; }
    }
  }
}
