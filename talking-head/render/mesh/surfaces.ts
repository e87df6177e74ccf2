// The head's materials, as the shader reads them (linear albedo; see head-mesh-builder.ts, Surface). Chosen by eye
// on renders of the procedural face under head-shader.wgsl's lights: a neutral skin, darker lips and brows, a dark
// inner mouth whose occlusion deepens toward the throat, glossy eyes.
import type { Surface, Vec3 } from './head-mesh-builder.ts';

/** sRGB 0-255 -> linear 0-1 (the sRGB transfer function). */
export function linearFromSrgb(r: number, g: number, b: number): Vec3 {
  const f = (c: number) => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return [f(r), f(g), f(b)];
}

const surface = (albedo: Vec3, occlusion: number, specular: number, shininess: number): Surface => ({ albedo, occlusion, specular, shininess });

export const SKIN = surface(linearFromSrgb(214, 160, 132), 1, 0.12, 24);
export const LIPS = surface(linearFromSrgb(172, 92, 86), 1, 0.22, 40);
export const BROW = surface(linearFromSrgb(70, 48, 36), 1, 0.05, 16);
export const HAIR = surface(linearFromSrgb(48, 34, 26), 1, 0.04, 12);
export const SCLERA = surface(linearFromSrgb(232, 226, 218), 0.9, 0.9, 120);
export const IRIS = surface(linearFromSrgb(92, 62, 40), 1, 0.9, 120);
export const PUPIL = surface(linearFromSrgb(10, 8, 8), 1, 0.9, 120);
/** The inside of the mouth at the lips; deeper rings blend toward THROAT. */
export const MOUTH = surface(linearFromSrgb(110, 40, 40), 0.45, 0.05, 10);
export const THROAT = surface(linearFromSrgb(40, 10, 10), 0.08, 0, 10);
export const TEETH = surface(linearFromSrgb(226, 220, 204), 0.6, 0.35, 40);
export const SHIRT = surface(linearFromSrgb(40, 50, 72), 1, 0.03, 8);

/** A surface between two (t = 0: a, t = 1: b). */
export function mixSurface(a: Surface, b: Surface, t: number): Surface {
  const m = (x: number, y: number) => x + (y - x) * t;
  return {
    albedo: [m(a.albedo[0], b.albedo[0]), m(a.albedo[1], b.albedo[1]), m(a.albedo[2], b.albedo[2])],
    occlusion: m(a.occlusion, b.occlusion), specular: m(a.specular, b.specular), shininess: m(a.shininess, b.shininess),
  };
}
