// Videos from the command line: `posedyn render` and `posedyn generate --video` render on Dawn offscreen, pipe the
// frames into ffmpeg and write H.264 at 30 fps with the speech as AAC, as long as the speech to within a frame;
// --width/--height/--background/--compare work; bad options and missing speech fail with a clear message. A frame
// grid of the generated video (ffmpeg's tile filter) is left in tests/output/video/ for a person to look at.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import validator from 'gltf-validator';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deep3dMat, removeFolders, speechLikeWav, tempFolder } from '../data/synthetic-clips.ts';
import { REPO_ROOT } from '../formats/paths.ts';

const OUTPUT = join(REPO_ROOT, 'tests/output/video');
mkdirSync(OUTPUT, { recursive: true });
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).error === undefined && spawnSync('ffprobe', ['-version']).error === undefined;

function posedyn(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'runtime-node/bin/posedyn.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

interface Probe {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; r_frame_rate?: string; nb_frames?: string; duration?: string; sample_rate?: string }[];
  format: { duration: string };
}

function probe(file: string): Probe {
  const run = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,r_frame_rate,nb_frames,duration,sample_rate:format=duration', '-of', 'json', file], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Probe;
}

/** Checks the streams and that video, audio and the whole file each last the speech's duration to within one frame. */
function assertVideo(file: string, speechSeconds: number, width: number, height: number): Probe {
  const p = probe(file);
  const video = p.streams.find((s) => s.codec_type === 'video')!;
  const audio = p.streams.find((s) => s.codec_type === 'audio')!;
  assert.is(video.codec_name, 'h264');
  assert.is(audio.codec_name, 'aac');
  assert.is(video.r_frame_rate, '30/1');
  assert.is(video.width, width);
  assert.is(video.height, height);
  assert.is(Number(video.nb_frames), Math.round(speechSeconds * 30), 'frames: round(duration * 30)');
  for (const [what, seconds] of [['video', video.duration], ['audio', audio.duration], ['file', p.format.duration]] as const) {
    assert.ok(Math.abs(Number(seconds) - speechSeconds) <= 1 / 30, `${what} lasts ${seconds} s, the speech ${speechSeconds.toFixed(3)} s: more than a frame apart`);
  }
  return p;
}

if (!hasFfmpeg) {
  test.skip('ffmpeg/ffprobe are missing: video tests skipped (./setup.sh installs ffmpeg)', () => undefined);
} else {
  const dir = await tempFolder('posedyn-video-');
  // 1.7 s of speech-like sound with a coefficient file of the same length beside it (like a styletalk clip)
  writeFileSync(join(dir, 'clip.wav'), speechLikeWav(51, 22050, 1));
  writeFileSync(join(dir, 'clip.mat'), deep3dMat(51, 1));
  writeFileSync(join(dir, 'other.mat'), deep3dMat(40, 2));
  const speechSeconds = Math.round((51 / 30) * 22050) / 22050;

  test('posedyn render --from a .mat: H.264 + AAC at 30 fps, the speech beside it found, as long as the speech, size and background as asked', () => {
    const out = join(dir, 'clip.mp4');
    const run = posedyn('render', '--from', join(dir, 'clip.mat'), '--video', out, '--width', '320', '--height', '240', '--background', '#406080', '--no-progress');
    assert.is(run.status, 0, run.output);
    assertVideo(out, speechSeconds, 320, 240);
    // the background colour shows in the corner of the first frame
    const corner = spawnSync('ffmpeg', ['-v', 'error', '-i', out, '-frames:v', '1', '-vf', 'crop=4:4:2:2', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const rgb = corner.stdout as Buffer;
    assert.ok(rgb[2]! > rgb[0]! + 20, `a blue background in the corner, got rgb ${rgb[0]} ${rgb[1]} ${rgb[2]}`);
  });

  test('--compare draws the other file\'s head beside it (side by side, twice the width by default)', () => {
    const out = join(dir, 'compare.mp4');
    const run = posedyn('render', '--from', join(dir, 'clip.mat'), '--compare', join(dir, 'other.mat'), '--video', out, '--height', '256', '--no-progress');
    assert.is(run.status, 0, run.output);
    assertVideo(out, speechSeconds, 1024, 256);
  });

  test('posedyn generate --video --glb: the pretrained models\' talking head with its speech, result.json frames as data, a valid GLB', async () => {
    const out = join(dir, 'generated');
    const video = join(out, 'head.mp4');
    const glb = join(out, 'head.glb');
    const run = posedyn('generate', '--audio', join(dir, 'clip.wav'), '--out', out, '--video', video, '--glb', glb, '--width', '256', '--height', '256', '--no-progress');
    assert.is(run.status, 0, run.output);
    assertVideo(video, speechSeconds, 256, 256);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as Record<string, unknown[]>;
    const frames = result.pose!.length;
    assert.is(result.headRotation!.length, frames);
    assert.is(result.headTranslation!.length, frames);
    assert.is(result.mouthOpening!.length, frames);
    for (const q of result.headRotation as number[][]) assert.ok(Math.abs(Math.hypot(...q) - 1) < 1e-5, `unit quaternion ${q}`);
    assert.ok((result.mouthOpening as number[]).every((m) => m >= 0 && m < 5), 'mouth openings in cm');
    const report = await validator.validateBytes(new Uint8Array(readFileSync(glb)));
    assert.is(report.issues.numErrors, 0, JSON.stringify(report.issues.messages));
    const grid = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', video, '-vf', "select='not(mod(n\\,6))',tile=3x3", '-frames:v', '1', join(OUTPUT, 'generated-grid.png')]);
    assert.is(grid.status, 0, grid.stderr?.toString());
  });

  test('bad options and a missing speech file fail with a message that says what to do, and write no video', () => {
    const bad = posedyn('render', '--from', join(dir, 'clip.mat'), '--video', join(dir, 'bad.mp4'), '--background', 'red');
    assert.is(bad.status, 1);
    assert.match(bad.output, "--background expects a colour as #rrggbb (e.g. '#28303c'), got 'red'");
    const odd = posedyn('render', '--from', join(dir, 'clip.mat'), '--video', join(dir, 'bad.mp4'), '--width', '321');
    assert.match(odd.output, '--width expects an even number of pixels');
    const silent = posedyn('render', '--from', join(dir, 'other.mat'), '--video', join(dir, 'bad.mp4'));
    assert.is(silent.status, 1);
    assert.match(silent.output, /other\.mat: no speech found for the video \(looked for .*other\.wav\); give one with --audio FILE/);
    const missing = posedyn('render', '--from', join(dir, 'nothing.json'), '--video', join(dir, 'bad.mp4'));
    assert.match(missing.output, /nothing\.json: file not found/);
    assert.not.ok(existsSync(join(dir, 'bad.mp4')), 'no video was written');
  });

  test.after(() => removeFolders(dir));
}

test.run();
