// Eyeballs: a sphere behind each eye opening, sized from the eye's width and placed from its landmarks, with a
// pupil and iris around its front pole (gaze straight ahead, +z). It moves with the eye corners (rigidly), so the
// eyelids slide over it: when the upper lid closes onto the lower one (a blink), the opening closes over the ball.
import { type HeadMeshBuilder, type Surface, type Vec3 } from './head-mesh-builder.ts';
import { IRIS, PUPIL, SCLERA, mixSurface } from './surfaces.ts';
import { add, centroid, length, sub } from './vec3.ts';

/** Eyeball radius over half the eye's corner-to-corner width (an adult eyeball is ~1.2 cm, the opening ~3 cm). */
const RADIUS_OVER_HALF_WIDTH = 0.95;
/** How far the front of the ball sits behind the centre of the eye opening, in ball radii. */
const FRONT_BEHIND_OPENING = 0.06;
const SEGMENTS = 24;
/** Polar angles (rad) of the rings from the front pole; pupil, iris and sclera meet at the doubled rings. */
const RINGS: readonly { angle: number; surface: Surface }[] = [
  { angle: 0.13, surface: PUPIL },
  { angle: 0.16, surface: IRIS },
  { angle: 0.36, surface: IRIS },
  { angle: 0.40, surface: mixSurface(IRIS, SCLERA, 0.6) },
  { angle: 0.46, surface: SCLERA },
  { angle: 0.75, surface: SCLERA },
  { angle: 1.1, surface: SCLERA },
  { angle: 1.5, surface: SCLERA },
  { angle: 2.0, surface: SCLERA },
  { angle: 2.6, surface: SCLERA },
];

export function addEyeball(builder: HeadMeshBuilder, opening: readonly number[], corners: readonly [number, number]): void {
  const ring = opening.map((v) => builder.position(v));
  const middle = centroid(ring);
  const radius = (RADIUS_OVER_HALF_WIDTH * length(sub(builder.position(corners[0]), builder.position(corners[1])))) / 2;
  const centre: Vec3 = [middle[0], middle[1], middle[2] - radius * (1 + FRONT_BEHIND_OPENING)];
  const anchors = corners.map((vertex) => ({ vertex, weight: 1 / corners.length }));
  const at = (polar: number, azimuth: number): Vec3 =>
    add(centre, [radius * Math.sin(polar) * Math.cos(azimuth), radius * Math.sin(polar) * Math.sin(azimuth), radius * Math.cos(polar)]);

  const front = builder.add(at(0, 0), anchors, 'face', PUPIL);
  const rings = RINGS.map(({ angle, surface }) =>
    Array.from({ length: SEGMENTS }, (_, k) => builder.add(at(angle, (2 * Math.PI * k) / SEGMENTS), anchors, 'face', surface)),
  );
  const back = builder.add(at(Math.PI, 0), anchors, 'face', SCLERA);
  // Outward winding: around the front pole the rings run counter-clockwise seen from the front (+z).
  for (let k = 0; k < SEGMENTS; k++) builder.triangle(front, rings[0]![k]!, rings[0]![(k + 1) % SEGMENTS]!);
  for (let r = 0; r + 1 < rings.length; r++) {
    const inner = rings[r]!;
    const outer = rings[r + 1]!;
    for (let k = 0; k < SEGMENTS; k++) {
      const k1 = (k + 1) % SEGMENTS;
      builder.triangle(inner[k]!, outer[k]!, outer[k1]!);
      builder.triangle(inner[k]!, outer[k1]!, inner[k1]!);
    }
  }
  const last = rings[rings.length - 1]!;
  for (let k = 0; k < SEGMENTS; k++) builder.triangle(back, last[(k + 1) % SEGMENTS]!, last[k]!);
}
