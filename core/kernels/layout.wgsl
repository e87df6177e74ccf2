// Layout kernels: moving values between row-major tensors without arithmetic. Every layout op (concat, split,
// slice, pad, permute, transpose) is one of two strided copies, with shapes, strides and offsets in the uniform.
// Rank <= 8; the launcher first drops axes of extent 1 and merges axes that are contiguous in both tensors, so
// the common cases run at rank 1 or 2 (concat of [B, C_i, L] along C is a box [B, C_i * L]).
//
// copy_box:       for every coordinate c of a box of shape E (rank r):
//                   dst[dst_offset + sum_k c_k * dst_stride_k] = src[src_offset + sum_k c_k * src_stride_k]
//                 concat writes each input as a box of the output; split and slice read a box of the input;
//                 permute reads the input with its strides reordered (src_stride_k = stride of axis order[k]).
// copy_box_vec4:  the same on vec4s, when the innermost axis is contiguous in both tensors and its extent, every
//                 outer stride and both offsets are multiples of 4 (the launcher divides them by 4); a thread
//                 copies ITEMS neighbouring vec4s (one run of the innermost axis when its extent allows).
// A box that is one contiguous run in both tensors never comes here: the op copies it with copyBufferToBuffer.
// pad:            for every coordinate c of the output (shape O):
//                   out[c] = src[c - before]   if 0 <= c_k - before_k < S_k on every axis (S = source shape)
//                          = value             otherwise
//                 out-of-range coordinates wrap around to large u32 values, so one unsigned compare an axis
//                 checks both ends.
// pad_rows_vec4:  pad when only the innermost axis is padded (the launcher's merged shape is [R, S] -> [R, O]) and
//                 O is a multiple of 4: a thread writes one vec4 of an output row from four reads of its source
//                 row, one division an item where pad divides on every axis for every value (1024 rows of 134
//                 padded to 136 took pad 2.6 ms on lavapipe).
//
// The flat index of an item is i = (wg.y * num_workgroups.x + wg.x) * WG + lane (see gridFor).
//
// The rank is an override constant, not a uniform: with it the loops over axes unroll, so every shape and stride
// is read at a constant offset of the uniform block. llvmpipe loads such a value once for all SIMD lanes; at an
// offset that depends on a loop counter it loads it lane by lane (core/kernels/PERFORMANCE.md), and six such loads
// an item made the box copy several times slower than a plain copy kernel.

const WG: u32 = 256u;
override RANK: u32 = 1u;
/** vec4s a copy_box_vec4 thread copies. */
const ITEMS: u32 = 4u;

// Shapes and strides travel as two vec4s each: uniform arrays need a 16-byte element stride.
struct BoxParams {
  n: u32, src_offset: u32, dst_offset: u32, pad0: u32,
  extent: array<vec4u, 2>, src_strides: array<vec4u, 2>, dst_strides: array<vec4u, 2>,
}
struct PadParams {
  n: u32, value: f32, pad0: u32, pad1: u32,
  out_shape: array<vec4u, 2>, src_shape: array<vec4u, 2>, before: array<vec4u, 2>, src_strides: array<vec4u, 2>,
}

fn flat_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

// The source (x) and destination (y) offsets of item i < n of the box, peeling coordinates from the innermost axis
// out; what is left after the inner axes is the outermost coordinate itself (no division: integer divisions are
// scalar loops over the SIMD lanes on a CPU adapter, and one of them an item costs about what its loads do).
fn box_offsets(i: u32) -> vec2u {
  var rest = i;
  var src = box_params.src_offset;
  var dst = box_params.dst_offset;
  for (var axis = RANK - 1u; axis > 0u; axis--) {
    let extent = box_params.extent[axis / 4u][axis % 4u];
    let coord = rest % extent;
    rest = rest / extent;
    src += coord * box_params.src_strides[axis / 4u][axis % 4u];
    dst += coord * box_params.dst_strides[axis / 4u][axis % 4u];
  }
  return vec2u(src + rest * box_params.src_strides[0].x, dst + rest * box_params.dst_strides[0].x);
}

@group(0) @binding(0) var<uniform> box_params: BoxParams;
@group(0) @binding(1) var<storage, read> box_src: array<f32>;
@group(0) @binding(2) var<storage, read_write> box_dst: array<f32>;

@compute @workgroup_size(WG)
fn copy_box(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= box_params.n) { return; }
  let at = box_offsets(i);
  box_dst[at.y] = box_src[at.x];
}

// Shares box_params (binding 0) with copy_box; only the element type of the two buffers differs.
@group(0) @binding(1) var<storage, read> box4_src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> box4_dst: array<vec4f>;

@compute @workgroup_size(WG)
fn copy_box_vec4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let first = flat_index(wg, lane, nwg) * ITEMS;
  if (first >= box_params.n) { return; }
  let inner_extent = box_params.extent[(RANK - 1u) / 4u][(RANK - 1u) % 4u];
  if (inner_extent % ITEMS == 0u) {
    // first is a multiple of ITEMS, so its ITEMS vec4s lie in one run of the innermost axis (stride 1 in both).
    let at = box_offsets(first);
    for (var k = 0u; k < ITEMS; k++) { box4_dst[at.y + k] = box4_src[at.x + k]; }
    return;
  }
  for (var i = first; i < min(first + ITEMS, box_params.n); i++) {
    let at = box_offsets(i);
    box4_dst[at.y] = box4_src[at.x];
  }
}

@group(0) @binding(0) var<uniform> pad_params: PadParams;
@group(0) @binding(1) var<storage, read> pad_src: array<f32>;
@group(0) @binding(2) var<storage, read_write> pad_out: array<f32>;

struct PadRowsParams { rows: u32, src_cols: u32, out_cols4: u32, before: u32, value: f32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<uniform> rows_params: PadRowsParams;
@group(0) @binding(1) var<storage, read> rows_src: array<f32>;
@group(0) @binding(2) var<storage, read_write> rows_out: array<vec4f>;

@compute @workgroup_size(WG)
fn pad_rows_vec4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= rows_params.rows * rows_params.out_cols4) { return; }
  let row = i / rows_params.out_cols4;
  let c0 = (i - row * rows_params.out_cols4) * 4u;
  var v = vec4f(rows_params.value);
  for (var c = 0u; c < 4u; c++) {
    // out column c0 + c reads source column c0 + c - before (wrapping to a large u32 before the row starts)
    let source = c0 + c - rows_params.before;
    if (source < rows_params.src_cols) { v[c] = rows_src[row * rows_params.src_cols + source]; }
  }
  rows_out[i] = v;
}

@compute @workgroup_size(WG)
fn pad(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= pad_params.n) { return; }
  var rest = i;
  var at = 0u;
  var inside = true;
  for (var axis = RANK; axis > 0u; axis--) {
    let k = axis - 1u;
    let extent = pad_params.out_shape[k / 4u][k % 4u];
    let coord = rest % extent;
    rest = rest / extent;
    let source = coord - pad_params.before[k / 4u][k % 4u];
    inside = inside && source < pad_params.src_shape[k / 4u][k % 4u];
    at += source * pad_params.src_strides[k / 4u][k % 4u];
  }
  pad_out[i] = select(pad_params.value, pad_src[select(0u, at, inside)], inside);
}
