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

// Chunked sums, for few outputs over a long axis (the bias gradient of matmul.linear: [1, 16384, 128] over 16384
// rows; a loss: [1, n, 1]). sum_strided and sum_rows then run one or a few workgroups, which a CPU adapter runs
// on one core, each lane loading one float at a time. Here the axis is cut into chunks of `chunk` values:
//
//   partial[o, c, i] = sum_{a in [c * chunk, min((c + 1) * chunk, axis))} x[o, a, i]
//
// one thread a (o, c, i) (or, in the vec4 entries, a (o, c, 4 i..4 i + 3) or a (o, c) of a contiguous row),
// and the launcher sums `partial` over c the same way until few values are left (core/kernels/reduce.ts).
// sum_chunks:          any shape, one float a load.
// sum_chunks_vec4:     inner % 4 == 0: a thread sums 4 neighbouring columns with vec4 loads.
// sum_row_chunks_vec4: inner == 1, axis and chunk multiples of 4: a thread sums its chunk of a row with vec4 loads.

struct ChunkParams { outer: u32, axis: u32, inner: u32, chunk: u32, chunks: u32 }

@group(0) @binding(0) var<uniform> chunk_params: ChunkParams;
@group(0) @binding(1) var<storage, read> chunk_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> chunk_out: array<f32>;
@group(0) @binding(1) var<storage, read> chunk_x4: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> chunk_out4: array<vec4f>;

@compute @workgroup_size(WG)
fn sum_chunks(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = chunk_params;
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  if (index >= p.outer * p.chunks * p.inner) { return; }
  let i = index % p.inner;
  let c = (index / p.inner) % p.chunks;
  let o = index / (p.inner * p.chunks);
  let start = c * p.chunk;
  let end = min(start + p.chunk, p.axis);
  var at = (o * p.axis + start) * p.inner + i;
  var total = 0.0;
  for (var a = start; a < end; a++) {
    total += chunk_x[at];
    at += p.inner;
  }
  chunk_out[index] = total;
}

@compute @workgroup_size(WG)
fn sum_chunks_vec4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = chunk_params;
  let inner4 = p.inner / 4u;
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  if (index >= p.outer * p.chunks * inner4) { return; }
  let i = index % inner4;
  let c = (index / inner4) % p.chunks;
  let o = index / (inner4 * p.chunks);
  let start = c * p.chunk;
  let end = min(start + p.chunk, p.axis);
  var at = (o * p.axis + start) * inner4 + i;
  var total = vec4f(0.0);
  for (var a = start; a < end; a++) {
    total += chunk_x4[at];
    at += inner4;
  }
  chunk_out4[index] = total;
}

@compute @workgroup_size(WG)
fn sum_row_chunks_vec4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let p = chunk_params;
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  if (index >= p.outer * p.chunks) { return; }
  let c = index % p.chunks;
  let o = index / p.chunks;
  let start = (o * p.axis + c * p.chunk) / 4u;
  let end = (o * p.axis + min((c + 1u) * p.chunk, p.axis)) / 4u;
  // Two accumulators: two loads in flight instead of one chain of dependent adds.
  var even = vec4f(0.0);
  var odd = vec4f(0.0);
  var q = start;
  for (; q + 1u < end; q += 2u) {
    even += chunk_x4[q];
    odd += chunk_x4[q + 1u];
  }
  if (q < end) { even += chunk_x4[q]; }
  let total = even + odd;
  chunk_out[index] = (total.x + total.y) + (total.z + total.w);
}
