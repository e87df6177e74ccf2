// Whether a face model is built on MediaPipe's canonical face mesh: its first 468 vertices are the canonical
// mesh's in their order (so landmark indices such as 13 and 14, the inner lips, mean the same) and its first
// triangles are the canonical ones. The procedural model is; the user's BFM is not.
import { canonicalFaceMesh } from './canonical-mesh.ts';
import type { FaceModel } from './face-model.ts';

const known = new WeakMap<FaceModel, boolean>();

export function hasMediaPipeTopology(model: FaceModel): boolean {
  let found = known.get(model);
  if (found === undefined) {
    // Read on first use, not at import: importing a module runs nothing (package.json's sideEffects).
    const canonicalTriangles = canonicalFaceMesh().triangles;
    found = model.triangles.length >= canonicalTriangles.length && canonicalTriangles.every((v, i) => model.triangles[i] === v);
    known.set(model, found);
  }
  return found;
}
