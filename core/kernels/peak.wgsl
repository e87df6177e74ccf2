// Peak-measuring kernels for benchmarks/peak.ts: what the adapter can do at best, to divide real kernels by.
//
// fma_chains: each thread runs ACCUMULATORS (4) independent vec4 chains a = fma(a, b, c), UNROLL (4) links of
//   each chain an iteration, for params.iterations iterations. Independent chains hide the FMA latency; b and
//   c come from the uniform so the compiler cannot fold the chain, and b < 1 keeps it bounded (it converges to
//   c / (1 - b)). The sum of the chains is stored so no chain is dead code. Flops a thread, counted exactly:
//     iterations * UNROLL * ACCUMULATORS * 4 lanes * 2  +  (ACCUMULATORS - 1) * 4 for the final sum.
//
// copy_vec4: dst = src, each thread copying 4 contiguous vec4s (the best layout found on lavapipe, where every
//   storage access at a per-lane address is a scalar loop over the SIMD lanes, so wide accesses pay off).

const FMA_WG: u32 = 64u;
const COPY_WG: u32 = 256u;
const VEC4_PER_THREAD: u32 = 4u;

struct FmaParams { iterations: u32, b: f32, c: f32 }

@group(0) @binding(0) var<uniform> fma_params: FmaParams;
@group(0) @binding(1) var<storage, read_write> fma_sink: array<vec4f>;

@compute @workgroup_size(FMA_WG)
fn fma_chains(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let thread = (wg.y * nwg.x + wg.x) * FMA_WG + lane;
  let b = vec4f(fma_params.b);
  let c = vec4f(fma_params.c);
  let start = f32(thread % 1024u) * 1e-3;
  var a0 = vec4f(start, start + 0.1, start + 0.2, start + 0.3);
  var a1 = a0 + 1.0;
  var a2 = a0 + 2.0;
  var a3 = a0 + 3.0;
  for (var k = 0u; k < fma_params.iterations; k++) {
    a0 = fma(a0, b, c); a1 = fma(a1, b, c); a2 = fma(a2, b, c); a3 = fma(a3, b, c);
    a0 = fma(a0, b, c); a1 = fma(a1, b, c); a2 = fma(a2, b, c); a3 = fma(a3, b, c);
    a0 = fma(a0, b, c); a1 = fma(a1, b, c); a2 = fma(a2, b, c); a3 = fma(a3, b, c);
    a0 = fma(a0, b, c); a1 = fma(a1, b, c); a2 = fma(a2, b, c); a3 = fma(a3, b, c);
  }
  // gridFor may launch a few workgroups more than asked for: those compute but store nothing.
  if (thread < arrayLength(&fma_sink)) { fma_sink[thread] = a0 + a1 + a2 + a3; }
}

struct CopyParams { vec4s: u32 }

@group(0) @binding(0) var<uniform> copy_params: CopyParams;
@group(0) @binding(1) var<storage, read> copy_src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> copy_dst: array<vec4f>;

@compute @workgroup_size(COPY_WG)
fn copy_vec4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32, @builtin(num_workgroups) nwg: vec3u) {
  let first = ((wg.y * nwg.x + wg.x) * COPY_WG + lane) * VEC4_PER_THREAD;
  if (first + VEC4_PER_THREAD <= copy_params.vec4s) {
    copy_dst[first] = copy_src[first];
    copy_dst[first + 1u] = copy_src[first + 1u];
    copy_dst[first + 2u] = copy_src[first + 2u];
    copy_dst[first + 3u] = copy_src[first + 3u];
    return;
  }
  for (var q = first; q < copy_params.vec4s; q++) { copy_dst[q] = copy_src[q]; }
}
