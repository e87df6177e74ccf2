// Colours on the face itself: the lips (every vertex between the inner and the outer lip line, found by walking
// the mesh from the inner line without crossing the outer one), the brows, and a little occlusion in the eye
// sockets' margins.
import { INNER_LIPS, LEFT_EYEBROW, LEFT_EYE_OPENING, OUTER_LIPS, RIGHT_EYEBROW, RIGHT_EYE_OPENING } from './contours.ts';
import type { HeadMeshBuilder } from './head-mesh-builder.ts';
import { BROW, LIPS, SKIN, mixSurface } from './surfaces.ts';

/** How much of the lip colour the outer lip line gets (it is the lips' edge: half lip, half skin). */
const LIP_EDGE = 0.55;
const BROW_AMOUNT = 0.65;
const EYE_MARGIN_OCCLUSION = 0.8;

export function colourFace(builder: HeadMeshBuilder, faceTriangles: ArrayLike<number>): void {
  for (const v of lipVertices(faceTriangles)) builder.setSurface(v, LIPS);
  for (const v of OUTER_LIPS) builder.setSurface(v, mixSurface(SKIN, LIPS, LIP_EDGE));
  for (const v of [...RIGHT_EYEBROW, ...LEFT_EYEBROW]) builder.setSurface(v, mixSurface(SKIN, BROW, BROW_AMOUNT));
  for (const v of [...RIGHT_EYE_OPENING, ...LEFT_EYE_OPENING]) builder.setSurface(v, { ...SKIN, occlusion: EYE_MARGIN_OCCLUSION });
}

/** Vertices reachable from the inner lip line without stepping over the outer one (the outer line excluded). */
function lipVertices(triangles: ArrayLike<number>): Set<number> {
  const neighbours = new Map<number, Set<number>>();
  const link = (a: number, b: number) => (neighbours.get(a) ?? neighbours.set(a, new Set()).get(a)!).add(b);
  for (let t = 0; t + 2 < triangles.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      link(triangles[t + e]!, triangles[t + ((e + 1) % 3)]!);
      link(triangles[t + ((e + 1) % 3)]!, triangles[t + e]!);
    }
  }
  const outer = new Set<number>(OUTER_LIPS);
  const found = new Set<number>(INNER_LIPS);
  const queue = [...INNER_LIPS] as number[];
  while (queue.length > 0) {
    for (const n of neighbours.get(queue.pop()!) ?? []) {
      if (outer.has(n) || found.has(n)) continue;
      found.add(n);
      queue.push(n);
    }
  }
  return found;
}
