// Speech audio bytes -> mono float samples at 16 kHz, the rate of posedyn's audio front end.
// WAV (RIFF / RF64: PCM 8/16/24/32-bit, IEEE float 32/64, extensible) is decoded here; compressed formats are
// recognised by their magic bytes and rejected with a hint, because no small pure-JS decoder is bundled.
// Decoded samples are checked: every one finite, and float files in the range of audio (a file scaled by 1e20
// decodes "fine" and turns every feature infinite).
import { FormatError } from '../../core/formats/bytes.ts';
import { parseWav } from '../formats/wav.ts';
import { Resampler } from './resample.ts';

export const MODEL_SAMPLE_RATE = 16000;

/**
 * The largest sample magnitude accepted. Float WAVs may go past full scale (1.0) after processing, by a few
 * times at most; far beyond it a file was written in another scale (raw integers stored as floats) or is noise.
 */
export const MAX_SAMPLE_MAGNITUDE = 16;

const CONVERT_HINT = 'convert it first, e.g. `ffmpeg -i input -ac 1 -ar 16000 output.wav` or `sox input -c 1 -r 16000 output.wav`';

function sniffCompressed(bytes: Uint8Array): string | undefined {
  const text = (at: number, n: number) => String.fromCharCode(...bytes.subarray(at, at + n));
  if (text(0, 4) === 'fLaC') return 'FLAC';
  if (text(0, 4) === 'OggS') return 'Ogg (Vorbis/Opus)';
  if (text(0, 3) === 'ID3' || (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0)) return 'MP3 / MPEG audio';
  if (text(4, 4) === 'ftyp') return 'MP4 / M4A';
  return undefined;
}

/** Decodes a WAV file to mono samples in [-1, 1] at MODEL_SAMPLE_RATE (channels averaged, then resampled). */
export function decodeAudio(bytes: Uint8Array, source: string): Float32Array {
  const head = String.fromCharCode(...bytes.subarray(0, 4));
  if (head !== 'RIFF' && head !== 'RF64') {
    const kind = sniffCompressed(bytes);
    const what = kind ? `is ${kind} audio` : 'is not a recognised audio file';
    throw new FormatError(source, `${what}; posedyn decodes WAV only (PCM 8/16/24/32-bit or float 32/64, any rate, any channel count): ${CONVERT_HINT}`);
  }
  const wav = parseWav(bytes, source);
  let peak = 0;
  let at = 0;
  for (let i = 0; i < wav.samples.length; i++) {
    const v = wav.samples[i]!;
    if (!Number.isFinite(v)) throw new FormatError(source, `sample ${i} (at ${(i / wav.sampleRate).toFixed(3)} s) is ${v}; audio samples must be finite numbers`);
    if (Math.abs(v) > peak) [peak, at] = [Math.abs(v), i];
  }
  if (peak > MAX_SAMPLE_MAGNITUDE) {
    throw new FormatError(source, `samples reach ${peak.toPrecision(3)} (sample ${at}, at ${(at / wav.sampleRate).toFixed(3)} s), expected audio within [-${MAX_SAMPLE_MAGNITUDE}, ${MAX_SAMPLE_MAGNITUDE}] (full scale is 1): was it written in another scale?`);
  }
  return wav.sampleRate === MODEL_SAMPLE_RATE ? wav.samples : new Resampler(wav.sampleRate, MODEL_SAMPLE_RATE).run(wav.samples);
}
