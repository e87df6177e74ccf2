// WAV reader (RIFF and RF64 containers) and a 16-bit PCM writer, runtime-agnostic.
//
// A RIFF WAVE file is "RIFF" <u32 size> "WAVE" followed by chunks: <4-byte id> <u32 LE size> <data, padded to an
// even length>. "fmt " gives the codec (1 = PCM, 3 = IEEE float, 0xFFFE = WAVE_FORMAT_EXTENSIBLE whose
// sub-format GUID starts with the real codec), channel count, sample rate, block align and bits per sample;
// "data" holds interleaved frames. RF64 (EBU Tech 3306) is the same with "RF64" and the 64-bit sizes in a
// "ds64" chunk, the 32-bit fields set to 0xFFFFFFFF.
// Samples are scaled to [-1, 1) (8-bit PCM is unsigned with 128 as zero) and channels averaged to mono.
// Headers are sanity-checked before anything is decoded: a sample rate in 1 kHz - 384 kHz (a lying rate of 8 Hz
// would make resampling to 16 kHz 2000 times longer than the file), at least one whole frame of audio.
import { FormatError, readSafeUint64 } from '../../core/formats/bytes.ts';

export interface WavAudio {
  readonly sampleRate: number;
  /** channels in the file (the samples are already mixed to mono) */
  readonly channels: number;
  /** mono, in [-1, 1] */
  readonly samples: Float32Array;
}

/** Sample rates a speech WAV may declare: telephone-band rates start at 8 kHz, studio masters end at 384 kHz. */
export const WAV_SAMPLE_RATES = { min: 1000, max: 384000 } as const;

const FORMAT_PCM = 1;
const FORMAT_IEEE_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const CODEC_NAMES: Record<number, string> = {
  2: 'Microsoft ADPCM', 6: 'A-law', 7: 'mu-law', 0x11: 'IMA ADPCM', 0x31: 'GSM 6.10', 0x50: 'MPEG', 0x55: 'MP3',
};

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

interface Format {
  readonly codec: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockAlign: number;
  readonly bitsPerSample: number;
}

function parseFormat(body: Uint8Array, source: string): Format {
  if (body.length < 16) throw new FormatError(source, `fmt chunk is ${body.length} bytes, expected at least 16`);
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let codec = dv.getUint16(0, true);
  const channels = dv.getUint16(2, true);
  const sampleRate = dv.getUint32(4, true);
  const blockAlign = dv.getUint16(12, true);
  const bitsPerSample = dv.getUint16(14, true);
  if (codec === FORMAT_EXTENSIBLE) {
    if (body.length < 40) throw new FormatError(source, `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${body.length} bytes, expected 40`);
    // The sub-format GUID is {codec}-0000-0010-8000-00AA00389B71; its first two bytes are the codec.
    codec = dv.getUint16(24, true);
  }
  if (codec !== FORMAT_PCM && codec !== FORMAT_IEEE_FLOAT) {
    const name = CODEC_NAMES[codec] ? ` (${CODEC_NAMES[codec]})` : '';
    throw new FormatError(source, `WAV codec 0x${codec.toString(16)}${name} is not supported; expected PCM (8/16/24/32-bit) or IEEE float (32/64-bit)`);
  }
  const supported = codec === FORMAT_PCM ? [8, 16, 24, 32] : [32, 64];
  if (!supported.includes(bitsPerSample)) {
    throw new FormatError(source, `${codec === FORMAT_PCM ? 'PCM' : 'IEEE float'} WAV with ${bitsPerSample} bits per sample is not supported; expected ${supported.join('/')}`);
  }
  if (channels === 0) throw new FormatError(source, 'fmt chunk declares 0 channels');
  if (sampleRate < WAV_SAMPLE_RATES.min || sampleRate > WAV_SAMPLE_RATES.max) {
    throw new FormatError(source, `fmt chunk declares a sample rate of ${sampleRate} Hz, expected ${WAV_SAMPLE_RATES.min}-${WAV_SAMPLE_RATES.max} Hz (a broken or foreign header?)`);
  }
  if (blockAlign !== channels * (bitsPerSample / 8)) {
    throw new FormatError(source, `fmt block align is ${blockAlign}, expected ${channels * (bitsPerSample / 8)} for ${channels} channels of ${bitsPerSample} bits`);
  }
  return { codec, channels, sampleRate, blockAlign, bitsPerSample };
}

/** Decodes interleaved frames to mono floats by averaging the channels. */
function mixToMono(data: Uint8Array, format: Format): Float32Array {
  const { channels, blockAlign, bitsPerSample, codec } = format;
  const frames = Math.floor(data.length / blockAlign);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float32Array(frames);
  const bytesPerSample = bitsPerSample / 8;
  const read: (at: number) => number = codec === FORMAT_IEEE_FLOAT
    ? (bitsPerSample === 32 ? (at) => dv.getFloat32(at, true) : (at) => dv.getFloat64(at, true))
    : bitsPerSample === 8 ? (at) => (data[at]! - 128) / 128
    : bitsPerSample === 16 ? (at) => dv.getInt16(at, true) / 32768
    : bitsPerSample === 24 ? (at) => ((data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16)) << 8 >> 8) / 8388608
    : (at) => dv.getInt32(at, true) / 2147483648;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(f * blockAlign + c * bytesPerSample);
    out[f] = sum / channels;
  }
  return out;
}

/** Parses a RIFF or RF64 WAVE file into mono samples at the file's own rate. */
export function parseWav(bytes: Uint8Array, source: string): WavAudio {
  if (bytes.length < 12) throw new FormatError(source, `is ${bytes.length} bytes, too short for a WAV header`);
  const container = fourcc(bytes, 0);
  if ((container !== 'RIFF' && container !== 'RF64') || fourcc(bytes, 8) !== 'WAVE') {
    throw new FormatError(source, `is not a WAV file: starts with ${JSON.stringify(fourcc(bytes, 0) + '....' + fourcc(bytes, 8))}, expected "RIFF....WAVE" or "RF64....WAVE"`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Format | undefined;
  let rf64DataSize: number | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = fourcc(bytes, at);
    let size = dv.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'data') {
      if (!format) throw new FormatError(source, 'data chunk comes before any fmt chunk (missing fmt chunk)');
      if (size === 0xffffffff && rf64DataSize !== undefined) size = rf64DataSize;
      if (body + size > bytes.length) {
        throw new FormatError(source, `data chunk declares ${size} bytes but only ${bytes.length - body} remain (file truncated?)`);
      }
      if (size < format.blockAlign) throw new FormatError(source, `data chunk holds ${size} bytes, less than one frame of audio (${format.blockAlign} bytes); expected at least one frame`);
      return { sampleRate: format.sampleRate, channels: format.channels, samples: mixToMono(bytes.subarray(body, body + size), format) };
    }
    if (body + size > bytes.length) throw new FormatError(source, `'${id}' chunk declares ${size} bytes but only ${bytes.length - body} remain (file truncated?)`);
    if (id === 'fmt ') format = parseFormat(bytes.subarray(body, body + size), source);
    if (id === 'ds64') {
      if (size < 24) throw new FormatError(source, `ds64 chunk is ${size} bytes, expected at least 24`);
      rf64DataSize = readSafeUint64(dv, body + 8, true, source, 'RF64 data size');
    }
    at = body + size + (size & 1);
  }
  throw new FormatError(source, format ? 'has no data chunk (file truncated?)' : 'has no fmt chunk and no data chunk (missing fmt chunk; file truncated?)');
}

/** Encodes mono samples as a 16-bit PCM RIFF WAVE file (scaled by 32768 like the reader, clipped to the int16 range). */
export function encodeWav16(samples: Float32Array, sampleRate: number): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const dv = new DataView(out.buffer);
  const ascii = (at: number, text: string) => out.set(Array.from(text, (c) => c.charCodeAt(0)), at);
  ascii(0, 'RIFF');
  dv.setUint32(4, 36 + samples.length * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, FORMAT_PCM, true);
  dv.setUint16(22, 1, true);
  dv.setUint32(24, sampleRate, true);
  dv.setUint32(28, sampleRate * 2, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  ascii(36, 'data');
  dv.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    dv.setInt16(44 + i * 2, Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768))), true);
  }
  return out;
}
