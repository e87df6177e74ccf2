// Sums along one axis. The input is viewed as [outer, axis, inner] (row-major), the output as [outer, inner]:
//
//   out[o, i] = scale * sum_{a < axis} x[o, a, i]
//
// sum_strided: one thread an output, looping over the axis (reads are coalesced across threads along inner).
// sum_rows:    inner == 1 and a long axis: a workgroup an output row, each thread summing a strided slice
//              in a private accumulator, then a tree over the workgroup. Used for sums over everything.
// scale is 1 for sums and 1/axis for means.

const WG: u32 = 256u;

struct Params { outer: u32, axis: u32, inner: u32, scale: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn sum_strided(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  if (index >= params.outer * params.inner) { return; }
  let o = index / params.inner;
  let i = index % params.inner;
  var base = o * params.axis * params.inner + i;
  var total = 0.0;
  for (var a = 0u; a < params.axis; a++) {
    total += x[base];
    base += params.inner;
  }
  out[index] = total * params.scale;
}

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn sum_rows(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let row = wg.y * nwg.x + wg.x;
  // Every thread of the workgroup reaches the barriers below, so the row bound is applied to the reads only.
  let live = row < params.outer;
  let base = row * params.axis;
  var total = 0.0;
  if (live) {
    for (var a = lane; a < params.axis; a += WG) { total += x[base + a]; }
  }
  partial[lane] = total;
  workgroupBarrier();
  for (var width = WG / 2u; width > 0u; width /= 2u) {
    if (lane < width) { partial[lane] += partial[lane + width]; }
    workgroupBarrier();
  }
  if (live && lane == 0u) { out[row] = partial[0] * params.scale; }
}
