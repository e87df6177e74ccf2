// The head: vertices decoded from the 3DMM on the GPU (talking-head/face/decode.ts, [frames, V * 3] f32) read straight
// from that storage buffer, the frame chosen by an offset; flat Lambert shading, the face normal from the
// screen-space derivatives of the world position (so no normals are stored), turned toward the camera.

struct Scene {
  viewProjection: mat4x4f,
  model: mat4x4f,
  // camera position, world (w unused)
  eye: vec4f,
  // unit direction toward the light, world (w unused)
  light: vec4f,
  // x: index in `vertices` of the frame's first value (frame * V * 3)
  frame: vec4u,
}

@group(0) @binding(0) var<uniform> scene: Scene;
@group(0) @binding(1) var<storage, read> vertices: array<f32>;

struct VertexOut {
  @builtin(position) clip: vec4f,
  @location(0) world: vec3f,
}

@vertex
fn vertexMain(@builtin(vertex_index) v: u32) -> VertexOut {
  let at = scene.frame.x + 3u * v;
  let world = scene.model * vec4f(vertices[at], vertices[at + 1u], vertices[at + 2u], 1.0);
  return VertexOut(scene.viewProjection * world, world.xyz);
}

@fragment
fn fragmentMain(in: VertexOut) -> @location(0) vec4f {
  var n = normalize(cross(dpdx(in.world), dpdy(in.world)));
  if (dot(n, scene.eye.xyz - in.world) < 0.0) {
    n = -n;
  }
  let lambert = max(dot(n, scene.light.xyz), 0.0);
  let albedo = vec3f(0.87, 0.72, 0.62);
  return vec4f(albedo * (0.22 + 0.78 * lambert), 1.0);
}
