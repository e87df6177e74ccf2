// Per-vertex normals of one frame of a triangle mesh, for smooth shading: the area-weighted sum of the normals of
// the triangles around each vertex,
//
//   n_v = normalize( sum_{t incident to v} (p_b - p_a) x (p_c - p_a) )      t = (a, b, c), counter-clockwise
//
// (the cross product's length is twice the triangle's area, so large triangles count more). One thread a vertex,
// reading its triangles from a CSR list (incidence[offsets[v] .. offsets[v + 1]]), so no atomics and the sum's order
// is fixed. A vertex whose triangles have no area (or that has none) gets the zero vector.
//
// positions [frames, V * 3] f32 (the decoded faces, talking-head/face/decode.ts); the frame starts at params.first.
// normals [V] vec4 (w = 0), the layout the head shader reads.

const WG: u32 = 64u;

struct Params { vertices: u32, first: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> positions: array<f32>;
@group(0) @binding(2) var<storage, read> triangles: array<u32>;
@group(0) @binding(3) var<storage, read> offsets: array<u32>;
@group(0) @binding(4) var<storage, read> incidence: array<u32>;
@group(0) @binding(5) var<storage, read_write> normals: array<vec4f>;

fn position(v: u32) -> vec3f {
  let at = params.first + 3u * v;
  return vec3f(positions[at], positions[at + 1u], positions[at + 2u]);
}

@compute @workgroup_size(WG)
fn vertexNormals(@builtin(global_invocation_id) id: vec3u) {
  let v = id.x;
  if (v >= params.vertices) { return; }
  var sum = vec3f(0.0);
  for (var i = offsets[v]; i < offsets[v + 1u]; i++) {
    let t = 3u * incidence[i];
    let a = position(triangles[t]);
    sum += cross(position(triangles[t + 1u]) - a, position(triangles[t + 2u]) - a);
  }
  let len = length(sum);
  normals[v] = select(vec4f(0.0), vec4f(sum / len, 0.0), len > 1e-20);
}
