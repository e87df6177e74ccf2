enable subgroups;

// GroupNorm with a subgroup a (batch, group) instead of a workgroup: the "subgroup" variants of the group-norm
// families (group-norm-families.ts). Same math as group-norm.wgsl (see there); what differs is how:
//   - the lanes of one subgroup share a group and add their partial sums with subgroupAdd: no workgroup memory
//     and no barriers (on lavapipe a barrier is a coroutine switch and workgroup memory costs as much as storage);
//   - values move as vec4s: x's rows are whole vec4s (length % 4 == 0, checked by the launcher), so a group's run
//     of (C/G) L values is too, and the 4 values of a vec4 share one channel;
//   - forward: one pass for both statistics, summing x - shift and (x - shift)^2 about the group's first value
//     (shifted sums keep the variance exact enough when the mean is far from 0 next to the spread), then one pass
//     writing y: 2 reads of x instead of 3. With LEAKY, y = leakyRelu(y, slope) in the same pass.
//   - backward: the input gradient's two sums, and per channel the affine gradients' partial sums over this batch
//     item (dgamma_part[b, c] = sum_l dy xhat, dbeta_part[b, c] = sum_l dy), from one read of dy and x; a second
//     pass writes dx. The caller sums the parts over b (a [B, C] -> [C] sum): the separate backward_affine pass
//     over dy and x is gone.
// A subgroup is SUBGROUP_SIZE consecutive invocations of the 64-invocation workgroup (the launcher's grid relies on it).

const WG: u32 = 64u;

override AFFINE: bool = true;
override LEAKY: bool = false;

struct Params { batch: u32, channels: u32, length: u32, groups: u32, eps: f32, slope: f32 }

@group(0) @binding(0) var<uniform> params: Params;

struct GroupOf { live: bool, group: u32, base4: u32, n4: u32, first_channel: u32, length4: u32 }

// The group of this lane's subgroup, and where its vec4s are.
fn group_of(wg: vec3u, nwg: vec3u, lane: u32, sg_size: u32) -> GroupOf {
  let group = ((wg.y * nwg.x + wg.x) * WG + lane) / sg_size;
  let live = group < params.batch * params.groups;
  let per_group = params.channels / params.groups;
  let length4 = params.length / 4u;
  let n4 = select(0u, per_group * length4, live);
  return GroupOf(live, group, group * per_group * length4, n4, (group % params.groups) * per_group, length4);
}

@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd_out: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32,
           @builtin(subgroup_invocation_id) sl: u32, @builtin(subgroup_size) sg_size: u32) {
  let grp = group_of(wg, nwg, lane, sg_size);
  let shift = x[min(grp.base4, arrayLength(&x) - 1u)].x;
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  for (var j = sl; j < grp.n4; j += sg_size) {
    let d = x[grp.base4 + j] - shift;
    s1 += d;
    s2 += d * d;
  }
  let count = f32(max(4u * grp.n4, 1u));
  let m1 = subgroupAdd(dot(s1, vec4f(1.0))) / count;
  let mean = shift + m1;
  let rstd = inverseSqrt(max(subgroupAdd(dot(s2, vec4f(1.0))) / count - m1 * m1, 0.0) + params.eps);
  for (var j = sl; j < grp.n4; j += sg_size) {
    let c = grp.first_channel + j / grp.length4;
    var v = (x[grp.base4 + j] - mean) * rstd;
    if (AFFINE) { v = v * gamma[c] + beta[c]; }
    if (LEAKY) { v = select(params.slope * v, v, v > vec4f(0.0)); }
    y[grp.base4 + j] = v;
  }
  if (grp.live && sl == 0u) {
    mean_out[grp.group] = mean;
    rstd_out[grp.group] = rstd;
  }
}

@group(0) @binding(1) var<storage, read> bx_x: array<vec4f>;
@group(0) @binding(2) var<storage, read> bx_mean: array<f32>;
@group(0) @binding(3) var<storage, read> bx_rstd: array<f32>;
@group(0) @binding(4) var<storage, read> bx_gamma: array<f32>;
@group(0) @binding(5) var<storage, read> bx_dy: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> bx_dx: array<vec4f>;
// [batch, channels] each: this batch item's share of dgamma and dbeta (written when AFFINE).
@group(0) @binding(7) var<storage, read_write> bx_dgamma_part: array<f32>;
@group(0) @binding(8) var<storage, read_write> bx_dbeta_part: array<f32>;

fn bx_gamma_at(c: u32) -> f32 {
  if (AFFINE) { return bx_gamma[c]; }
  return 1.0;
}

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32,
            @builtin(subgroup_invocation_id) sl: u32, @builtin(subgroup_size) sg_size: u32) {
  let grp = group_of(wg, nwg, lane, sg_size);
  let stats = min(grp.group, params.batch * params.groups - 1u);
  let mean = bx_mean[stats];
  let rstd = bx_rstd[stats];
  let per_group = params.channels / params.groups;
  let b = grp.group / params.groups;
  // (sum dxhat, sum dxhat xhat) over the group, channel by channel so each channel's affine parts come out too.
  var sums = vec2f(0.0);
  for (var cc = 0u; cc < per_group; cc++) {
    let c = grp.first_channel + cc;
    let g = bx_gamma_at(min(c, params.channels - 1u));
    var dy_xhat = vec4f(0.0);
    var dy_sum = vec4f(0.0);
    let row = grp.base4 + cc * grp.length4;
    for (var j = sl; j < select(0u, grp.length4, grp.live); j += sg_size) {
      let dy = bx_dy[row + j];
      let xhat = (bx_x[row + j] - mean) * rstd;
      dy_xhat += dy * xhat;
      dy_sum += dy;
    }
    let channel_xhat = subgroupAdd(dot(dy_xhat, vec4f(1.0)));
    let channel_sum = subgroupAdd(dot(dy_sum, vec4f(1.0)));
    sums += vec2f(channel_sum, channel_xhat) * g;
    if (AFFINE && grp.live && sl == 0u) {
      bx_dgamma_part[b * params.channels + c] = channel_xhat;
      bx_dbeta_part[b * params.channels + c] = channel_sum;
    }
  }
  let means = sums / f32(max(4u * grp.n4, 1u));
  for (var j = sl; j < grp.n4; j += sg_size) {
    let dxhat = bx_dy[grp.base4 + j] * bx_gamma_at(grp.first_channel + j / grp.length4);
    let xhat = (bx_x[grp.base4 + j] - mean) * rstd;
    bx_dx[grp.base4 + j] = rstd * (dxhat - means.x - xhat * means.y);
  }
}
