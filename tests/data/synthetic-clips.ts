// Small synthetic clip folders for the dataset tests: speech-like WAV (harmonic tone with a syllable-rate
// envelope), Deep3DFaceRecon-style .mat (coeff N x 257) and OpenFace-style .csv, written to a temp folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matFromRowMajor, writeMat5 } from '../../talking-head/formats/mat5.ts';
import { encodeWav16 } from '../../talking-head/formats/wav.ts';
import { deep3dCoeffColumns } from '../../talking-head/pose/pose-convention.ts';
import { rng } from '../helpers/random.ts';

const FPS = 30;

/** `frames` / 30 s of a 120-220 Hz harmonic tone, amplitude-modulated at 4 Hz, at `sampleRate`. */
export function speechLikeWav(frames: number, sampleRate: number, seed: number): Uint8Array {
  const next = rng(seed);
  const n = Math.round((frames / FPS) * sampleRate);
  const samples = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const f0 = 170 + 50 * Math.sin(2 * Math.PI * 0.7 * t + seed);
    phase += (2 * Math.PI * f0) / sampleRate;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t + seed);
    let v = 0;
    for (let h = 1; h <= 6; h++) v += Math.sin(h * phase) / h;
    samples[i] = 0.25 * envelope * v + 0.002 * (2 * next() - 1);
  }
  return encodeWav16(samples, sampleRate);
}

/** Slow head motion plus per-frame jitter: [frames, 6] (pitch, yaw, roll, tx, ty, tz). */
export function syntheticPoses(frames: number, seed: number): Float64Array {
  const next = rng(seed);
  const out = new Float64Array(frames * 6);
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < 6; k++) {
      const scale = k < 3 ? 0.1 : 0.05;
      out[f * 6 + k] = scale * Math.sin((2 * Math.PI * f) / (60 + 13 * k) + seed + k) + 0.01 * scale * (2 * next() - 1) + (k === 5 ? 0.2 : 0);
    }
  }
  return out;
}

/** A Deep3DFaceRecon .mat with `coeff` [frames, 257] (float32): poses from syntheticPoses, face values seeded. */
export function deep3dMat(frames: number, seed: number): Uint8Array {
  const next = rng(seed + 1000);
  const poses = syntheticPoses(frames, seed);
  const coeff = new Float32Array(frames * deep3dCoeffColumns.total);
  for (let f = 0; f < frames; f++) {
    const row = f * deep3dCoeffColumns.total;
    for (let c = 0; c < deep3dCoeffColumns.total; c++) coeff[row + c] = 0.5 * (2 * next() - 1) + (c < 80 ? seed * 0.1 : 0);
    for (let k = 0; k < 3; k++) {
      coeff[row + deep3dCoeffColumns.angles[0] + k] = poses[f * 6 + k]!;
      coeff[row + deep3dCoeffColumns.trans[0] + k] = poses[f * 6 + 3 + k]!;
    }
  }
  return writeMat5({ coeff: matFromRowMajor(coeff, frames, deep3dCoeffColumns.total) });
}

/** An OpenFace FeatureExtraction CSV of `frames` rows at 30 fps (pose columns only, plus the required ones). */
export function openFaceCsv(frames: number, seed: number): Uint8Array {
  const poses = syntheticPoses(frames, seed);
  const lines = ['frame, face_id, timestamp, confidence, success, pose_Tx, pose_Ty, pose_Tz, pose_Rx, pose_Ry, pose_Rz'];
  for (let f = 0; f < frames; f++) {
    const p = poses.subarray(f * 6, f * 6 + 6);
    const t = [p[3]! * 100, p[4]! * 100, 500 + p[5]! * 100].map((v) => v.toFixed(3));
    lines.push(`${f + 1}, 0, ${(f / FPS).toFixed(3)}, 0.98, 1, ${t.join(', ')}, ${[p[0]!, p[1]!, p[2]!].map((v) => v.toFixed(4)).join(', ')}`);
  }
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

export interface SyntheticClip {
  readonly stem: string;
  readonly frames: number;
  /** audio length in frames (default `frames`) */
  readonly audioFrames?: number;
  /** WAV sample rate (default 16000) */
  readonly sampleRate?: number;
  /** 'mat' (default) or 'csv' */
  readonly pose?: 'mat' | 'csv';
  readonly seed: number;
}

/** Writes the clips into a new temp folder and returns its path. */
export async function writeClipFolder(clips: readonly SyntheticClip[], extra: Readonly<Record<string, string>> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'posedyn-clips-'));
  for (const clip of clips) {
    await writeFile(join(dir, `${clip.stem}.wav`), speechLikeWav(clip.audioFrames ?? clip.frames, clip.sampleRate ?? 16000, clip.seed));
    if (clip.pose === 'csv') await writeFile(join(dir, `${clip.stem}.csv`), openFaceCsv(clip.frames, clip.seed));
    else await writeFile(join(dir, `${clip.stem}.mat`), deep3dMat(clip.frames, clip.seed));
  }
  for (const [name, text] of Object.entries(extra)) await writeFile(join(dir, name), text);
  return dir;
}

/** A new empty temp folder (for dataset output). */
export function tempFolder(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `posedyn-${prefix}-`));
}

export async function removeFolders(...dirs: string[]): Promise<void> {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
