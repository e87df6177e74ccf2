// Counts the values of x that are not finite and adds the count to one slot of a counter array:
//
//   counts[slot] += #{ i < n : x[i] is NaN, +Inf or -Inf }
//
// A float32 is not finite exactly when its 8 exponent bits are all ones, so x is read as raw u32 bits and the
// test is `(bits & 0x7f800000) == 0x7f800000`: no floating-point comparison that a compiler could fold away
// (`v != v` may be assumed false under fast-math rules).
//
// count_non_finite: each thread tests ITEMS values strided by the workgroup width (lanes read neighbouring
//                   words) and adds its own count with one atomic only when it is not zero. Finite data, the
//                   common case, costs one read a value and no atomic, barrier or workgroup memory.
// clear:            counts[slot .. slot + n) = 0, so the counters can be reset inside the recorded command
//                   stream (a queue write would have to wait for the submit before it).

const WG: u32 = 256u;
const ITEMS: u32 = 8u;
const EXPONENT: u32 = 0x7f800000u;

struct Params { n: u32, slot: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(WG)
fn count_non_finite(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let base = (wg.y * nwg.x + wg.x) * WG * ITEMS + lane;
  var found = 0u;
  for (var k = 0u; k < ITEMS; k++) {
    let i = base + k * WG;
    if (i < params.n && (x[i] & EXPONENT) == EXPONENT) { found += 1u; }
  }
  if (found > 0u) { atomicAdd(&counts[params.slot], found); }
}

@group(0) @binding(1) var<storage, read_write> cleared: array<u32>;

@compute @workgroup_size(WG)
fn clear(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let index = (wg.y * nwg.x + wg.x) * WG + lane;
  if (index < params.n) { cleared[params.slot + index] = 0u; }
}
