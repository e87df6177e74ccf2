// Neck and shoulders below the head, so the head sits on a body the way a talking-head video shows it. Elliptic
// rings around a vertical axis behind the jaw; the top ring is inside the head (hidden), the neck's rings follow
// the head pose less and less downwards (head weight 1 -> 0, blended in the vertex shader) and the shoulders stay
// still. Fixed points ('nothing'): the body does not change with the face's coefficients.
import { type HeadMeshBuilder } from './head-mesh-builder.ts';
import type { HeadEllipsoid } from './shell.ts';
import { SHIRT, SKIN, mixSurface } from './surfaces.ts';

const SEGMENTS = 32;
/**
 * Rings from the top: height below the chin (in skull half-heights, negative above it), radii over the skull's
 * half width (x) and depth (z), head weight, and how much shirt.
 */
const RINGS = [
  { below: -0.75, x: 0.68, z: 0.56, head: 1, shirt: 0 },
  { below: 0.1, x: 0.66, z: 0.55, head: 0.85, shirt: 0 },
  { below: 0.38, x: 0.7, z: 0.58, head: 0.2, shirt: 0 },
  { below: 0.5, x: 1.05, z: 0.72, head: 0, shirt: 0.9 },
  { below: 0.68, x: 1.9, z: 0.95, head: 0, shirt: 1 },
  { below: 0.95, x: 2.45, z: 1.1, head: 0, shirt: 1 },
  { below: 2, x: 2.6, z: 1.15, head: 0, shirt: 1 },
] as const;
/** The neck's axis sits this far (in skull depths) in front of the skull's centre. */
const NECK_FORWARD = 0.2;

export function addNeckAndShoulders(builder: HeadMeshBuilder, head: HeadEllipsoid, chinY: number): void {
  const [a, b, c] = head.axes;
  const axisZ = head.centre[2] + NECK_FORWARD * c;
  const rings = RINGS.map((r) =>
    Array.from({ length: SEGMENTS }, (_, k) => {
      // counter-clockwise seen from above (+y), starting at the front
      const angle = (2 * Math.PI * k) / SEGMENTS;
      const p = [head.centre[0] + r.x * a * Math.sin(angle), chinY - r.below * b, axisZ + r.z * c * Math.cos(angle)] as const;
      return builder.add(p, [], 'nothing', mixSurface(SKIN, SHIRT, r.shirt), r.head);
    }),
  );
  for (let r = 0; r + 1 < rings.length; r++) builder.strip(rings[r]!, rings[r + 1]!, true);
}
