// The few 3-vector operations the mesh parts need (plain tuples: these run once per model, on the CPU).
import type { Vec3 } from './head-mesh-builder.ts';

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (s: number, a: Vec3): Vec3 => [s * a[0], s * a[1], s * a[2]];
export const length = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const normalize = (a: Vec3): Vec3 => scale(1 / length(a), a);
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const lerp = (a: Vec3, b: Vec3, t: number): Vec3 => add(a, scale(t, sub(b, a)));

export function centroid(points: readonly Vec3[]): Vec3 {
  let s: Vec3 = [0, 0, 0];
  for (const p of points) s = add(s, p);
  return scale(1 / points.length, s);
}

/** Spherical interpolation between unit vectors (the great-circle arc from a to b). */
export function slerp(a: Vec3, b: Vec3, t: number): Vec3 {
  const angle = Math.acos(Math.min(1, Math.max(-1, dot(a, b))));
  if (angle < 1e-6) return a;
  const s = Math.sin(angle);
  return add(scale(Math.sin((1 - t) * angle) / s, a), scale(Math.sin(t * angle) / s, b));
}

export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(Math.max((x - edge0) / (edge1 - edge0), 0), 1);
  return t * t * (3 - 2 * t);
}
