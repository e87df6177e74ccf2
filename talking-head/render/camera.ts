// The camera of a talking-head video: straight in front of the face, level, aimed at the middle of the head mesh's
// framing (crown to the top of the shoulders, render/mesh/head-mesh.ts), with a portrait lens's narrow field of view
// and far enough back that the framing fills the frame's height. World units are cm (head-placement.ts). Projection maps depth to [0, 1]
// (WebGPU's clip space).
import { mat4 } from 'gl-matrix';
import type { HeadMesh } from './mesh/head-mesh.ts';

/** Vertical field of view: a portrait lens (about 85 mm on a full-frame camera). */
export const FIELD_OF_VIEW = (20 * Math.PI) / 180;

export interface Camera {
  readonly viewProjection: Float32Array;
  readonly eye: Float32Array;
}

export interface CameraPose {
  readonly target: readonly [number, number, number];
  readonly distance: number;
}

/** Where the video camera looks from, in world cm: at the framing's centre, its whole height in view. */
export function videoCameraPose(mesh: HeadMesh): CameraPose {
  const { top, bottom, centre } = mesh.framing;
  const cm = mesh.cmPerUnit;
  const distance = ((top - bottom) * cm) / 2 / Math.tan(FIELD_OF_VIEW / 2);
  return { target: [centre[0] * cm, ((top + bottom) / 2) * cm, centre[2] * cm], distance };
}

/** A camera at `eye` looking at `target` (y up). */
export function lookAtCamera(eye: readonly [number, number, number], target: readonly [number, number, number], aspect: number, fieldOfView = FIELD_OF_VIEW): Camera {
  const distance = Math.hypot(eye[0] - target[0], eye[1] - target[1], eye[2] - target[2]);
  const view = mat4.lookAt(mat4.create(), eye as [number, number, number], target as [number, number, number], [0, 1, 0]);
  const projection = mat4.perspectiveZO(mat4.create(), fieldOfView, aspect, Math.max(1, distance / 20), distance * 4);
  return { viewProjection: new Float32Array(mat4.multiply(mat4.create(), projection, view)), eye: Float32Array.from(eye) };
}

/** The video camera for a frame of aspect width / height. */
export function videoCamera(mesh: HeadMesh, aspect: number): Camera {
  const { target, distance } = videoCameraPose(mesh);
  return lookAtCamera([target[0], target[1], target[2] + distance], target, aspect);
}
