// GroupNorm over x [B, C, L] with G groups of C/G channels (InstanceNorm: G = C; LayerNorm over channels and
// time: G = 1). Group (b, g) is the contiguous run of n = (C/G) * L values starting at (b * C + g * C/G) * L.
//
// Why GroupNorm and not BatchNorm in posedyn: inference runs on one 256-frame window, or on streamed chunks, at
// batch 1, and must give the same output as batched training-mode evaluation. GroupNorm's statistics come from
// one sample alone (no batch dependence, no running statistics), so the Node and browser runtimes agree and a
// streamed window equals the same window inside a training batch.
//
// forward (a workgroup a group; mean and variance in two passes over the group, for accuracy):
//   mean_bg = (1/n) sum_{c in g, l} x[b, c, l]
//   rstd_bg = 1 / sqrt((1/n) sum_{c in g, l} (x[b, c, l] - mean_bg)^2 + eps)     (biased variance)
//   xhat    = (x - mean_bg) * rstd_bg
//   y       = gamma[c] * xhat + beta[c]                                            (gamma = 1, beta = 0 without AFFINE)
//   mean and rstd [B, G] are saved for the backward.
//
// backward_input (a workgroup a group), with dxhat = dy * gamma[c]:
//   dx = rstd_bg * (dxhat - (1/n) sum_group dxhat - xhat * (1/n) sum_group (dxhat * xhat))
//
// backward_affine (a workgroup a channel c, in group g = c / (C/G)):
//   dgamma[c] = sum_{b, l} dy[b, c, l] * xhat[b, c, l]
//   dbeta[c]  = sum_{b, l} dy[b, c, l]

const WG: u32 = 256u;

// Without AFFINE the gamma and beta bindings hold a placeholder buffer that is never read.
override AFFINE: bool = true;

struct Params { batch: u32, channels: u32, length: u32, groups: u32, eps: f32 }

@group(0) @binding(0) var<uniform> params: Params;

var<workgroup> partial: array<vec2f, WG>;

// Sum of `value` over the workgroup, returned to every thread. Call from uniform control flow only.
fn workgroup_sum(lane: u32, value: vec2f) -> vec2f {
  partial[lane] = value;
  workgroupBarrier();
  for (var width = WG / 2u; width > 0u; width /= 2u) {
    if (lane < width) { partial[lane] += partial[lane + width]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}

// Walks a thread's elements j = lane, lane + WG, ... of a run of rows of `length` values, tracking
// (row, column) = (j / length, j % length) without a division in the loop: WG = step_rows * length + step_cols.
struct Walk { row: u32, col: u32, step_rows: u32, step_cols: u32 }

fn walk_start(lane: u32, length: u32) -> Walk {
  return Walk(lane / length, lane % length, WG / length, WG % length);
}

fn walk_next(w: ptr<function, Walk>, length: u32) {
  (*w).row += (*w).step_rows;
  (*w).col += (*w).step_cols;
  if ((*w).col >= length) {
    (*w).col -= length;
    (*w).row += 1u;
  }
}

fn gamma_at(c: u32) -> f32 {
  if (AFFINE) { return gamma[c]; }
  return 1.0;
}

fn beta_at(c: u32) -> f32 {
  if (AFFINE) { return beta[c]; }
  return 0.0;
}

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd_out: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let group = wg.y * nwg.x + wg.x;
  // Every thread reaches the barriers in workgroup_sum, so the group bound limits the loops, not the calls.
  let live = group < params.batch * params.groups;
  let per_group = params.channels / params.groups;
  let n = select(0u, per_group * params.length, live);
  let base = group * n;

  var total = 0.0;
  for (var j = lane; j < n; j += WG) { total += x[base + j]; }
  let mean = workgroup_sum(lane, vec2f(total, 0.0)).x / f32(max(n, 1u));

  var squares = 0.0;
  for (var j = lane; j < n; j += WG) {
    let d = x[base + j] - mean;
    squares += d * d;
  }
  let rstd = inverseSqrt(workgroup_sum(lane, vec2f(squares, 0.0)).x / f32(max(n, 1u)) + params.eps);

  let first_channel = (group % params.groups) * per_group;
  var w = walk_start(lane, params.length);
  for (var j = lane; j < n; j += WG) {
    let c = first_channel + w.row;
    y[base + j] = (x[base + j] - mean) * rstd * gamma_at(c) + beta_at(c);
    walk_next(&w, params.length);
  }
  if (live && lane == 0u) {
    mean_out[group] = mean;
    rstd_out[group] = rstd;
  }
}

@group(0) @binding(1) var<storage, read> bx_x: array<f32>;
@group(0) @binding(2) var<storage, read> bx_mean: array<f32>;
@group(0) @binding(3) var<storage, read> bx_rstd: array<f32>;
@group(0) @binding(4) var<storage, read> bx_gamma: array<f32>;
@group(0) @binding(5) var<storage, read> bx_dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> bx_dx: array<f32>;

fn bx_gamma_at(c: u32) -> f32 {
  if (AFFINE) { return bx_gamma[c]; }
  return 1.0;
}

@compute @workgroup_size(WG)
fn backward_input(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let group = wg.y * nwg.x + wg.x;
  let live = group < params.batch * params.groups;
  let per_group = params.channels / params.groups;
  let n = select(0u, per_group * params.length, live);
  let base = group * n;
  let mean = select(0.0, bx_mean[min(group, params.batch * params.groups - 1u)], live);
  let rstd = select(0.0, bx_rstd[min(group, params.batch * params.groups - 1u)], live);
  let first_channel = (group % params.groups) * per_group;

  // (sum dxhat, sum dxhat * xhat) over the group.
  var sums = vec2f(0.0);
  var w = walk_start(lane, params.length);
  for (var j = lane; j < n; j += WG) {
    let dxhat = bx_dy[base + j] * bx_gamma_at(first_channel + w.row);
    sums += vec2f(dxhat, dxhat * (bx_x[base + j] - mean) * rstd);
    walk_next(&w, params.length);
  }
  let means = workgroup_sum(lane, sums) / f32(max(n, 1u));

  w = walk_start(lane, params.length);
  for (var j = lane; j < n; j += WG) {
    let dxhat = bx_dy[base + j] * bx_gamma_at(first_channel + w.row);
    let xhat = (bx_x[base + j] - mean) * rstd;
    bx_dx[base + j] = rstd * (dxhat - means.x - xhat * means.y);
    walk_next(&w, params.length);
  }
}

@group(0) @binding(1) var<storage, read> ba_x: array<f32>;
@group(0) @binding(2) var<storage, read> ba_mean: array<f32>;
@group(0) @binding(3) var<storage, read> ba_rstd: array<f32>;
@group(0) @binding(4) var<storage, read> ba_dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> ba_dgamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> ba_dbeta: array<f32>;

@compute @workgroup_size(WG)
fn backward_affine(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let c = wg.y * nwg.x + wg.x;
  let live = c < params.channels;
  let g = c / (params.channels / params.groups);
  // The (b, l) pairs of channel c: b = row, l = col of a [B, L] walk.
  let n = select(0u, params.batch * params.length, live);
  var sums = vec2f(0.0);
  var w = walk_start(lane, params.length);
  for (var j = lane; j < n; j += WG) {
    let b = w.row;
    let at = (b * params.channels + c) * params.length + w.col;
    let stats = b * params.groups + g;
    let dy = ba_dy[at];
    sums += vec2f(dy * (ba_x[at] - ba_mean[stats]) * ba_rstd[stats], dy);
    walk_next(&w, params.length);
  }
  let total = workgroup_sum(lane, sums);
  if (live && lane == 0u) {
    ba_dgamma[c] = total.x;
    ba_dbeta[c] = total.y;
  }
}
