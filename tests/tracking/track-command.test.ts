// `posedyn track` as a user runs it: on the real talking video with sound ($POSEDYN_DATA/talking-video/), and on
// files it must refuse (no video stream, not a video, no file, no face) with a message naming the file, a
// non-zero exit status and the output folder left as it was.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseWav } from '../../talking-head/formats/wav.ts';
import { parseFaceTrack } from '../../talking-head/tracking/track-format.ts';
import { CHROMIUM } from '../../runtime-node/tracking/chromium-tracker.ts';
import { runTrack } from '../../runtime-node/tracking/track-command.ts';
import { removeFolders, speechLikeWav, tempFolder } from '../data/synthetic-clips.ts';
import { REPO_ROOT, sharedData } from '../formats/paths.ts';
import { hasFfmpeg } from './tools.ts';

const CLI = join(REPO_ROOT, 'runtime-node/bin/posedyn.js');

function posedyn(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

if (!hasFfmpeg || !existsSync(CHROMIUM)) {
  test.skip(`posedyn track: needs ffmpeg and ${CHROMIUM} (./setup.sh installs both)`, () => undefined);
} else {
  const work = await tempFolder('track-command');
  const video = sharedData('talking-video/WDA_AlexandriaOcasioCortez_000.mp4', 'posedyn track on a talking video with sound');

  if (video) {
    test('a 25 fps talking video with sound: 240 frames at 30 fps with every field, and its speech at 16 kHz', async () => {
      const out = join(work, 'aoc');
      const lines: string[] = [];
      const tracked = await runTrack({ video, out, progress: false, log: (line) => lines.push(line) });
      const track = parseFaceTrack(readFileSync(join(out, 'track.json'), 'utf8'), 'track.json');
      assert.is(track.fps, 30);
      assert.is(track.frames, 240, '8 s at 30 fps');
      assert.is(tracked.track.summary.trackedFrames, 200, 'the video\'s 200 frames at 25 fps');
      assert.is(track.success.reduce((s, v) => s + v, 0), 240, 'a face in every frame');
      const tz = Array.from({ length: 240 }, (_, f) => track.pose[f * 6 + 5]!);
      assert.ok(tz.every((z) => z < -10 && z > -100), `the head sits in front of the camera, tz ${Math.min(...tz).toFixed(1)} .. ${Math.max(...tz).toFixed(1)} cm`);
      const opening = [...track.mouthOpening];
      assert.ok(Math.max(...opening) - Math.min(...opening) > 1, 'she speaks: the lips open by more than 1 cm');
      const speech = parseWav(readFileSync(join(out, 'speech.wav')), 'speech.wav');
      assert.is(speech.sampleRate, 16000);
      assert.is(speech.channels, 1);
      assert.ok(Math.abs(speech.samples.length / 16000 - 8) < 0.1, `${speech.samples.length / 16000} s of speech`);
      assert.match(lines.join('\n'), /240 frames at 30 frames\/s: 240 with a face, 0 filled by interpolation/);
    });
  }

  if (video) {
    test('posedyn/node trackVideo: the same track as the command, in memory, for a range of frames', async () => {
      const { trackVideo } = await import('../../runtime-node/index.ts');
      const { track, speech } = await trackVideo(video, { range: { from: 50, count: 15 } });
      assert.is(track.frames, 18, '15 frames at 25 fps are 18 at 30 fps');
      assert.is(track.summary.trackedFrames, 15);
      assert.is(track.landmarks.length, 18 * 468 * 3);
      assert.ok(track.pose.every(Number.isFinite) && track.face.every(Number.isFinite), 'finite poses and coefficients');
      assert.is(speech, null, 'a range has no speech (the sound would need cutting too)');
    });
  }

  const existing = join(work, 'kept');
  const keep = () => {
    writeFileSync(join(existing, 'track.json'), 'earlier result\n');
  };
  const assertKept = (what: string) => assert.is(readFileSync(join(existing, 'track.json'), 'utf8'), 'earlier result\n', `${what}: the earlier track.json is untouched`);
  await import('node:fs/promises').then((fs) => fs.mkdir(existing, { recursive: true }));

  test('a file without a video stream is refused naming the file and what it holds', () => {
    keep();
    const wav = join(work, 'speech-only.wav');
    writeFileSync(wav, speechLikeWav(30, 16000, 1));
    const run = posedyn('track', '--video', wav, '--out', existing);
    assert.is.not(run.status, 0);
    assert.match(run.output, `posedyn: ${wav}: no video stream (streams: audio pcm_s16le); expected a talking-head video`);
    assertKept('no video stream');
  });

  test('a file that is no video at all, and a missing file, are refused naming the file', () => {
    keep();
    const junk = join(work, 'junk.mp4');
    writeFileSync(junk, new Uint8Array(4096).fill(7));
    const bad = posedyn('track', '--video', junk, '--out', existing);
    assert.is.not(bad.status, 0);
    assert.match(bad.output, `posedyn: ${junk}: not a video ffmpeg can read (ffprobe: `);
    const missing = posedyn('track', '--video', join(work, 'nowhere.mp4'), '--out', existing);
    assert.is.not(missing.status, 0);
    assert.match(missing.output, `posedyn: ${join(work, 'nowhere.mp4')}: file not found`);
    assertKept('bad files');
  });

  test('a video without a face is refused after tracking, and nothing is written', () => {
    keep();
    const pattern = join(work, 'test-pattern.mp4');
    const made = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=1', '-pix_fmt', 'yuv420p', pattern]);
    assert.is(made.status, 0, 'ffmpeg made a test pattern');
    const run = posedyn('track', '--video', pattern, '--out', existing);
    assert.is.not(run.status, 0);
    assert.match(run.output, `posedyn: ${pattern}: no face found in any of its 10 frames`);
    assertKept('no face');
    assert.not.ok(existsSync(join(existing, 'speech.wav')));
  });

  test.after(() => removeFolders(work));
}

test.run();
