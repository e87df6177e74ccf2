// Elementwise kernels: one thread an element, the flat index spread over a 2-D grid so that more than
// 65535 workgroups can run: i = (wg.y * num_workgroups.x + wg.x) * WG + lane.
//
// unary:           y[i] = f(x[i])                       f chosen by the override OP (see UNARY_* below)
// unary_backward:  dx[i] = dy[i] * f'(x[i]) , written with y = f(x) where that is cheaper
// binary:          out[i] = a[ia(i)] (op) b[ib(i)]       NumPy broadcasting through per-operand strides
//                                                       (stride 0 on broadcast axes), rank <= 8
// fill:            out[i] = value

const WG: u32 = 256u;

// Unary ops. alpha and beta are per-launch scalars in Params.
const UNARY_NEG: u32 = 0u;        // -x
const UNARY_EXP: u32 = 1u;        // e^x                      f' = y
const UNARY_LOG: u32 = 2u;        // ln x                     f' = 1/x
const UNARY_SQRT: u32 = 3u;       // sqrt x                   f' = 1/(2y)
const UNARY_SQUARE: u32 = 4u;     // x^2                      f' = 2x
const UNARY_RELU: u32 = 5u;       // max(x, 0)                f' = [x > 0]
const UNARY_LEAKY_RELU: u32 = 6u; // x > 0 ? x : alpha x      f' = x > 0 ? 1 : alpha
const UNARY_TANH: u32 = 7u;       // tanh x                   f' = 1 - y^2
const UNARY_SIGMOID: u32 = 8u;    // 1 / (1 + e^-x)           f' = y (1 - y)
const UNARY_AFFINE: u32 = 9u;     // alpha x + beta           f' = alpha   (scalar add, sub, mul, div)
const UNARY_RDIV: u32 = 10u;      // alpha / x                f' = -alpha / x^2
const UNARY_ABS: u32 = 11u;       // |x|                      f' = sign x

// Binary ops.
const BINARY_ADD: u32 = 0u;
const BINARY_SUB: u32 = 1u;
const BINARY_MUL: u32 = 2u;
const BINARY_DIV: u32 = 3u;
const BINARY_MAX: u32 = 4u;
const BINARY_LEFT: u32 = 5u;      // a alone: broadcasting a to the output shape (expand)

override OP: u32 = 0u;
// True when both operands have the output's shape: skips the stride arithmetic.
override SAME_SHAPE: bool = false;
// The rank of a broadcasting binary op, after the launcher dropped axes of extent 1 and merged axes contiguous in
// the output and both operands. An override, not the uniform's `rank`, so that the loops over axes unroll and every
// shape and stride is read at a constant offset of the uniform block, which llvmpipe loads once for all SIMD lanes;
// at an offset that depends on a loop counter it loads lane by lane (as layout.wgsl's box copies found).
override RANK: u32 = 1u;

struct UnaryParams { n: u32, alpha: f32, beta: f32 }
// Shapes and strides travel as two vec4s each: uniform arrays need a 16-byte element stride.
struct BinaryParams {
  n: u32, rank: u32, pad0: u32, pad1: u32,
  out_shape: array<vec4u, 2>, a_strides: array<vec4u, 2>, b_strides: array<vec4u, 2>,
}
struct FillParams { n: u32, value: f32 }

fn flat_index(wg: vec3u, lane: u32, nwg: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lane;
}

// tanh through exp overflows for |x| > 44 in f32; it is 1 to float precision from |x| > 9.
fn stable_tanh(x: f32) -> f32 {
  let c = clamp(x, -9.0, 9.0);
  let e = exp(2.0 * c);
  return (e - 1.0) / (e + 1.0);
}

fn stable_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}

fn unary_op(x: f32, alpha: f32, beta: f32) -> f32 {
  switch OP {
    case UNARY_NEG: { return -x; }
    case UNARY_EXP: { return exp(x); }
    case UNARY_LOG: { return log(x); }
    case UNARY_SQRT: { return sqrt(x); }
    case UNARY_SQUARE: { return x * x; }
    case UNARY_RELU: { return max(x, 0.0); }
    case UNARY_LEAKY_RELU: { return select(alpha * x, x, x > 0.0); }
    case UNARY_TANH: { return stable_tanh(x); }
    case UNARY_SIGMOID: { return stable_sigmoid(x); }
    case UNARY_AFFINE: { return alpha * x + beta; }
    case UNARY_RDIV: { return alpha / x; }
    case UNARY_ABS: { return abs(x); }
    default: { return x; }
  }
}

fn unary_derivative(x: f32, y: f32, alpha: f32) -> f32 {
  switch OP {
    case UNARY_NEG: { return -1.0; }
    case UNARY_EXP: { return y; }
    case UNARY_LOG: { return 1.0 / x; }
    case UNARY_SQRT: { return 0.5 / y; }
    case UNARY_SQUARE: { return 2.0 * x; }
    case UNARY_RELU: { return select(0.0, 1.0, x > 0.0); }
    case UNARY_LEAKY_RELU: { return select(alpha, 1.0, x > 0.0); }
    case UNARY_TANH: { return 1.0 - y * y; }
    case UNARY_SIGMOID: { return y * (1.0 - y); }
    case UNARY_AFFINE: { return alpha; }
    case UNARY_RDIV: { return -alpha / (x * x); }
    case UNARY_ABS: { return sign(x); }
    default: { return 1.0; }
  }
}

@group(0) @binding(0) var<uniform> unary_params: UnaryParams;
@group(0) @binding(1) var<storage, read> unary_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> unary_y: array<f32>;

@compute @workgroup_size(WG)
fn unary(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= unary_params.n) { return; }
  unary_y[i] = unary_op(unary_x[i], unary_params.alpha, unary_params.beta);
}

@group(0) @binding(0) var<uniform> backward_params: UnaryParams;
@group(0) @binding(1) var<storage, read> backward_x: array<f32>;
@group(0) @binding(2) var<storage, read> backward_y: array<f32>;
@group(0) @binding(3) var<storage, read> backward_dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> backward_dx: array<f32>;

@compute @workgroup_size(WG)
fn unary_backward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= backward_params.n) { return; }
  backward_dx[i] = backward_dy[i] * unary_derivative(backward_x[i], backward_y[i], backward_params.alpha);
}

@group(0) @binding(0) var<uniform> binary_params: BinaryParams;
@group(0) @binding(1) var<storage, read> binary_a: array<f32>;
@group(0) @binding(2) var<storage, read> binary_b: array<f32>;
@group(0) @binding(3) var<storage, read_write> binary_out: array<f32>;

fn binary_op(a: f32, b: f32) -> f32 {
  switch OP {
    case BINARY_ADD: { return a + b; }
    case BINARY_SUB: { return a - b; }
    case BINARY_MUL: { return a * b; }
    case BINARY_DIV: { return a / b; }
    case BINARY_MAX: { return max(a, b); }
    case BINARY_LEFT: { return a; }
    default: { return a; }
  }
}

@compute @workgroup_size(WG)
fn binary(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= binary_params.n) { return; }
  if (SAME_SHAPE) {
    binary_out[i] = binary_op(binary_a[i], binary_b[i]);
    return;
  }
  // Peel the output coordinates from the innermost axis out, accumulating each operand's offset; what is left after
  // the inner axes is the outermost coordinate itself (no division).
  let p = binary_params;
  var rest = i;
  var ia = 0u;
  var ib = 0u;
  for (var k = RANK - 1u; k > 0u; k--) {
    let extent = p.out_shape[k / 4u][k % 4u];
    let coord = rest % extent;
    rest = rest / extent;
    ia += coord * p.a_strides[k / 4u][k % 4u];
    ib += coord * p.b_strides[k / 4u][k % 4u];
  }
  binary_out[i] = binary_op(binary_a[ia + rest * p.a_strides[0].x], binary_b[ib + rest * p.b_strides[0].x]);
}

@group(0) @binding(0) var<uniform> fill_params: FillParams;
@group(0) @binding(1) var<storage, read_write> fill_out: array<f32>;

@compute @workgroup_size(WG)
fn fill(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_index(wg, lane, nwg);
  if (i >= fill_params.n) { return; }
  fill_out[i] = fill_params.value;
}

// ------------------------------------------------------------------------------------------ vec4 entries
//
// The same ops, VEC4_PER_THREAD (4) vec4s a thread: on lavapipe a storage access at a per-lane address costs
// about the same for a vec4 as for a float, so these move 4x the data per access and 4x the work per thread
// (measured 2-8x the scalar entries, core/kernels/PERFORMANCE.md). The launcher picks them when n is a multiple
// of 4 (unary, unary_backward, fill) or the output's innermost extent is (binary4: then every operand is either
// contiguous along that axis, so its vec4s are aligned, or broadcast along it, a scalar splat).

const VEC4_PER_THREAD: u32 = 4u;

fn unary_op4(x: vec4f, alpha: f32, beta: f32) -> vec4f {
  return vec4f(unary_op(x.x, alpha, beta), unary_op(x.y, alpha, beta), unary_op(x.z, alpha, beta), unary_op(x.w, alpha, beta));
}

fn unary_derivative4(x: vec4f, y: vec4f, alpha: f32) -> vec4f {
  return vec4f(unary_derivative(x.x, y.x, alpha), unary_derivative(x.y, y.y, alpha), unary_derivative(x.z, y.z, alpha), unary_derivative(x.w, y.w, alpha));
}

fn binary_op4(a: vec4f, b: vec4f) -> vec4f {
  return vec4f(binary_op(a.x, b.x), binary_op(a.y, b.y), binary_op(a.z, b.z), binary_op(a.w, b.w));
}

@group(0) @binding(0) var<uniform> unary4_params: UnaryParams;
@group(0) @binding(1) var<storage, read> unary4_x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> unary4_y: array<vec4f>;

@compute @workgroup_size(WG)
fn unary4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let first = flat_index(wg, lane, nwg) * VEC4_PER_THREAD;
  for (var q = first; q < min(first + VEC4_PER_THREAD, unary4_params.n / 4u); q++) {
    unary4_y[q] = unary_op4(unary4_x[q], unary4_params.alpha, unary4_params.beta);
  }
}

@group(0) @binding(0) var<uniform> backward4_params: UnaryParams;
@group(0) @binding(1) var<storage, read> backward4_x: array<vec4f>;
@group(0) @binding(2) var<storage, read> backward4_y: array<vec4f>;
@group(0) @binding(3) var<storage, read> backward4_dy: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> backward4_dx: array<vec4f>;

@compute @workgroup_size(WG)
fn unary_backward4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let first = flat_index(wg, lane, nwg) * VEC4_PER_THREAD;
  for (var q = first; q < min(first + VEC4_PER_THREAD, backward4_params.n / 4u); q++) {
    backward4_dx[q] = backward4_dy[q] * unary_derivative4(backward4_x[q], backward4_y[q], backward4_params.alpha);
  }
}

@group(0) @binding(0) var<uniform> binary4_params: BinaryParams;
@group(0) @binding(1) var<storage, read> binary4_a: array<vec4f>;
@group(0) @binding(2) var<storage, read> binary4_b: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> binary4_out: array<vec4f>;

// The 4 operand values for output elements i .. i + 3 (i a multiple of 4, at operand offset at): a vec4 when
// the operand is contiguous along the innermost axis, else (broadcast along it) one value 4 times.
fn binary4_operand_a(at: u32, contiguous: bool) -> vec4f {
  if (contiguous) { return binary4_a[at / 4u]; }
  return vec4f(binary4_a[at / 4u][at % 4u]);
}

fn binary4_operand_b(at: u32, contiguous: bool) -> vec4f {
  if (contiguous) { return binary4_b[at / 4u]; }
  return vec4f(binary4_b[at / 4u][at % 4u]);
}

@compute @workgroup_size(WG)
fn binary4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let first = flat_index(wg, lane, nwg) * VEC4_PER_THREAD;
  let p = binary4_params;
  let inner = RANK - 1u;
  let a_contiguous = p.a_strides[inner / 4u][inner % 4u] == 1u;
  let b_contiguous = p.b_strides[inner / 4u][inner % 4u] == 1u;
  for (var q = first; q < min(first + VEC4_PER_THREAD, p.n / 4u); q++) {
    if (SAME_SHAPE) {
      binary4_out[q] = binary_op4(binary4_a[q], binary4_b[q]);
      continue;
    }
    var rest = 4u * q;
    var ia = 0u;
    var ib = 0u;
    for (var k = RANK - 1u; k > 0u; k--) {
      let extent = p.out_shape[k / 4u][k % 4u];
      let coord = rest % extent;
      rest = rest / extent;
      ia += coord * p.a_strides[k / 4u][k % 4u];
      ib += coord * p.b_strides[k / 4u][k % 4u];
    }
    ia += rest * p.a_strides[0].x;
    ib += rest * p.b_strides[0].x;
    binary4_out[q] = binary_op4(binary4_operand_a(ia, a_contiguous), binary4_operand_b(ib, b_contiguous));
  }
}

@group(0) @binding(0) var<uniform> fill4_params: FillParams;
@group(0) @binding(1) var<storage, read_write> fill4_out: array<vec4f>;

@compute @workgroup_size(WG)
fn fill4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let first = flat_index(wg, lane, nwg) * VEC4_PER_THREAD;
  for (var q = first; q < min(first + VEC4_PER_THREAD, fill4_params.n / 4u); q++) { fill4_out[q] = vec4f(fill4_params.value); }
}
