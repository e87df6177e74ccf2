// The inside of the mouth: a dark cavity behind the lips and two rows of teeth, so that an open mouth reads as
// open. MediaPipe's mesh closes the mouth with triangles between the inner lip lines; the head mesh drops those
// (head-mesh.ts) and hangs this cavity on the inner lip ring instead.
//
// Cavity: rings behind the inner lip ring, each ring_j = (1 - s_j) * lip ring + s_j * its centre - d_j * z, ending
// in a point at the back. A ring vertex is attached to its lip vertex with weight 1 - s_j and to the ring's centre
// (all 20 lip vertices) with weight s_j: exactly the same linear mix, so the cavity opens with the lips.
// Teeth: a strip behind the upper inner lip, fixed to the skull (it follows the face's identity, not its
// expression), and one behind the lower lip that moves with it (the jaw).
import { INNER_LIPS, INNER_UPPER_LIP } from './contours.ts';
import { type Anchor, type HeadMeshBuilder, type Vec3 } from './head-mesh-builder.ts';
import { MOUTH, TEETH, THROAT, mixSurface } from './surfaces.ts';
import { add, centroid, lerp } from './vec3.ts';

/** (s_j, d_j in cm, how dark) of the cavity's rings: toward the centre, depth behind the lips, mix toward THROAT. */
const CAVITY_RINGS = [
  { toCentre: 0, depth: 0.5, dark: 0 },
  { toCentre: 0.2, depth: 1.3, dark: 0.45 },
  { toCentre: 0.55, depth: 2.1, dark: 0.85 },
] as const;
const CAVITY_BACK_DEPTH = 2.6;

/** Teeth rows: offset (cm) from the lip vertex (y up, z toward the camera), for the upper and the lower row. */
const UPPER_TEETH = { edge: [0, -0.12, -0.3], root: [0, 0.45, -0.5] } as const;
const LOWER_TEETH = { edge: [0, 0.1, -0.35], root: [0, -0.45, -0.5] } as const;
/** Lip vertices at each end of a lip line that get no tooth (the corners curve back into the cheeks). */
const TEETH_SKIP_CORNERS = 1;

/** `ring` is INNER_LIPS in the order a strip must run along it (ringAgainst); `cm` = model units per centimetre. */
export function addMouth(builder: HeadMeshBuilder, ring: readonly number[], cm: number): void {
  const lips = ring.map((v) => builder.position(v));
  const centre = centroid(lips);
  const centreAnchors: Anchor[] = ring.map((vertex) => ({ vertex, weight: 1 / ring.length }));
  let previous = [...ring];
  for (const { toCentre, depth, dark } of CAVITY_RINGS) {
    const surface = mixSurface(MOUTH, THROAT, dark);
    const next = ring.map((vertex, k) => {
      const base = add(lerp(lips[k]!, centre, toCentre), [0, 0, -depth * cm]);
      const anchors = [{ vertex, weight: 1 - toCentre }, ...centreAnchors.map((a) => ({ vertex: a.vertex, weight: a.weight * toCentre }))];
      return builder.add(base, anchors, 'face', surface);
    });
    builder.strip(previous, next, true);
    previous = next;
  }
  const back = builder.add(add(centre, [0, 0, -CAVITY_BACK_DEPTH * cm]), centreAnchors, 'face', THROAT);
  builder.fan(previous, back);

  const upper = INNER_LIPS.slice(TEETH_SKIP_CORNERS, INNER_UPPER_LIP - TEETH_SKIP_CORNERS);
  const lower = [INNER_LIPS[INNER_UPPER_LIP - 1]!, ...INNER_LIPS.slice(INNER_UPPER_LIP), INNER_LIPS[0]!].slice(TEETH_SKIP_CORNERS, -TEETH_SKIP_CORNERS);
  addTeethRow(builder, upper, UPPER_TEETH, 'identity', cm);
  addTeethRow(builder, lower, LOWER_TEETH, 'face', cm);
}

function addTeethRow(builder: HeadMeshBuilder, lipLine: readonly number[], row: { edge: Vec3; root: Vec3 }, follows: 'face' | 'identity', cm: number): void {
  const vertices = (offset: Vec3) => lipLine.map((vertex) => {
    const p = builder.position(vertex);
    return builder.add(add(p, [offset[0] * cm, offset[1] * cm, offset[2] * cm]), [{ vertex, weight: 1 }], follows, TEETH);
  });
  builder.strip(vertices(row.edge), vertices(row.root), false);
}
