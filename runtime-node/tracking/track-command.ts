// `posedyn track --video FILE --out DIR`: DIR/track.json (talking-head/tracking/track-format.ts) and, when the
// video has sound, DIR/speech.wav (16 kHz mono, 16-bit). Both are written only once everything is computed,
// each atomically, so a failure leaves DIR as it was.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_SAMPLE_RATE } from '../../talking-head/audio/decode.ts';
import { encodeWav16 } from '../../talking-head/formats/wav.ts';
import { faceTrackToJson } from '../../talking-head/tracking/track-format.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { trackVideo } from './track.ts';
import { type TrackedVideo, describeTrackedVideo } from './track-video.ts';

export interface TrackCommandOptions {
  readonly video: string;
  readonly out: string;
  readonly progress: boolean;
  readonly log?: (line: string) => void;
}

export const TRACK_FILE = 'track.json';
export const SPEECH_FILE = 'speech.wav';

export async function runTrack(options: TrackCommandOptions): Promise<TrackedVideo> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const video = await trackVideo(options.video, { progress: options.progress, log });
  await mkdir(options.out, { recursive: true });
  const trackPath = join(options.out, TRACK_FILE);
  const speechPath = join(options.out, SPEECH_FILE);
  await writeFileAtomic(trackPath, faceTrackToJson(video.track));
  if (video.speech) await writeFileAtomic(speechPath, encodeWav16(video.speech, MODEL_SAMPLE_RATE));
  // A speech.wav of an earlier video must not pass for this one's.
  else await rm(speechPath, { force: true });
  for (const line of describeTrackedVideo(video)) log(line);
  log(video.speech
    ? `wrote ${trackPath} and ${speechPath} (${(video.speech.length / MODEL_SAMPLE_RATE).toFixed(2)} s at ${MODEL_SAMPLE_RATE} Hz)`
    : `wrote ${trackPath} (the video has no sound: no ${SPEECH_FILE})`);
  return video;
}
