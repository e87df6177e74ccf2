import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { decodeAudio } from '../../talking-head/audio/decode.ts';
import { encodeWav16, parseWav } from '../../talking-head/formats/wav.ts';
import { readFileBytes } from '../../runtime-node/files/read-file.ts';
import { assertClose } from '../helpers/compare.ts';
import { hasTool, run, tempFolder } from './sox.ts';

const haveSox = hasTool('sox', 'WAV fixtures are made by sox at test time');
const tmp = tempFolder('wav');
test.after(tmp.dispose);

/** sox's own decode of a WAV to interleaved float32, averaged to mono: the reference for ours. */
async function soxMono(path: string, channels: number): Promise<Float32Array> {
  run('sox', [path, '-t', 'f32', '-e', 'floating-point', `${path}.f32`]);
  const bytes = await readFileBytes(`${path}.f32`);
  const interleaved = new Float32Array(bytes.slice().buffer);
  const mono = new Float32Array(interleaved.length / channels);
  for (let f = 0; f < mono.length; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[f * channels + c]!;
    mono[f] = sum / channels;
  }
  return mono;
}

const CASES = [
  { name: '8-bit unsigned PCM mono', args: ['-b', '8', '-e', 'unsigned-integer'], channels: 1, rate: 16000 },
  { name: '16-bit PCM mono', args: ['-b', '16', '-e', 'signed-integer'], channels: 1, rate: 16000 },
  { name: '16-bit PCM stereo 44.1 kHz', args: ['-b', '16', '-e', 'signed-integer'], channels: 2, rate: 44100 },
  { name: '24-bit PCM stereo (WAVE_FORMAT_EXTENSIBLE)', args: ['-b', '24', '-e', 'signed-integer'], channels: 2, rate: 44100 },
  { name: '32-bit PCM 3 channels (extensible)', args: ['-b', '32', '-e', 'signed-integer'], channels: 3, rate: 22050 },
  { name: 'float32 stereo 48 kHz', args: ['-b', '32', '-e', 'floating-point'], channels: 2, rate: 48000 },
  { name: 'float64 mono', args: ['-b', '64', '-e', 'floating-point'], channels: 1, rate: 8000 },
];

for (const c of CASES) {
  test(`WAV ${c.name} decodes like sox, channels averaged to mono`, async () => {
    if (!haveSox) return;
    const path = join(tmp.path, `${c.name.replace(/\W+/g, '_')}.wav`);
    const tones = ['sine', '440', 'sine', '1000', 'square', '250'].slice(0, 2 * c.channels);
    run('sox', ['-D', '-n', '-r', String(c.rate), '-c', String(c.channels), ...c.args, path, 'synth', '0.1', ...tones, 'vol', '0.6']);
    const wav = parseWav(await readFileBytes(path), path);
    assert.is(wav.sampleRate, c.rate);
    assert.is(wav.channels, c.channels);
    assert.is(wav.samples.length, Math.round(0.1 * c.rate));
    assertClose(wav.samples, await soxMono(path, c.channels), { atol: 1e-7, rtol: 0 }, c.name);
    assert.ok(Math.max(...wav.samples.map(Math.abs)) > 0.3, 'signal present');
  });
}

test('encodeWav16 round-trips through parseWav within half a 16-bit step', () => {
  const samples = Float32Array.from({ length: 500 }, (_, i) => 0.9 * Math.sin(i / 7));
  const wav = parseWav(encodeWav16(samples, 16000), 'encoded.wav');
  assert.is(wav.sampleRate, 16000);
  assert.is(wav.channels, 1);
  assertClose(wav.samples, samples, { atol: 0.5 / 32768, rtol: 0 }, 'round trip');
});

test('RF64 with a ds64 chunk and data size 0xFFFFFFFF reads its data', () => {
  const riff = encodeWav16(Float32Array.from([0.5, -0.25, 0]), 16000);
  const ds64 = new Uint8Array(8 + 28);
  ds64.set([0x64, 0x73, 0x36, 0x34]); // "ds64"
  const dv = new DataView(ds64.buffer);
  dv.setUint32(4, 28, true);
  dv.setBigUint64(16, 6n, true); // data size
  const rf64 = new Uint8Array(riff.length + ds64.length);
  rf64.set(riff.subarray(0, 12));
  rf64.set([0x52, 0x46, 0x36, 0x34]); // "RF64"
  rf64.set(ds64, 12);
  rf64.set(riff.subarray(12), 12 + ds64.length);
  new DataView(rf64.buffer).setUint32(12 + ds64.length + 28, 0xffffffff, true);
  assertClose(parseWav(rf64, 'x.rf64').samples, [0.5, -0.25, 0], { atol: 0.5 / 32768, rtol: 0 }, 'rf64');
});

test('a truncated data chunk is an error naming the file and the missing bytes', () => {
  const bytes = encodeWav16(new Float32Array(100), 16000);
  assert.throws(() => parseWav(bytes.subarray(0, bytes.length - 11), 'speech.wav'), /speech\.wav: data chunk declares 200 bytes but only 189 remain \(file truncated\?\)/);
  assert.throws(() => parseWav(bytes.subarray(0, 30), 'speech.wav'), /speech\.wav: 'fmt ' chunk declares 16 bytes but only 10 remain/);
});

test('a missing fmt chunk, a wrong magic and an unsupported codec are named', async () => {
  const bytes = encodeWav16(new Float32Array(4), 16000);
  const noFmt = new Uint8Array([...bytes.subarray(0, 12), ...bytes.subarray(36)]);
  assert.throws(() => parseWav(noFmt, 'a.wav'), /a\.wav: data chunk comes before any fmt chunk \(missing fmt chunk\)/);
  assert.throws(() => parseWav(bytes.subarray(0, 12), 'a.wav'), /a\.wav: has no fmt chunk and no data chunk/);
  assert.throws(() => parseWav(new TextEncoder().encode('OggS and then some more bytes'), 'a.ogg'), /a\.ogg: is not a WAV file/);
  if (!haveSox) return;
  const path = join(tmp.path, 'alaw.wav');
  run('sox', ['-D', '-n', '-r', '8000', '-c', '1', '-e', 'a-law', path, 'synth', '0.05', 'sine', '440']);
  const alaw = await readFileBytes(path);
  assert.throws(() => parseWav(alaw, path), /alaw\.wav: WAV codec 0x6 \(A-law\) is not supported; expected PCM/);
});

test('decodeAudio passes 16 kHz through, resamples other rates to round(n * 16000 / rate), and rejects FLAC/Ogg/MP3 by magic', () => {
  const at16 = Float32Array.from({ length: 1600 }, (_, i) => 0.5 * Math.sin(i / 5));
  assertClose(decodeAudio(encodeWav16(at16, 16000), 'a.wav'), at16, { atol: 0.5 / 32768, rtol: 0 }, '16 kHz');
  assert.is(decodeAudio(encodeWav16(new Float32Array(4410), 44100), 'b.wav').length, 1600);
  assert.throws(() => decodeAudio(new TextEncoder().encode('fLaC\0\0\0\x22'), 'c.flac'), /c\.flac: is FLAC audio; posedyn decodes WAV only .*ffmpeg/);
  assert.throws(() => decodeAudio(new TextEncoder().encode('OggS\0\x02'), 'c.ogg'), /c\.ogg: is Ogg \(Vorbis\/Opus\) audio; posedyn decodes WAV only/);
  assert.throws(() => decodeAudio(new TextEncoder().encode('ID3\x04\0\0'), 'c.mp3'), /c\.mp3: is MP3 \/ MPEG audio/);
  assert.throws(() => decodeAudio(new Uint8Array([0xff, 0xfb, 0x90, 0x64]), 'd.mp3'), /d\.mp3: is MP3 \/ MPEG audio/);
  assert.throws(() => decodeAudio(new TextEncoder().encode('hello world'), 'e.txt'), /e\.txt: is not a recognised audio file; posedyn decodes WAV only/);
});

/** A mono WAV whose fmt chunk declares `rate` (the byte rate follows it), with `samples` 16-bit samples. */
function withRate(rate: number, samples = 160): Uint8Array {
  const bytes = encodeWav16(new Float32Array(samples).fill(0.25), 16000);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(24, rate, true);
  dv.setUint32(28, (rate * 2) >>> 0, true);
  return bytes;
}

/** A mono IEEE-float WAV of the given samples. */
function floatWav(samples: readonly number[], rate = 16000): Uint8Array {
  const out = new Uint8Array(44 + 4 * samples.length);
  const dv = new DataView(out.buffer);
  const ascii = (at: number, text: string) => out.set(Array.from(text, (c) => c.charCodeAt(0)), at);
  ascii(0, 'RIFF'); dv.setUint32(4, 36 + 4 * samples.length, true); ascii(8, 'WAVE'); ascii(12, 'fmt '); dv.setUint32(16, 16, true);
  dv.setUint16(20, 3, true); dv.setUint16(22, 1, true); dv.setUint32(24, rate, true); dv.setUint32(28, 4 * rate, true); dv.setUint16(32, 4, true); dv.setUint16(34, 32, true);
  ascii(36, 'data'); dv.setUint32(40, 4 * samples.length, true);
  samples.forEach((v, i) => dv.setFloat32(44 + 4 * i, v, true));
  return out;
}

test('a header rate outside 1 kHz-384 kHz is refused before decoding, naming the rate and the range; the ends are accepted', () => {
  const started = performance.now();
  for (const rate of [0, 8, 999, 384001, 4_000_000_000]) {
    assert.throws(() => decodeAudio(withRate(rate), 'lying.wav'), new RegExp(`lying\\.wav: fmt chunk declares a sample rate of ${rate} Hz, expected 1000-384000 Hz`), `rate ${rate}`);
  }
  assert.ok(performance.now() - started < 1000, 'refused at once (the 8 Hz header once meant minutes of resampling)');
  assert.is(parseWav(withRate(1000), 'low.wav').sampleRate, 1000);
  assert.is(parseWav(withRate(384000), 'high.wav').sampleRate, 384000);
});

test('a data chunk without one whole frame of audio is refused', () => {
  assert.throws(() => parseWav(encodeWav16(new Float32Array(0), 16000), 'empty.wav'), /empty\.wav: data chunk holds 0 bytes, less than one frame of audio \(2 bytes\); expected at least one frame/);
  assert.equal(Array.from(parseWav(encodeWav16(Float32Array.of(0.5), 16000), 'one.wav').samples), [0.5]);
});

test('decoded samples must be finite and within 16x full scale: a float WAV scaled by 1e20 or holding NaN is refused naming the sample', () => {
  assert.throws(() => decodeAudio(floatWav([0.1, 0.2, 1e20, 0.1]), 'loud.wav'), /loud\.wav: samples reach 1\.00e\+20 \(sample 2, at 0\.000 s\), expected audio within \[-16, 16\]/);
  assert.throws(() => decodeAudio(floatWav([0.1, NaN]), 'nan.wav'), /nan\.wav: sample 1 \(at 0\.000 s\) is NaN; audio samples must be finite numbers/);
  assert.throws(() => decodeAudio(floatWav([-Infinity]), 'inf.wav'), /inf\.wav: sample 0 .* is -Infinity/);
  assert.is(decodeAudio(floatWav([1.5, -2, 0.3]), 'hot.wav').length, 3, 'a little past full scale is audio');
});

test.run();
