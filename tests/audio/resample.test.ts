import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Resampler, resample } from '../../talking-head/audio/resample.ts';
import { parseWav } from '../../talking-head/formats/wav.ts';
import { readFileBytes } from '../../runtime-node/files/read-file.ts';
import { hasTool, run, tempFolder } from '../formats/sox.ts';

const haveTools = hasTool('sox', 'resampler comparison with sox') && hasTool('espeak-ng', 'speech for the resampler comparison');
const tmp = tempFolder('resample');
test.after(tmp.dispose);
/** Output samples ignored at each end: the filter half-length (< 400 input samples) is 150 output samples at most. */
const EDGE = 200;

function db(ratio: number): number {
  return 10 * Math.log10(ratio);
}

/** SNR of `ours` against `reference` in dB over the common length, ignoring EDGE samples at each end. */
function snrDb(ours: Float32Array, reference: Float32Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = EDGE; i < Math.min(ours.length, reference.length) - EDGE; i++) {
    signal += reference[i]! ** 2;
    noise += (ours[i]! - reference[i]!) ** 2;
  }
  return db(signal / noise);
}

/** Least-squares fit of a*sin + b*cos at `freq` over the middle of y; returns the amplitude and residual power. */
function fitTone(y: Float32Array, freq: number, rate: number): { amplitude: number; residualPower: number } {
  let ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
  for (let i = EDGE; i < y.length - EDGE; i++) {
    const s = Math.sin((2 * Math.PI * freq * i) / rate);
    const c = Math.cos((2 * Math.PI * freq * i) / rate);
    ss += s * s; sc += s * c; cc += c * c; ys += y[i]! * s; yc += y[i]! * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let residual = 0;
  for (let i = EDGE; i < y.length - EDGE; i++) {
    residual += (y[i]! - a * Math.sin((2 * Math.PI * freq * i) / rate) - b * Math.cos((2 * Math.PI * freq * i) / rate)) ** 2;
  }
  return { amplitude: Math.hypot(a, b), residualPower: residual / (y.length - 2 * EDGE) };
}

function tone(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate + 0.3));
}

/** espeak-ng speech (22.05 kHz) converted by sox to `rate`, band-limited by sox's `sinc -<band>`. */
async function speechAt(rate: number, band: number): Promise<string> {
  const raw = join(tmp.path, 'speech22.wav');
  run('espeak-ng', ['-w', raw, 'The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore.']);
  const path = join(tmp.path, `speech_${rate}.wav`);
  run('sox', [raw, '-e', 'floating-point', '-b', '32', '-r', String(rate), path, 'sinc', `-${band}`]);
  return path;
}

// Both resamplers are specified only inside their passbands; their transition bands (the top few % below the
// lower Nyquist) differ by design, so the speech is first band-limited below both passband edges
// (7 kHz for a 16 kHz output, 3.5 kHz for an 8 kHz input) and the comparison measures the filters' passbands.
const SOX_CASES = [
  { from: 44100, to: 16000, band: 7000 },
  { from: 48000, to: 16000, band: 7000 },
  { from: 22050, to: 16000, band: 7000 },
  { from: 8000, to: 16000, band: 3500 },
];
for (const c of SOX_CASES) {
  test(`speech ${c.from} -> ${c.to} Hz matches sox 'rate -v' with SNR >= 60 dB and the same length`, async () => {
    if (!haveTools) return;
    const source = await speechAt(c.from, c.band);
    const reference = join(tmp.path, `sox_${c.from}_${c.to}.wav`);
    run('sox', [source, '-e', 'floating-point', '-b', '32', reference, 'rate', '-v', String(c.to)]);
    const input = parseWav(await readFileBytes(source), source).samples;
    const ours = resample(input, c.from, c.to);
    const theirs = parseWav(await readFileBytes(reference), reference).samples;
    assert.is(ours.length, Math.round((input.length * c.to) / c.from));
    assert.ok(Math.abs(ours.length - theirs.length) <= 1, `length ${ours.length}, sox ${theirs.length}`);
    const snr = snrDb(ours, theirs);
    assert.ok(snr >= 60, `SNR ${snr.toFixed(1)} dB against sox, expected >= 60 dB`);
  });
}

test('a 1 kHz tone keeps its amplitude (within 0.01 dB) and frequency through 44100 -> 16000 and 8000 -> 16000', () => {
  for (const [from, to] of [[44100, 16000], [8000, 16000], [48000, 16000]] as const) {
    const out = resample(tone(1000, from, 0.3), from, to);
    const fit = fitTone(out, 1000, to);
    assert.ok(Math.abs(20 * Math.log10(fit.amplitude / 0.5)) < 0.01, `${from} -> ${to}: amplitude ${fit.amplitude}`);
    assert.ok(db(fit.residualPower / (0.5 ** 2 / 2)) < -60, `${from} -> ${to}: residual ${db(fit.residualPower / 0.125).toFixed(1)} dB`);
  }
});

test('tones above the new Nyquist frequency are attenuated by >= 60 dB (no aliasing)', () => {
  for (const [from, freq] of [[44100, 8100], [44100, 9000], [44100, 15000], [48000, 8200], [48000, 20000]] as const) {
    const out = resample(tone(freq, from, 0.2), from, 16000);
    let power = 0;
    for (let i = EDGE; i < out.length - EDGE; i++) power += out[i]! ** 2;
    const attenuation = db(power / (out.length - 2 * EDGE) / (0.5 ** 2 / 2));
    assert.ok(attenuation < -60, `${freq} Hz at ${from} Hz -> 16000 Hz: ${attenuation.toFixed(1)} dB, expected < -60 dB`);
  }
});

test('upsampling 8000 -> 16000 leaves no image of a 3 kHz tone at 5 kHz (>= 60 dB down)', () => {
  const out = resample(tone(3000, 8000, 0.3), 8000, 16000);
  const fit = fitTone(out, 3000, 16000);
  assert.ok(db(fit.residualPower / (0.5 ** 2 / 2)) < -60, `residual ${db(fit.residualPower / 0.125).toFixed(1)} dB`);
});

test('output length is round(n * out / in) for any n, equal rates copy, and bad rates are rejected', () => {
  const r = new Resampler(44100, 16000);
  for (const n of [0, 1, 2, 3, 441, 1000, 44099]) assert.is(r.run(new Float32Array(n)).length, Math.round((n * 16000) / 44100), `n = ${n}`);
  const x = Float32Array.from([1, 2, 3]);
  const same = resample(x, 16000, 16000);
  assert.equal([...same], [1, 2, 3]);
  assert.ok(same !== x);
  assert.throws(() => new Resampler(0, 16000), /resample: rates must be positive integers, got 0 Hz -> 16000 Hz/);
  assert.throws(() => new Resampler(44100.5, 16000), /rates must be positive integers/);
});

test('a rate pair with too many phases for a filter bank (44100 -> 16001) still keeps a tone exact', () => {
  const out = resample(tone(1000, 44100, 0.06), 44100, 16001);
  assert.is(out.length, Math.round((0.06 * 44100 * 16001) / 44100));
  const fit = fitTone(out, 1000, 16001);
  assert.ok(Math.abs(20 * Math.log10(fit.amplitude / 0.5)) < 0.01, `amplitude ${fit.amplitude}`);
});

test.run();
