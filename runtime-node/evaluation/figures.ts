// The evaluation's figures (runtime-node/plots/line-chart.ts): pose channels over time, one PNG a channel, every
// method against the real poses (raw units [T, 6]: radians; the dataset's translation unit); and the mouth
// opening over time (cm), every face network against the real mouth.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { lineChartPng } from '../plots/line-chart.ts';
import { POSE_CHANNEL_NAMES } from '../../talking-head/pose/pose-convention.ts';


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

export interface OpeningSeries {
  readonly name: string;
  /** [T] cm */
  readonly opening: ArrayLike<number>;
}

/** Writes <folder>/<file>: the mouth opening of each series over the frames; returns `file`. */
export async function mouthOpeningFigure(folder: string, file: string, title: string, series: readonly OpeningSeries[]): Promise<string> {
  const png = await lineChartPng(
    series.map((s) => ({ name: s.name, points: Array.from(s.opening, (y, x) => ({ x, y })) })),
    { title, xLabel: 'frame (30 fps)', yLabel: 'inner-lip gap (cm)', width: 720, height: 260 },
  );
  await writeFileAtomic(join(folder, file), png);
  return file;
}
