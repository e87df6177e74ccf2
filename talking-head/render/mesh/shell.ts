// The back of the head: a closed shell that continues the face from its outer boundary (FACE_OVAL) over the skull
// to a pole at the back, so the head is no longer a mask. Its shape is an ellipsoid sized from the face's landmarks
// with a real head's proportions (the eyes halfway between chin and crown, the head 0.82 times as long front to
// back as it is tall from the eyes up), narrowed underneath toward the neck.
//
// For oval vertex p_i, with q_i = (p_i - C) / axes (ellipsoid coordinates), ring j of the shell lies at
//   dir = slerp(q_i / |q_i|, back pole, t_j),   rho = |q_i| + (1 - |q_i|) smoothstep(0, 0.5, t_j)
//   position = C + axes(dir) * rho * dir
// so ring 0 is the oval itself and the shell reaches the ellipsoid halfway back. Each shell vertex is attached to
// its oval vertex with weight (1 - t_j)^2: it follows the face's edge (the jaw opening, a wider face) near the
// face and stays put at the back.
import { CHIN, FACE_OVAL, FOREHEAD_CENTRE, LEFT_EYE_CORNERS, RIGHT_EYE_CORNERS } from './contours.ts';
import { type HeadMeshBuilder, type Vec3 } from './head-mesh-builder.ts';
import { HAIR, SKIN, mixSurface } from './surfaces.ts';
import { add, centroid, length, scale, slerp, smoothstep, sub } from './vec3.ts';

/** Rings between the oval (t = 0) and the back pole (t = 1). */
const RINGS = 11;
/** Head length (front to back) over the half height chin-to-crown. */
const DEPTH_OVER_HALF_HEIGHT = 0.82;
/** Under the head the ellipsoid narrows to this fraction of its width and depth (the neck's). */
const NECK_NARROWING = { x: 0.72, z: 0.6 };

export interface HeadEllipsoid {
  readonly centre: Vec3;
  /** semi-axes x, y, z */
  readonly axes: Vec3;
}

/** The ellipsoid of the skull from the mean face: centre at eye level, crown as far above as the chin is below. */
export function headEllipsoid(builder: HeadMeshBuilder): HeadEllipsoid {
  const eyes = centroid([...RIGHT_EYE_CORNERS, ...LEFT_EYE_CORNERS].map((v) => builder.position(v)));
  const oval = FACE_OVAL.map((v) => builder.position(v));
  const halfHeight = eyes[1] - builder.position(CHIN)[1];
  const halfWidth = Math.max(...oval.map((p) => Math.abs(p[0] - eyes[0])));
  const depth = DEPTH_OVER_HALF_HEIGHT * halfHeight;
  return { centre: [eyes[0], eyes[1], builder.position(FOREHEAD_CENTRE)[2] - depth], axes: [halfWidth, halfHeight, depth] };
}

/** `oval` is FACE_OVAL in the order a strip must run along it (ringAgainst). */
export function addHeadShell(builder: HeadMeshBuilder, oval: readonly number[], head: HeadEllipsoid): void {
  const { centre: C, axes } = head;
  const back: Vec3 = [0, 0, -1];
  const placed = (dir: Vec3, rho: number): Vec3 => {
    const narrow = smoothstep(-0.2, -0.9, dir[1]);
    const a: Vec3 = [axes[0] * (1 - (1 - NECK_NARROWING.x) * narrow), axes[1], axes[2] * (1 - (1 - NECK_NARROWING.z) * narrow)];
    return add(C, [a[0] * rho * dir[0], a[1] * rho * dir[1], a[2] * rho * dir[2]]);
  };
  const start = oval.map((v) => {
    const p = builder.position(v);
    const q: Vec3 = [(p[0] - C[0]) / axes[0], (p[1] - C[1]) / axes[1], (p[2] - C[2]) / axes[2]];
    return { vertex: v, dir: scale(1 / length(q), q), rho: length(q) };
  });
  let previous = [...oval];
  for (let j = 1; j < RINGS; j++) {
    const t = j / RINGS;
    const ring = start.map(({ vertex, dir, rho }) => {
      const d = slerp(dir, back, t);
      const position = placed(d, rho + (1 - rho) * smoothstep(0, 0.5, t));
      return builder.add(position, [{ vertex, weight: (1 - t) ** 2 }], 'face', shellSurface(position, t, head));
    });
    builder.strip(previous, ring, true);
    previous = ring;
  }
  const pole = builder.add(placed(back, 1), [], 'nothing', HAIR);
  builder.fan(previous, pole);
}

/**
 * Hair over the crown and the back down to the nape, skin at the face's edge (the temples, the jaw) and under the
 * jaw; a soft edge between them.
 */
function shellSurface(p: Vec3, t: number, head: HeadEllipsoid): typeof SKIN {
  const q = sub(p, head.centre);
  const height = q[1] / head.axes[1];
  const behind = -q[2] / head.axes[2];
  const hair = smoothstep(0.02, 0.16, t) * Math.max(smoothstep(-0.05, 0.25, height), smoothstep(0.1, 0.5, behind) * smoothstep(-0.6, -0.35, height));
  return mixSurface(SKIN, HAIR, hair);
}
