// MediaPipe's canonical face mesh (Apache-2.0, see mediapipe-mesh/NOTICE): 468 vertices in centimetres, y up,
// the face looking toward +z, 898 counter-clockwise triangles. Extracted from @mediapipe/face_mesh by
// mediapipe-mesh/extract.mjs.
import mesh from './mediapipe-mesh/canonical-face-mesh.json';

export interface CanonicalFaceMesh {
  readonly vertexCount: number;
  /** [V * 3] in cm */
  readonly positions: Float32Array;
  /** [V * 2] MediaPipe's texture coordinates */
  readonly uvs: Float32Array;
  /** [F * 3], 0-based */
  readonly triangles: Uint32Array;
}

/** A fresh copy of the mesh (callers may modify it). */
export function canonicalFaceMesh(): CanonicalFaceMesh {
  return {
    vertexCount: mesh.vertexCount,
    positions: Float32Array.from(mesh.positions),
    uvs: Float32Array.from(mesh.uvs),
    triangles: Uint32Array.from(mesh.triangles),
  };
}

/**
 * MediaPipe landmark indices of named points (also the indices of the face-mesh solution's 468 landmarks).
 * Right and left are the subject's: their right eye has x < 0.
 */
export const LANDMARK = {
  noseTip: 1,
  chin: 152,
  foreheadTop: 10,
  upperLipInner: 13,
  lowerLipInner: 14,
  mouthCornerRight: 61,
  mouthCornerLeft: 291,
  eyeOuterRight: 33,
  eyeInnerRight: 133,
  upperLidRight: 159,
  lowerLidRight: 145,
  eyeOuterLeft: 263,
  eyeInnerLeft: 362,
  upperLidLeft: 386,
  lowerLidLeft: 374,
  browRight: 105,
  browLeft: 334,
  browInnerRight: 107,
  browInnerLeft: 336,
  cheekRight: 205,
  cheekLeft: 425,
} as const;
