// The namespace `render` of `posedyn/talking-head`: the talking-head renderer on a plain GPUDevice (see this
// folder's README), shared by the demo page and Node's offscreen video: the head mesh, per-vertex normals on the
// GPU, the renderer, the camera, head placement, and an offscreen frame read back as pixels.
export { HEAD_SHADER_WGSL, HeadRenderer } from './head-renderer.ts';
export type { HeadDraw, RenderTarget, Viewport } from './head-renderer.ts';
export { buildHeadMesh } from './mesh/head-mesh.ts';
export type { HeadMesh, HeadPart } from './mesh/head-mesh.ts';
export { VERTEX_NORMALS_WGSL, VertexNormals, vertexIncidence, vertexNormalsCpu } from './vertex-normals.ts';
export type { Incidence } from './vertex-normals.ts';
export { FIELD_OF_VIEW, lookAtCamera, videoCamera, videoCameraPose } from './camera.ts';
export type { Camera, CameraPose } from './camera.ts';
export {
  centimetresPerTranslationUnit, checkpointTranslationUnit, displayedPose, guessTranslationUnit, headMatrix, torsoMatrix,
} from './head-placement.ts';
export { OffscreenFrame } from './offscreen-frame.ts';
