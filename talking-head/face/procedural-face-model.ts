// A procedural 3DMM on MediaPipe's canonical face mesh: a stand-in for the Basel Face Model (which cannot be
// shipped), with the same 80 identity + 64 expression components. Deterministic: the same seed gives the same
// bytes. Units: cm.
//
// Regions. Every region is a smooth weight in [0, 1] over the mesh, defined from the positions of named
// MediaPipe landmarks (canonical-mesh.ts, LANDMARK) by Gaussian bumps exp(-|(p - c) / r|^2) with per-axis radii
// r, and smoothsteps in height:
//   lips      bump at the mouth centre (midpoint of the inner lip points 13, 14), radii (1.25 half mouth width, 1.4, 2)
//   upper / lower lip   lips times a smoothstep above / below the mouth centre line
//   jaw       smoothstep from 0.1 cm above to 0.6 cm below the mouth centre line (1 below: lower lip, chin,
//             jaw), times exp(-(x / 6.5)^4) so the sides of the head follow less
//   mouth corners   bumps at 61, 291, radii (1.2, 1.0, 1.5)
//   cheeks    bumps at 205, 425, radii (2.2, 2.0, 2.5)
//   brows     bumps at 105, 334, radii (2.6, 1.4, 2); inner brows: bumps at 107, 336, radii (1.8, 1.4, 1.8)
//   eyes      bumps at the eye centres (midpoints of the corners 33-133, 263-362), radii (1.8, 1.0, 1.5)
//   upper lids   bumps at 159, 386, radii (1.1 eye half width, 0.6, 1), times a smoothstep from the eye's
//             centre line up to the lid margin
//   nose      bump 0.8 cm above the nose tip 1, radii (1.3, 2.2, 2); chin: bump at 152, radii (2.5, 1.8, 2.5)
//   forehead  smoothstep in height from 4 to 7 cm
// Lower-face mask (Eq. 7): 10 on vertices below the nose tip (landmark 1, y < -1.13 cm), 1 elsewhere; a
// threshold, so the weight is exactly the paper's two values.
//
// Identity basis: 15 named shape changes (face width, length, depth, nose projection, chin, cheek fullness, eye
// spacing, jaw width, forehead slope, brow ridge, lip thickness, mouth width, nose width, eye height,
// asymmetry), then 65 smooth random fields (sums of 4 Gaussian bumps at random vertices with random
// directions, wide first and narrower later, mirror-symmetric for even k). Gram-Schmidt orthogonalised in this
// order, then scaled to an RMS per-vertex displacement of sigma_k = 0.5 (k + 1)^-0.6 cm: decreasing like a PCA
// spectrum, so alpha_id ~ N(0, 1) gives plausible faces.
// Expression basis: 20 named region movements (EXPRESSION_COMPONENTS below; alpha_exp = 1 is a full movement,
// e.g. the chin drops 1 cm for jawOpen), then 44 smooth random fields, each local to one region (lips, jaw,
// cheeks, brows, eyes, nose, chin in turn), with peak displacements falling from 0.3 to 0.12 cm. Not
// orthogonalised, so every named component keeps its meaning.
import { canonicalFaceMesh, LANDMARK } from './canonical-mesh.ts';
import { EXP_COMPONENTS, type FaceModel, ID_COMPONENTS, lowerFaceMaskBelow } from './face-model.ts';

type Vec3 = readonly [number, number, number];
/** A displacement field: the offset of the vertex at p (index v). */
type Field = (p: Vec3, v: number) => Vec3;

export const IDENTITY_COMPONENTS = [
  'faceWidth', 'faceLength', 'faceDepth', 'noseProjection', 'chin', 'cheekFullness', 'eyeSpacing', 'jawWidth',
  'foreheadSlope', 'browRidge', 'lipThickness', 'mouthWidth', 'noseWidth', 'eyeHeight', 'asymmetry',
] as const;

export const EXPRESSION_COMPONENTS = [
  'jawOpen', 'lipRound', 'lipStretch', 'smile', 'browRaise', 'browFrown', 'eyelidsClose', 'upperLipRaise',
  'lowerLipDepress', 'mouthLeft', 'cheekPuff', 'jawForward', 'jawSideways', 'noseWrinkle', 'lipPress', 'eyesWiden',
  'eyelidCloseLeft', 'eyelidCloseRight', 'smileLeft', 'smileRight',
] as const;

export interface ProceduralFaceOptions {
  /** default 1 */
  readonly seed?: number;
}

/** mulberry32 (uniform in [0, 1)) and Box-Muller normals from it: all the randomness here. */
function random(seed: number): { uniform: () => number; normal: () => number } {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(Math.max((x - edge0) / (edge1 - edge0), 0), 1);
  return t * t * (3 - 2 * t);
}

function bump(p: Vec3, c: Vec3, r: Vec3): number {
  return Math.exp(-(((p[0] - c[0]) / r[0]) ** 2 + ((p[1] - c[1]) / r[1]) ** 2 + ((p[2] - c[2]) / r[2]) ** 2));
}

const scale = (s: number, d: Vec3): Vec3 => [s * d[0], s * d[1], s * d[2]];
const mid = (a: Vec3, b: Vec3): Vec3 => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];

export function proceduralFaceModel(options: ProceduralFaceOptions = {}): FaceModel {
  const seed = options.seed ?? 1;
  const mesh = canonicalFaceMesh();
  const V = mesh.vertexCount;
  const at = (v: number): Vec3 => [mesh.positions[3 * v]!, mesh.positions[3 * v + 1]!, mesh.positions[3 * v + 2]!];
  const L = Object.fromEntries(Object.entries(LANDMARK).map(([name, v]) => [name, at(v)])) as Record<keyof typeof LANDMARK, Vec3>;

  // ---- regions
  const mouth = mid(L.upperLipInner, L.lowerLipInner);
  const halfMouth = (L.mouthCornerLeft[0] - L.mouthCornerRight[0]) / 2;
  const eyeRight = mid(L.eyeOuterRight, L.eyeInnerRight);
  const eyeLeft = mid(L.eyeOuterLeft, L.eyeInnerLeft);
  const eyeHalfWidth = Math.abs(L.eyeOuterRight[0] - L.eyeInnerRight[0]) / 2;
  const lips = (p: Vec3) => bump(p, mouth, [1.25 * halfMouth, 1.4, 2]);
  const upperLip = (p: Vec3) => lips(p) * smoothstep(mouth[1], mouth[1] + 0.5, p[1]);
  const lowerLip = (p: Vec3) => lips(p) * smoothstep(mouth[1], mouth[1] - 0.5, p[1]);
  const jaw = (p: Vec3) => smoothstep(mouth[1] + 0.1, mouth[1] - 0.6, p[1]) * Math.exp(-((p[0] / 6.5) ** 4));
  const cornerRight = (p: Vec3) => bump(p, L.mouthCornerRight, [1.2, 1, 1.5]);
  const cornerLeft = (p: Vec3) => bump(p, L.mouthCornerLeft, [1.2, 1, 1.5]);
  const cheekRight = (p: Vec3) => bump(p, L.cheekRight, [2.2, 2, 2.5]);
  const cheekLeft = (p: Vec3) => bump(p, L.cheekLeft, [2.2, 2, 2.5]);
  const cheeks = (p: Vec3) => cheekRight(p) + cheekLeft(p);
  const brows = (p: Vec3) => bump(p, L.browRight, [2.6, 1.4, 2]) + bump(p, L.browLeft, [2.6, 1.4, 2]);
  const innerBrows = (p: Vec3) => bump(p, L.browInnerRight, [1.8, 1.4, 1.8]) + bump(p, L.browInnerLeft, [1.8, 1.4, 1.8]);
  const eyes = (p: Vec3) => bump(p, eyeRight, [1.8, 1, 1.5]) + bump(p, eyeLeft, [1.8, 1, 1.5]);
  const upperLid = (lid: Vec3, lower: Vec3) => (p: Vec3) =>
    bump(p, lid, [1.1 * eyeHalfWidth, 0.6, 1]) * smoothstep((lid[1] + lower[1]) / 2, lid[1], p[1]);
  const upperLidRight = upperLid(L.upperLidRight, L.lowerLidRight);
  const upperLidLeft = upperLid(L.upperLidLeft, L.lowerLidLeft);
  const nose = (p: Vec3) => bump(p, [L.noseTip[0], L.noseTip[1] + 0.8, L.noseTip[2]], [1.3, 2.2, 2]);
  const chin = (p: Vec3) => bump(p, L.chin, [2.5, 1.8, 2.5]);
  const forehead = (p: Vec3) => smoothstep(4, 7, p[1]);
  const side = (p: Vec3) => Math.tanh(p[0] / 0.5);

  // ---- identity: named shape changes (directions; their size is set after orthogonalisation)
  const noseY = L.noseTip[1];
  const identityFields: Field[] = [
    (p) => [p[0], 0, 0],
    (p) => [0, p[1] - noseY, 0],
    (p) => [0, 0, p[2]],
    (p) => scale(nose(p), [0, 0, 1]),
    (p) => scale(chin(p), [0, -0.6, 0.8]),
    (p) => scale(cheeks(p), [side(p), 0, 0.5]),
    (p) => scale(eyes(p), [side(p), 0, 0]),
    (p) => [p[0] * smoothstep(mouth[1], L.chin[1], p[1]), 0, 0],
    (p) => [0, 0, -forehead(p) * (p[1] - 4)],
    (p) => scale(brows(p), [0, 0, 1]),
    (p) => scale(lips(p), [0, Math.tanh((p[1] - mouth[1]) / 0.4), 0]),
    (p) => scale(lips(p), [p[0] - mouth[0], 0, 0]),
    (p) => scale(nose(p), [p[0] - L.noseTip[0], 0, 0]),
    (p) => scale(eyes(p), [0, 1, 0]),
    (p) => [0.2 * p[0] * Math.tanh(p[1] / 4), 0, 0.1 * p[0]],
  ];
  const rand = random(seed);
  const direction = (): Vec3 => {
    const d: Vec3 = [rand.normal(), rand.normal(), rand.normal()];
    return scale(1 / Math.hypot(...d), d);
  };
  const randomVertex = (weight: (p: Vec3) => number): Vec3 => {
    for (;;) {
      const v = Math.floor(rand.uniform() * V);
      if (weight(at(v)) > 0.3) return at(v);
    }
  };
  const namedIdentity = identityFields.length;
  for (let k = namedIdentity; k < ID_COMPONENTS; k++) {
    // Wide bumps first (low spatial frequency, large variance), narrower later: 5 cm down to 2 cm.
    const radius = 5 - (3 * (k - namedIdentity)) / (ID_COMPONENTS - namedIdentity - 1);
    const bumps = Array.from({ length: 4 }, () => ({ centre: randomVertex(() => 1), direction: direction() }));
    const symmetric = k % 2 === 0;
    identityFields.push((p) => {
      const d = [0, 0, 0];
      for (const { centre, direction: u } of bumps) {
        const w = bump(p, centre, [radius, radius, radius]);
        for (let i = 0; i < 3; i++) d[i]! += w * u[i]!;
        if (symmetric) {
          const wm = bump(p, [-centre[0], centre[1], centre[2]], [radius, radius, radius]);
          d[0]! -= wm * u[0];
          d[1]! += wm * u[1];
          d[2]! += wm * u[2];
        }
      }
      return [d[0]!, d[1]!, d[2]!];
    });
  }

  // ---- expression: named movements, alpha_exp = 1 a full movement (cm)
  // The jaw turns about an axis between the jaw joints and glides forward a little: the chin drops 1 cm and
  // moves back about 0.4 cm.
  const jawPivot = { y: -2, z: -4 };
  const jawRotation = 1 / (L.chin[2] - jawPivot.z);
  const smileAt = (corner: (p: Vec3) => number, cheek: (p: Vec3) => number) => (p: Vec3): Vec3 => {
    const c = corner(p);
    const k = cheek(p);
    return [0.3 * side(p) * c, 0.5 * c + 0.3 * k, -0.15 * c + 0.2 * k];
  };
  const closeLid = (lid: (p: Vec3) => number, lower: Vec3) => (p: Vec3): Vec3 => [0, -(p[1] - lower[1]) * lid(p), 0];
  const expressionFields: Field[] = [
    (p) => scale(jaw(p), [0, -jawRotation * (p[2] - jawPivot.z), jawRotation * (p[1] - jawPivot.y) + 0.5]),
    (p) => scale(lips(p), [(-0.5 * (p[0] - mouth[0])) / halfMouth, 0, 0.4]),
    (p) => scale(lips(p), [(0.5 * (p[0] - mouth[0])) / halfMouth, 0, -0.15]),
    (p) => {
      const r = smileAt(cornerRight, cheekRight)(p);
      const l = smileAt(cornerLeft, cheekLeft)(p);
      return [r[0] + l[0], r[1] + l[1], r[2] + l[2]];
    },
    (p) => scale(brows(p), [0, 0.6, 0.05]),
    (p) => scale(innerBrows(p), [-0.3 * side(p), -0.3, 0.1]),
    (p) => {
      const r = closeLid(upperLidRight, L.lowerLidRight)(p);
      const l = closeLid(upperLidLeft, L.lowerLidLeft)(p);
      return [0, r[1] + l[1], 0];
    },
    (p) => scale(upperLip(p), [0, 0.35, 0.05]),
    (p) => scale(lowerLip(p), [0, -0.35, 0.05]),
    (p) => scale(lips(p), [0.5, 0, 0]),
    (p) => scale(cheeks(p), [0.4 * side(p), 0, 0.3]),
    (p) => scale(jaw(p), [0, 0, 0.4]),
    (p) => scale(jaw(p), [0.4, 0, 0]),
    (p) => scale(nose(p) * smoothstep(L.noseTip[1], L.noseTip[1] + 2, p[1]), [0, 0.2, -0.05]),
    (p) => scale(lips(p), [0, -0.5 * Math.tanh((p[1] - mouth[1]) / 0.4), -0.1]),
    (p) => {
      const right = bump(p, eyeRight, [1.8, 1, 1.5]) * Math.tanh((p[1] - eyeRight[1]) / 0.3);
      const left = bump(p, eyeLeft, [1.8, 1, 1.5]) * Math.tanh((p[1] - eyeLeft[1]) / 0.3);
      return [0, 0.25 * (right + left), 0];
    },
    closeLid(upperLidLeft, L.lowerLidLeft),
    closeLid(upperLidRight, L.lowerLidRight),
    smileAt(cornerLeft, cheekLeft),
    smileAt(cornerRight, cheekRight),
  ];
  const localRegions = [lips, jaw, cheeks, brows, eyes, nose, chin];
  const named = expressionFields.length;
  const peaks: number[] = expressionFields.map(() => 0);
  for (let k = named; k < EXP_COMPONENTS; k++) {
    const region = localRegions[(k - named) % localRegions.length]!;
    const bumps = Array.from({ length: 3 }, () => ({ centre: randomVertex(region), direction: direction(), radius: 2 + rand.uniform() }));
    expressionFields.push((p) => {
      const d = [0, 0, 0];
      for (const { centre, direction: u, radius } of bumps) {
        const w = bump(p, centre, [radius, radius, radius]) * region(p);
        for (let i = 0; i < 3; i++) d[i]! += w * u[i]!;
      }
      return [d[0]!, d[1]!, d[2]!];
    });
    peaks.push(0.3 * (0.12 / 0.3) ** ((k - named) / (EXP_COMPONENTS - named - 1)));
  }

  // ---- evaluate, orthogonalise and scale
  const evaluate = (field: Field): Float64Array => {
    const column = new Float64Array(3 * V);
    for (let v = 0; v < V; v++) column.set(field(at(v), v), 3 * v);
    return column;
  };
  const identity = gramSchmidt(identityFields.map(evaluate));
  identity.forEach((column, k) => scaleColumn(column, (0.5 * (k + 1) ** -0.6) / rmsDisplacement(column)));
  const expression = expressionFields.map(evaluate);
  expression.forEach((column, k) => {
    if (peaks[k]! > 0) scaleColumn(column, peaks[k]! / peakDisplacement(column));
  });

  return {
    name: `procedural-face(seed=${seed})`,
    vertexCount: V,
    mean: mesh.positions,
    idBasis: interleave(identity, V),
    expBasis: interleave(expression, V),
    triangles: mesh.triangles,
    lowerFaceMask: lowerFaceMaskBelow(mesh.positions, V, L.noseTip[1]),
    units: 'cm',
    innerLipVertices: [LANDMARK.upperLipInner, LANDMARK.lowerLipInner],
  };
}

/** Orthonormalises columns in order (modified Gram-Schmidt); each keeps the part the earlier ones lack. */
function gramSchmidt(columns: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const column of columns) {
    const c = Float64Array.from(column);
    for (const q of out) {
      let d = 0;
      for (let i = 0; i < c.length; i++) d += c[i]! * q[i]!;
      for (let i = 0; i < c.length; i++) c[i]! -= d * q[i]!;
    }
    let norm = 0;
    for (const x of c) norm += x * x;
    scaleColumn(c, 1 / Math.sqrt(norm));
    out.push(c);
  }
  return out;
}

function scaleColumn(c: Float64Array, s: number): void {
  for (let i = 0; i < c.length; i++) c[i]! *= s;
}

/** sqrt(mean over vertices of |d_v|^2) */
function rmsDisplacement(c: Float64Array): number {
  let total = 0;
  for (const x of c) total += x * x;
  return Math.sqrt(total / (c.length / 3));
}

function peakDisplacement(c: Float64Array): number {
  let peak = 0;
  for (let v = 0; v < c.length; v += 3) peak = Math.max(peak, Math.hypot(c[v]!, c[v + 1]!, c[v + 2]!));
  return peak;
}

/** Columns [K][V * 3] -> row-major [V * 3, K] float32. */
function interleave(columns: Float64Array[], V: number): Float32Array {
  const K = columns.length;
  const out = new Float32Array(3 * V * K);
  columns.forEach((column, k) => {
    for (let r = 0; r < 3 * V; r++) out[r * K + k] = column[r]!;
  });
  return out;
}
