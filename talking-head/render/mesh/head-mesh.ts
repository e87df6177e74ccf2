// A head people recognise, built on a face model: the face's own vertices first (in its order: for a model on
// MediaPipe's mesh the 468 canonical vertices), then eyeballs, the inside of the mouth, the back of the head, and
// last the neck and shoulders. The result is again a linear 3DMM with the face's 80 + 64 coefficients
// (head-mesh-builder.ts), so the same GPU decode draws it and its expression basis is the glTF morph targets.
//
// The parts need MediaPipe's topology (they are placed from its landmarks). A model on another mesh (the user's
// BFM) gets the face alone: smooth shaded, without eyes, mouth or head.
import type { FaceModel } from '../../face/face-model.ts';
import { hasMediaPipeTopology } from '../../face/mediapipe-topology.ts';
import { centimetresPerModelUnit } from '../../face/model-units.ts';
import { addNeckAndShoulders } from './body.ts';
import { CHIN, INNER_LIPS, LEFT_EYE_CORNERS, LEFT_EYE_OPENING, RIGHT_EYE_CORNERS, RIGHT_EYE_OPENING, FACE_OVAL } from './contours.ts';
import { addEyeball } from './eyes.ts';
import { colourFace } from './face-surfaces.ts';
import { HeadMeshBuilder, type PartRange, type Vec3, ringAgainst } from './head-mesh-builder.ts';
import { addMouth } from './mouth.ts';
import { addHeadShell, headEllipsoid } from './shell.ts';
import { SKIN } from './surfaces.ts';

export type HeadPart = 'face' | 'eyes' | 'mouth' | 'shell' | 'body';

export interface HeadMesh {
  /** The extended model: same coefficients as the face model, more vertices, its own triangles. */
  readonly model: FaceModel;
  /** The face model it was built on. */
  readonly face: FaceModel;
  /** Shape `[V * 8]`: albedo (linear rgb), occlusion, specular, shininess, head weight, 0 (head-mesh-builder.ts) */
  readonly surface: Float32Array;
  /** Vertex ranges of the parts (absent parts have count 0); the body is last. */
  readonly parts: Readonly<Record<HeadPart, PartRange>>;
  /** Triangles that use no body vertex (everything that moves with the head: what glTF export writes). */
  readonly headTriangles: Uint32Array;
  /** Centimetres per model unit. */
  readonly cmPerUnit: number;
  /** What a talking-head video shows, in model units on the mean face: from the crown to the shoulders. */
  readonly framing: { readonly top: number; readonly bottom: number; readonly centre: Vec3 };
}

/** Triangles spanning a closed loop (all three corners on it): MediaPipe's fill of the eye and mouth openings. */
function fillsOf(loop: readonly number[], triangles: ArrayLike<number>): Set<number> {
  const on = new Set(loop);
  const fills = new Set<number>();
  for (let t = 0; t + 2 < triangles.length; t += 3) {
    if (on.has(triangles[t]!) && on.has(triangles[t + 1]!) && on.has(triangles[t + 2]!)) fills.add(t / 3);
  }
  return fills;
}

export function buildHeadMesh(face: FaceModel): HeadMesh {
  const cmPerUnit = centimetresPerModelUnit(face);
  const builder = new HeadMeshBuilder(face, SKIN);
  const range = (first: number): PartRange => ({ first, count: builder.vertexCount - first });
  const empty = { first: face.vertexCount, count: 0 };
  if (!hasMediaPipeTopology(face)) {
    for (let t = 0; t < face.triangles.length; t += 3) builder.triangle(face.triangles[t]!, face.triangles[t + 1]!, face.triangles[t + 2]!);
    const { model, surface } = builder.build(face.name);
    return {
      model, face, surface, cmPerUnit, headTriangles: model.triangles, framing: boundsFraming(face),
      parts: { face: { first: 0, count: face.vertexCount }, eyes: empty, mouth: empty, shell: empty, body: empty },
    };
  }

  const openings = [RIGHT_EYE_OPENING, LEFT_EYE_OPENING, INNER_LIPS].map((loop) => fillsOf(loop, face.triangles));
  const open = [...openings[0]!, ...openings[1]!, ...openings[2]!];
  const faceTriangles: number[] = [];
  for (let t = 0; t < face.triangles.length / 3; t++) {
    if (!open.includes(t)) faceTriangles.push(face.triangles[3 * t]!, face.triangles[3 * t + 1]!, face.triangles[3 * t + 2]!);
  }
  for (let t = 0; t < faceTriangles.length; t += 3) builder.triangle(faceTriangles[t]!, faceTriangles[t + 1]!, faceTriangles[t + 2]!);
  colourFace(builder, faceTriangles);

  const eyesFirst = builder.vertexCount;
  addEyeball(builder, RIGHT_EYE_OPENING, RIGHT_EYE_CORNERS);
  addEyeball(builder, LEFT_EYE_OPENING, LEFT_EYE_CORNERS);
  const eyes = range(eyesFirst);
  const mouthFirst = builder.vertexCount;
  addMouth(builder, ringAgainst(INNER_LIPS, faceTriangles), 1 / cmPerUnit);
  const mouth = range(mouthFirst);
  const shellFirst = builder.vertexCount;
  const head = headEllipsoid(builder);
  addHeadShell(builder, ringAgainst(FACE_OVAL, faceTriangles), head);
  const shell = range(shellFirst);
  const headTriangleCount = builder.triangleIndexCount;
  const bodyFirst = builder.vertexCount;
  const chinY = builder.position(CHIN)[1];
  addNeckAndShoulders(builder, head, chinY);
  const body = range(bodyFirst);

  const { model, surface } = builder.build(`${face.name}+head`);
  const crown = head.centre[1] + head.axes[1];
  return {
    model, face, surface, cmPerUnit,
    parts: { face: { first: 0, count: face.vertexCount }, eyes, mouth, shell, body },
    headTriangles: model.triangles.slice(0, headTriangleCount),
    // Crown with a margin above, down to the top of the shoulders: the crop of a talking-head video.
    framing: { top: crown + 0.18 * head.axes[1], bottom: chinY - 0.75 * head.axes[1], centre: [head.centre[0], 0, head.centre[2]] },
  };
}

/** The face's bounding box as the framing (models without MediaPipe's topology). */
function boundsFraming(face: FaceModel): HeadMesh['framing'] {
  let top = -Infinity;
  let bottom = Infinity;
  const centre = [0, 0, 0];
  for (let v = 0; v < face.vertexCount; v++) {
    top = Math.max(top, face.mean[3 * v + 1]!);
    bottom = Math.min(bottom, face.mean[3 * v + 1]!);
    for (let c = 0; c < 3; c++) centre[c]! += face.mean[3 * v + c]! / face.vertexCount;
  }
  const margin = 0.15 * (top - bottom);
  return { top: top + margin, bottom: bottom - margin, centre: [centre[0]!, centre[1]!, centre[2]!] };
}
