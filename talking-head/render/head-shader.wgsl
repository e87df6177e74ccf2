// The talking head, one frame: vertices decoded from the 3DMM on the GPU (talking-head/face/decode.ts,
// [frames, V * 3] f32) and normals from vertex-normals.wgsl, read straight from their storage buffers; per-vertex
// surfaces (albedo, occlusion, highlight, head weight: render/mesh/head-mesh-builder.ts) from a third.
//
// Placement: world = mix(torso * p, head * p, w), w the vertex's head weight (1 on the head, 0 on the shoulders, in
// between down the neck): linear blend skinning with two bones. World units are centimetres; x right, y up, z toward
// the camera.
//
// Shading, in linear light, then an ACES-like tone curve and sRGB encoding (the targets are plain unorm):
//   key light above right in front, a cooler fill from the left, a rim light from behind above (it separates the
//   head from the background), and a sky/ground hemisphere ambient; wrapped diffuse (light bleeds a little past the
//   terminator, as it does through skin) and a Blinn-Phong highlight. Occlusion darkens ambient and direct light
//   alike, which is what makes the inside of the mouth dark. Faces are lit from whichever side faces the camera.
//
// The background: a full-screen triangle with a soft vignette around the chosen colour.

struct Scene {
  viewProjection: mat4x4f,
  head: mat4x4f,
  torso: mat4x4f,
  // camera position, world (w unused)
  eye: vec4f,
  // x: index in `positions` of the frame's first value (frame * V * 3)
  frame: vec4u,
}

@group(0) @binding(0) var<uniform> scene: Scene;
@group(0) @binding(1) var<storage, read> positions: array<f32>;
@group(0) @binding(2) var<storage, read> normals: array<vec4f>;
@group(0) @binding(3) var<storage, read> surfaces: array<vec4f>;

struct VertexOut {
  @builtin(position) clip: vec4f,
  @location(0) world: vec3f,
  @location(1) normal: vec3f,
  // albedo (linear), occlusion
  @location(2) albedo: vec4f,
  // specular strength, shininess
  @location(3) highlight: vec2f,
}

@vertex
fn vertexMain(@builtin(vertex_index) v: u32) -> VertexOut {
  let at = scene.frame.x + 3u * v;
  let p = vec4f(positions[at], positions[at + 1u], positions[at + 2u], 1.0);
  let albedo = surfaces[2u * v];
  let rest = surfaces[2u * v + 1u];
  let w = rest.z;
  let world = mix(scene.torso * p, scene.head * p, w);
  let n = normals[v].xyz;
  let headNormal = (scene.head * vec4f(n, 0.0)).xyz;
  let torsoNormal = (scene.torso * vec4f(n, 0.0)).xyz;
  var out: VertexOut;
  out.clip = scene.viewProjection * world;
  out.world = world.xyz;
  out.normal = mix(torsoNormal, headNormal, w);
  out.albedo = albedo;
  out.highlight = rest.xy;
  return out;
}

const PI = 3.14159265;
const WRAP = 0.3;

struct Light { toward: vec3f, colour: vec3f }

fn lights() -> array<Light, 3> {
  return array<Light, 3>(
    Light(normalize(vec3f(0.62, 0.5, 0.6)), vec3f(1.0, 0.95, 0.88) * 1.25),
    Light(normalize(vec3f(-0.75, 0.05, 0.6)), vec3f(0.55, 0.62, 0.78) * 0.35),
    Light(normalize(vec3f(-0.1, 0.55, -0.85)), vec3f(1.0, 0.98, 0.95) * 0.9),
  );
}

fn toneMap(x: vec3f) -> vec3f {
  // Narkowicz's fit of the ACES filmic curve
  return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), vec3f(0.0), vec3f(1.0));
}

fn encodeSrgb(c: vec3f) -> vec3f {
  return select(1.055 * pow(c, vec3f(1.0 / 2.4)) - 0.055, 12.92 * c, c <= vec3f(0.0031308));
}

fn decodeSrgb(c: vec3f) -> vec3f {
  return select(pow((c + 0.055) / 1.055, vec3f(2.4)), c / 12.92, c <= vec3f(0.04045));
}

@fragment
fn fragmentMain(in: VertexOut) -> @location(0) vec4f {
  let toEye = normalize(scene.eye.xyz - in.world);
  var n = in.normal;
  let len = length(n);
  n = select(toEye, n / len, len > 1e-8);
  if (dot(n, toEye) < 0.0) {
    n = -n;
  }
  let albedo = in.albedo.rgb;
  let occlusion = in.albedo.a;
  let sky = mix(vec3f(0.1, 0.08, 0.07), vec3f(0.22, 0.24, 0.29), 0.5 + 0.5 * n.y);
  var diffuse = sky * occlusion;
  var specular = vec3f(0.0);
  let ls = lights();
  for (var i = 0u; i < 3u; i++) {
    let l = ls[i];
    let facing = dot(n, l.toward);
    diffuse += l.colour * max((facing + WRAP) / (1.0 + WRAP), 0.0) * occlusion;
    let h = normalize(l.toward + toEye);
    let shininess = in.highlight.y;
    specular += l.colour * in.highlight.x * pow(max(dot(n, h), 0.0), shininess) * ((shininess + 8.0) / (8.0 * PI)) * max(facing, 0.0) * occlusion;
  }
  return vec4f(encodeSrgb(toneMap(albedo * diffuse + specular)), 1.0);
}

// ---- background

struct Background {
  // sRGB, 0-1
  colour: vec4f,
}

@group(0) @binding(0) var<uniform> background: Background;

struct BackgroundOut {
  @builtin(position) clip: vec4f,
  @location(0) uv: vec2f,
}

@vertex
fn backgroundVertex(@builtin(vertex_index) v: u32) -> BackgroundOut {
  let uv = vec2f(f32((v << 1u) & 2u), f32(v & 2u)) * 2.0 - 1.0;
  return BackgroundOut(vec4f(uv, 1.0, 1.0), uv);
}

@fragment
fn backgroundFragment(in: BackgroundOut) -> @location(0) vec4f {
  let base = decodeSrgb(background.colour.rgb);
  let r = length(in.uv * vec2f(0.85, 1.0) - vec2f(0.0, 0.15));
  let light = mix(1.35, 0.7, smoothstep(0.0, 1.4, r));
  return vec4f(encodeSrgb(clamp(base * light, vec3f(0.0), vec3f(1.0))), 1.0);
}
