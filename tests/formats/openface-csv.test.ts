import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { parseOpenFaceCsv } from '../../talking-head/formats/openface-csv.ts';
import { readFileBytes } from '../../runtime-node/files/read-file.ts';
import { assertClose } from '../helpers/compare.ts';
import { FIXTURES } from './paths.ts';

const dir = join(FIXTURES, 'openface');
const clip = await readFileBytes(join(dir, 'clip.csv'));
const encode = (text: string) => new TextEncoder().encode(text);
const EXACT = { atol: 1e-12, rtol: 0 };

test('OpenFace CSV columns are found by name despite the leading spaces in the header', () => {
  const track = parseOpenFaceCsv(clip, 'clip.csv');
  assert.is(track.length, 10);
  assert.equal([...track.frames], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assertClose(track.timestamps.subarray(0, 3), [0, 0.033, 0.067], EXACT, 'timestamps');
  assertClose(track.confidence.subarray(0, 2), [0.58, 0.98], { atol: 1e-7, rtol: 0 }, 'confidence');
  assert.equal([...track.success], [1, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
  // Row 2: pose_Rx..Rz then pose_Tx..Tz, in that order in the output.
  assertClose(track.pose.subarray(6, 12), [0.1, -0.05, 0.02, 30, 12, 510], EXACT, 'frame 2 pose');
});

test('frames with success 0 or confidence < 0.8 are masked and filled by linear interpolation, edges by the nearest valid frame', () => {
  const track = parseOpenFaceCsv(clip, 'clip.csv');
  assert.equal([...track.valid], [0, 1, 1, 1, 0, 0, 1, 1, 1, 0]);
  const row = (r: number) => track.pose.subarray(r * 6, r * 6 + 6);
  assertClose(row(0), row(1), EXACT, 'leading invalid frame copies frame 2');
  assertClose(row(9), row(8), EXACT, 'trailing invalid frame copies frame 9');
  // Frames 5 and 6 lie 1/3 and 2/3 of the way from frame 4 to frame 7.
  const f4 = [0.12, -0.03, 0.03, 32, 13, 512];
  const f7 = [0.15, 0, 0.045, 35, 14.5, 515];
  assertClose(row(4), f4.map((a, k) => a + (f7[k]! - a) / 3), EXACT, 'frame 5');
  assertClose(row(5), f4.map((a, k) => a + (2 * (f7[k]! - a)) / 3), EXACT, 'frame 6');
});

test('the confidence threshold is configurable', () => {
  const track = parseOpenFaceCsv(clip, 'clip.csv', { minConfidence: 0.5 });
  assert.equal([...track.valid], [1, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
  assertClose(track.pose.subarray(30, 36), [0.9, 0.9, 0.9, 99, 99, 999], EXACT, 'frame 6 kept');
});

test('a missing pose column is an error naming the column and the source', async () => {
  const bytes = await readFileBytes(join(dir, 'missing_pose_rx.csv'));
  assert.throws(() => parseOpenFaceCsv(bytes, 'missing_pose_rx.csv'), /missing_pose_rx\.csv: has no column 'pose_Rx'/);
});

test('all frames invalid, no frames, a non-numeric cell and a ragged row are errors', () => {
  const header = 'frame, timestamp, confidence, success, pose_Tx, pose_Ty, pose_Tz, pose_Rx, pose_Ry, pose_Rz\n';
  assert.throws(() => parseOpenFaceCsv(encode(header + '1, 0.0, 0.9, 0, 0, 0, 0, 0, 0, 0\n2, 0.033, 0.2, 1, 1, 1, 1, 1, 1, 1\n'), 'bad.csv'),
    /bad\.csv: no valid frame among 2 \(every frame has success == 0 or confidence < 0\.8\)/);
  assert.throws(() => parseOpenFaceCsv(encode(header), 'empty.csv'), /empty\.csv: has a header but no frames/);
  assert.throws(() => parseOpenFaceCsv(encode(''), 'void.csv'), /void\.csv: is empty/);
  assert.throws(() => parseOpenFaceCsv(encode(header + '1, 0.0, 0.9, 1, 1, 2, 3, nan?, 0, 0\n'), 'bad.csv'),
    /bad\.csv: row 2 \(data row 1\), column 'pose_Rx': " nan\?" is not a number/);
  assert.throws(() => parseOpenFaceCsv(encode(header + '1, 0.0, 0.9\n'), 'short.csv'), /short\.csv: row 2 \(data row 1\) has 3 fields, expected 10 as in the header/);
});

test.run();
