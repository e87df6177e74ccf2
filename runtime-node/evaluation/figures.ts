// The evaluation's figures: pose channels over time, one PNG a channel, every method against the real poses
// (runtime-node/plots/line-chart.ts). Poses come in raw units [T, 6] (radians; the dataset's translation unit).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { lineChartPng } from '../plots/line-chart.ts';

export const POSE_CHANNEL_NAMES = ['pitch', 'yaw', 'roll', 'tx', 'ty', 'tz'] as const;

export interface PoseSeries {
  readonly name: string;
  /** [T, 6] raw units */
  readonly pose: Float32Array;
}

/** Writes <folder>/<prefix>-<channel>.png for the chosen channels; returns the file names (relative to folder). */
export async function poseChannelFigures(folder: string, prefix: string, title: string, series: readonly PoseSeries[], translationUnit: string, channels: readonly number[] = [0, 1, 2, 3, 4, 5]): Promise<string[]> {
  const files: string[] = [];
  await mkdir(folder, { recursive: true });
  for (const c of channels) {
    const name = POSE_CHANNEL_NAMES[c]!;
    const png = await lineChartPng(
      series.map((s) => ({ name: s.name, points: Array.from({ length: s.pose.length / 6 }, (_, t) => ({ x: t, y: s.pose[t * 6 + c]! })) })),
      { title: `${title}: ${name}`, xLabel: 'frame (30 fps)', yLabel: c < 3 ? `${name} (rad)` : `${name} (${translationUnit})`, width: 720, height: 260 },
    );
    const file = `${prefix}-${name}.png`;
    await writeFileAtomic(join(folder, file), png);
    files.push(file);
  }
  return files;
}
