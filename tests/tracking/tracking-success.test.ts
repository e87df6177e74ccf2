import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_FAILED_TRACKING_FRACTION, TrackingError, checkTrackingSuccess, trackingSuccess } from '../../talking-head/tracking/tracking-success.ts';

const flags = (n: number, failed: (i: number) => boolean) => Uint8Array.from({ length: n }, (_, i) => (failed(i) ? 0 : 1));

test('tracking success counts failed frames and the longest run of them', () => {
  assert.equal(trackingSuccess(flags(10, (i) => i === 2 || (i >= 5 && i < 8))), { frames: 10, failed: 4, longestGap: 3 });
  assert.equal(trackingSuccess([true, true]), { frames: 2, failed: 0, longestGap: 0 });
});

test('a clip with a few failed frames is reported, one that failed on most frames is refused naming the file and the threshold', () => {
  assert.is(checkTrackingSuccess('a.csv', flags(600, () => false), 30), null);
  assert.is(checkTrackingSuccess('a.csv', flags(600, (i) => i >= 100 && i < 130), 30), 'a.csv: tracking failed on 30 of 600 frames (5.0%), the longest gap 30 frames (1.00 s); their poses are interpolated');
  assert.is(MAX_FAILED_TRACKING_FRACTION, 0.5);
  assert.ok(checkTrackingSuccess('half.csv', flags(600, (i) => i < 300), 30)?.includes('300 of 600'), 'exactly half is still accepted');
  assert.throws(
    () => checkTrackingSuccess('b.csv', flags(600, (i) => i !== 10 && i !== 500), 30),
    (e: Error) => e instanceof TrackingError && /^b\.csv: tracking failed on 598 of 600 frames \(99\.7%\), more than the 50% a clip may miss; its poses would be interpolated from 2 tracked frames/.test(e.message),
  );
  assert.throws(() => checkTrackingSuccess('c.track.json', flags(10, (i) => i < 8), 30, 0.75), /c\.track\.json: tracking failed on 8 of 10 frames \(80\.0%\), more than the 75%/);
});

test.run();
