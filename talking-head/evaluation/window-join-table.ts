// The "no initial pose" ablation (paper Sec. 4.1: without the initial pose, consecutive windows do not join).
// Test segments are shorter than one 256-frame window, so this runs on whole clips (every split's audio: the
// measure is continuity at window boundaries, not accuracy) of more than one window, generated as inference
// does, once with each window started at the previous window's last pose ('chained', the paper's method)
// and once with every window started at the rest pose ('restart': the initial pose carries no information
// about where the previous window ended). At every boundary b the jump mean_c (ŷ_bc - ŷ_(b-1)c)^2 is
// compared with the real poses' frame-to-frame motion over the whole clip, and with the real poses' own step
// at the same boundaries. Clips are bootstrapped.
import type { Engine } from '../../core/engine.ts';
import type { Dataset } from '../data/dataset.ts';
import { windowSpacing } from '../inference/pose-windows.ts';
import type { PoseGenerator } from '../posegan/generator.ts';
import { type BootstrapOptions, type Estimate, bootstrapMean } from './bootstrap.ts';
import { motionEnergy, windowBoundaryJumps } from './pose-distances.ts';
import { wholeClipPoses } from './pose-methods.ts';

export interface WindowJoinTable {
  /** frames between window starts (windowHop: T less the config's windowOverlap) */
  readonly windowLength: number;
  readonly clips: string[];
  readonly boundaries: number;
  /** mean_c (y_t - y_(t-1))^2 over every frame of the real clips */
  readonly realMotion: Estimate;
  /** the real poses' step at the window boundaries */
  readonly realAtBoundaries: Estimate;
  readonly chained: Estimate;
  readonly restart: Estimate;
  /** normalised poses of the first clip, for the figure */
  readonly example: { readonly clip: string; readonly real: Float32Array; readonly chained: Float32Array; readonly restart: Float32Array } | null;
}

export async function windowJoinTable(engine: Engine, generator: PoseGenerator, dataset: Dataset, bootstrap: BootstrapOptions): Promise<WindowJoinTable> {
  // Windows start every windowHop frames (config windowOverlap); a clip longer than one window has joins.
  const spacing = windowSpacing(generator.config);
  const clips = dataset.clips.filter((c) => c.frames > generator.config.frames);
  const realMotion = [];
  const realAtBoundaries = [];
  const chained = [];
  const restart = [];
  let example: WindowJoinTable['example'] = null;
  for (const clip of clips) {
    const chainedPoses = await wholeClipPoses(engine, generator, dataset, clip.index, 'chained');
    const restartPoses = await wholeClipPoses(engine, generator, dataset, clip.index, 'restart');
    realMotion.push(motionEnergy(clip.normalised.pose));
    realAtBoundaries.push(windowBoundaryJumps(clip.normalised.pose, spacing));
    chained.push(windowBoundaryJumps(chainedPoses, spacing));
    restart.push(windowBoundaryJumps(restartPoses, spacing));
    example ??= { clip: clip.entry.name, real: clip.normalised.pose, chained: chainedPoses, restart: restartPoses };
  }
  return {
    windowLength: spacing.hop, clips: clips.map((c) => c.entry.name), boundaries: chained.reduce((a, p) => a + p.count, 0),
    realMotion: bootstrapMean(realMotion, bootstrap), realAtBoundaries: bootstrapMean(realAtBoundaries, bootstrap),
    chained: bootstrapMean(chained, bootstrap), restart: bootstrapMean(restart, bootstrap), example,
  };
}
