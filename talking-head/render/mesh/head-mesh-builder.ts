// Building a head mesh on top of a face model: extra vertices (eyeballs, inner mouth, the back of the head, neck
// and shoulders) that are *attached* to face vertices, so that the whole head is again a linear 3DMM with the same
// coefficients. An extra vertex e with anchors a_k and weights w_k is
//
//   e = base_e + sum_k w_k (p_{a_k} - mean_{a_k})
//
// where p is the decoded face (Eq. 2) and base_e its position on the model's mean face. Its rows of the extended
// bases are therefore sum_k w_k B_{a_k} (identity, and expression when it follows the face's expression), and its
// mean is base_e. The GPU decode (talking-head/face/decode.ts) and the glTF morph targets then need nothing new.
import { EXP_COMPONENTS, type FaceModel, ID_COMPONENTS } from '../../face/face-model.ts';

export type Vec3 = readonly [number, number, number];

/** How a surface reflects light (linear albedo; the shader's inputs, head-shader.wgsl). */
export interface Surface {
  readonly albedo: Vec3;
  /** 1 = fully lit; lower inside the mouth and in creases (ambient occlusion, baked) */
  readonly occlusion: number;
  /** strength of the highlight */
  readonly specular: number;
  /** Blinn-Phong exponent of the highlight */
  readonly shininess: number;
}

export interface Anchor {
  readonly vertex: number;
  readonly weight: number;
}

/**
 * What an extra vertex follows: 'face' (identity and expression of its anchors), 'identity' (the face's shape
 * only: e.g. the upper teeth, fixed to the skull), 'nothing' (a fixed point: the shoulders).
 */
export type Follows = 'face' | 'identity' | 'nothing';

/** Per-vertex values the shader reads, 8 floats a vertex (SURFACE_FLOATS). */
export const SURFACE_FLOATS = 8;
// [albedo r, g, b, occlusion, specular, shininess, head weight, 0]. Head weight: 1 = moves with the head pose,
// 0 = with the torso (the shoulders), in between for the neck (linear blend of the two placements).

export interface PartRange {
  readonly first: number;
  readonly count: number;
}

export class HeadMeshBuilder {
  readonly face: FaceModel;
  readonly #positions: number[];
  readonly #idRows: number[] = [];
  readonly #expRows: number[] = [];
  readonly #surface: number[] = [];
  readonly #triangles: number[] = [];

  constructor(face: FaceModel, skin: Surface) {
    this.face = face;
    this.#positions = Array.from(face.mean);
    for (let v = 0; v < face.vertexCount; v++) this.#surface.push(...packSurface(skin, 1));
  }

  get vertexCount(): number {
    return this.#positions.length / 3;
  }

  get triangleIndexCount(): number {
    return this.#triangles.length;
  }

  /** A vertex's position on the mean face (face vertices and extras alike). */
  position(v: number): Vec3 {
    return [this.#positions[3 * v]!, this.#positions[3 * v + 1]!, this.#positions[3 * v + 2]!];
  }

  /** Adds an extra vertex at `base` (mean face), attached to face vertices; returns its index. */
  add(base: Vec3, anchors: readonly Anchor[], follows: Follows, surface: Surface, headWeight = 1): number {
    const V = this.face.vertexCount;
    for (const a of anchors) {
      if (!(a.vertex >= 0 && a.vertex < V)) throw new RangeError(`HeadMeshBuilder: anchor ${a.vertex} is not a vertex of face model '${this.face.name}' (${V} vertices)`);
    }
    for (let c = 0; c < 3; c++) {
      const id = new Array<number>(ID_COMPONENTS).fill(0);
      const exp = new Array<number>(EXP_COMPONENTS).fill(0);
      if (follows !== 'nothing') {
        for (const { vertex, weight } of anchors) {
          const row = 3 * vertex + c;
          for (let k = 0; k < ID_COMPONENTS; k++) id[k]! += weight * this.face.idBasis[row * ID_COMPONENTS + k]!;
          if (follows === 'face') for (let k = 0; k < EXP_COMPONENTS; k++) exp[k]! += weight * this.face.expBasis[row * EXP_COMPONENTS + k]!;
        }
      }
      this.#idRows.push(...id);
      this.#expRows.push(...exp);
    }
    this.#positions.push(base[0], base[1], base[2]);
    this.#surface.push(...packSurface(surface, headWeight));
    return this.vertexCount - 1;
  }

  /** Sets the surface of a vertex (face vertices start as skin). */
  setSurface(v: number, surface: Surface, headWeight = 1): void {
    this.#surface.splice(v * SURFACE_FLOATS, SURFACE_FLOATS, ...packSurface(surface, headWeight));
  }

  surfaceOf(v: number): Surface {
    const s = this.#surface.slice(v * SURFACE_FLOATS, (v + 1) * SURFACE_FLOATS);
    return { albedo: [s[0]!, s[1]!, s[2]!], occlusion: s[3]!, specular: s[4]!, shininess: s[5]! };
  }

  triangle(a: number, b: number, c: number): void {
    this.#triangles.push(a, b, c);
  }

  /**
   * Joins two rings of equal length with a strip of triangles. The strip runs along `a` in its order (a[k] -> a[k+1])
   * and along `b` against it, so a ring built next from `b` in the same order continues with a consistent winding.
   */
  strip(a: readonly number[], b: readonly number[], closed: boolean): void {
    if (a.length !== b.length) throw new RangeError(`HeadMeshBuilder.strip: rings of ${a.length} and ${b.length} vertices`);
    const n = a.length;
    for (let k = 0; k < (closed ? n : n - 1); k++) {
      const k1 = (k + 1) % n;
      this.triangle(a[k]!, a[k1]!, b[k1]!);
      this.triangle(a[k]!, b[k1]!, b[k]!);
    }
  }

  /** Closes a ring with a fan to `centre`, running along the ring in its order. */
  fan(ring: readonly number[], centre: number): void {
    for (let k = 0; k < ring.length; k++) this.triangle(ring[k]!, ring[(k + 1) % ring.length]!, centre);
  }

  /** The extended model and the per-vertex surface values. */
  build(name: string): { model: FaceModel; surface: Float32Array } {
    const V = this.vertexCount;
    const F = this.face;
    const idBasis = new Float32Array(3 * V * ID_COMPONENTS);
    idBasis.set(F.idBasis);
    idBasis.set(this.#idRows, F.idBasis.length);
    const expBasis = new Float32Array(3 * V * EXP_COMPONENTS);
    expBasis.set(F.expBasis);
    expBasis.set(this.#expRows, F.expBasis.length);
    const lowerFaceMask = new Float32Array(V).fill(1);
    lowerFaceMask.set(F.lowerFaceMask);
    return {
      model: {
        name, vertexCount: V, mean: Float32Array.from(this.#positions), idBasis, expBasis,
        triangles: Uint32Array.from(this.#triangles), lowerFaceMask, units: F.units,
      },
      surface: Float32Array.from(this.#surface),
    };
  }
}

function packSurface(s: Surface, headWeight: number): number[] {
  return [s.albedo[0], s.albedo[1], s.albedo[2], s.occlusion, s.specular, s.shininess, headWeight, 0];
}

/**
 * A ring of existing vertices in the order a new strip must run along it so that its winding agrees with the
 * triangles already there: a mesh with consistent winding uses each directed edge once, so the strip takes the
 * direction the existing triangles do not.
 */
export function ringAgainst(ring: readonly number[], triangles: ArrayLike<number>): number[] {
  const directed = new Set<string>();
  for (let t = 0; t + 2 < triangles.length; t += 3) {
    for (let e = 0; e < 3; e++) directed.add(`${triangles[t + e]}>${triangles[t + ((e + 1) % 3)]}`);
  }
  let forward = 0;
  let backward = 0;
  for (let k = 0; k < ring.length; k++) {
    const a = ring[k]!;
    const b = ring[(k + 1) % ring.length]!;
    if (directed.has(`${a}>${b}`)) forward++;
    if (directed.has(`${b}>${a}`)) backward++;
  }
  return forward > backward ? [ring[0]!, ...ring.slice(1).reverse()] : [...ring];
}
