// Synthetic test signals for the audio front end, and the vowel fixture made by
// tests/fixtures/make_audio_features.py.
import { readFileSync } from 'node:fs';
import { rng } from '../helpers/random.ts';

/** sum_{h=1..harmonics} amplitude / h * sin(2 pi h f0 t) plus uniform noise of +-noise, at `sampleRate`. */
export function harmonicTone(f0: number, seconds: number, options: { sampleRate?: number; amplitude?: number; harmonics?: number; noise?: number; seed?: number } = {}): Float32Array {
  const { sampleRate = 16000, amplitude = 0.3, harmonics = 8, noise = 0.003, seed = 7 } = options;
  const next = rng(seed);
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let h = 1; h <= harmonics; h++) v += Math.sin((2 * Math.PI * h * f0 * i) / sampleRate) / h;
    out[i] = amplitude * v + noise * (2 * next() - 1);
  }
  return out;
}

export interface VowelFixture {
  readonly config: Record<string, unknown>;
  readonly samples: Float32Array;
  readonly frames: number;
  /** [frames][F] */
  readonly features: number[][];
  /** librosa.filters.mel(htk=True, norm=None): each row's first nonzero bin and its nonzero run */
  readonly librosaMelFilterbank: { first: number; weights: number[] }[];
}

export function loadVowelFixture(): VowelFixture {
  const url = new URL('../fixtures/audio-features/vowel.json', import.meta.url);
  const json = JSON.parse(readFileSync(url, 'utf8'));
  const bytes = Buffer.from(json.signal.int16Base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = Float32Array.from({ length: bytes.length / 2 }, (_, i) => view.getInt16(2 * i, true) / 32768);
  return { ...json, samples };
}
