// `posedyn demo` (what `npm start` runs): the talking-head pipeline on built-in defaults: the shipped
// pretrained PoseGAN and PGFace (talking-head/pretrained/; both personalised to the identity) on the built-in
// LibriVox speech sample. Writes the generation result, an OBJ of one frame, a plot of the six pose channels, the
// talking-head video with the speech (MP4) and the head with its animation for game engines (GLB), and says where
// they are.
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { lineChartPng } from '../plots/line-chart.ts';
import { VIDEO_DEFAULTS } from '../video/video-output.ts';
import { PRETRAINED } from '../files/pretrained.ts';
import { runGenerate } from './generate-command.ts';

const CHANNELS = ['pitch (rad)', 'yaw (rad)', 'roll (rad)', 'tx', 'ty', 'tz'];

export async function runDemo(options: { out: string; identity?: string }): Promise<void> {
  console.log(`posedyn demo: speech ${PRETRAINED.sampleSpeech}\n  PoseGAN ${PRETRAINED.posegan}`);
  const video = join(options.out, 'talking-head.mp4');
  const glb = join(options.out, 'talking-head.glb');
  const result = await runGenerate({
    audio: PRETRAINED.sampleSpeech, out: options.out,
    identity: options.identity, motionScale: 1, smooth: 0, faceModel: 'default',
    video: { video, background: VIDEO_DEFAULTS.background, progress: process.stderr.isTTY === true }, glb,
  });
  const series = [0, 1, 2].map((c) => ({
    name: CHANNELS[c]!,
    points: Array.from({ length: result.frames }, (_, t) => ({ x: t / result.fps, y: result.pose[t * 6 + c]! })),
  }));
  const plotPath = join(options.out, 'head-rotation.png');
  await writeFileAtomic(plotPath, await lineChartPng(series, { title: `generated head rotation (identity ${result.identity})`, xLabel: 'time (s)', yLabel: 'radians' }));
  console.log(`wrote ${plotPath}`);
  console.log([
    `results are in ${options.out}/:`,
    `  ${video}  the talking head with its speech (H.264 + AAC, 30 fps)`,
    `  ${glb}  the head for game engines: 64 expression morph targets, the animation (glTF 2.0; docs/output-format.md)`,
    `  ${join(options.out, 'result.json')}  pose, face coefficients, head rotation (quaternion), translation (m) and mouth opening a frame`,
    `  an OBJ of the middle frame, and ${plotPath}`,
  ].join('\n'));
}
