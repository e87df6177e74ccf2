// The noise z of PoseGAN's generator (ours, config noiseChannels; talking-head/posegan/generator.ts): standard
// normal values drawn on the CPU from a seeded stream, so a training run and a generation repeat exactly.
import { tensor } from '../../core/creation.ts';
import type { Engine } from '../../core/engine.ts';
import type { InitRandom } from '../../core/nn/init.ts';
import type { Shape } from '../../core/shape.ts';
import type { Tensor } from '../../core/tensor.ts';

/** n standard normal values (Box-Muller on the stream's uniforms). */
export function standardNormal(random: InitRandom, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
    const angle = 2 * Math.PI * random.next();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** A noise tensor of `shape` for the generator, or null when it takes none (a shape with 0 channels). */
export function generatorNoise(engine: Engine, random: InitRandom, shape: Shape): Tensor | null {
  const size = shape.reduce((a, d) => a * d, 1);
  return size === 0 ? null : tensor(engine, standardNormal(random, size), shape, 'generator.noise');
}
