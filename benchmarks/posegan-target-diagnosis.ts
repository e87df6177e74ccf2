// Why issue 14's std and Table 4 targets are missed (run 6 of benchmarks/reports/eval-styletalk/ablation.md): prints,
// for a PoseGAN checkpoint and its CNN baseline on a dataset folder,
//   1. the data's own ceiling for the std target: per identity, the real training split cut into chunks of the test
//      segments' lengths, its within-chunk rotation std / the real test segments' (what a model that moves exactly
//      like the training split would score on the test split), and each clip's std on its train / val / test parts
//      (the speech setting's reference is the whole clips, all three);
//   2. where the generator's spread is missing: its within-segment rotation std / the real one on the training and
//      the test split, whole and split into a slow band (Eq. 1 Gaussian of sigma --band frames) and the rest;
//   3. the noise of Table 4's confidence: the classifier trained with --classifier-seeds seeds (1..N), each seed's
//      accuracy on the real test windows and mean confidence in the right identity per method (pooled over windows,
//      as Table 4, and per identity), and with the rotation and translation channels swapped between a method and
//      the real poses (which half of the pose the confidence comes from);
//   4. whether chained windows wander: whole clips generated as inference does, the whole-clip std and the spread
//      of the window-by-window mean level, generated / real.
//
//   node --import ./runtime-node/register.mjs benchmarks/posegan-target-diagnosis.ts --dataset out/dataset \
//     [--posegan talking-head/pretrained/posegan.safetensors] [--cnn talking-head/pretrained/cnn.safetensors] [--classifier-seeds 5] [--band 15]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { identityClassifierTable, correctIdentityConfidence, trainIdentityClassifier } from '../talking-head/evaluation/identity-classifier-table.ts';
import { motionProfile } from '../talking-head/evaluation/motion-realism.ts';
import { type MethodDraws, evaluationSegments, generatorPoses, meanPoseDraws, wholeClipPoses } from '../talking-head/evaluation/pose-methods.ts';
import { windowHop } from '../talking-head/inference/pose-windows.ts';
import { loadPoseGan } from '../talking-head/inference/load-models.ts';
import { loadDatasetFolder } from '../runtime-node/dataset/dataset-files.ts';
import { createNodeEngine } from '../runtime-node/device.ts';
import { evaluationWindow } from '../runtime-node/evaluation/eval-command.ts';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'out/dataset' },
    posegan: { type: 'string', default: 'talking-head/pretrained/posegan.safetensors' },
    cnn: { type: 'string', default: 'talking-head/pretrained/cnn.safetensors' },
    'classifier-seeds': { type: 'string', default: '5' },
    band: { type: 'string', default: '15' },
  },
});
const seeds = Number(values['classifier-seeds']);
const sigma = Number(values.band);
if (!(Number.isInteger(seeds) && seeds >= 1)) throw new Error(`posegan-target-diagnosis: --classifier-seeds ${values['classifier-seeds']}, expected a positive integer`);
if (!(sigma > 0)) throw new Error(`posegan-target-diagnosis: --band ${values.band}, expected a positive sigma in frames`);

const engine = await createNodeEngine();
const dataset = await loadDatasetFolder(values.dataset!);
const names = dataset.manifest.identities.map((i) => i.name);
const rot = (xs: readonly number[]) => xs.slice(0, 3);
const ratios = (a: readonly number[], b: readonly number[]) => [0, 1, 2].map((c) => (a[c]! / b[c]!).toFixed(2)).join(' / ');
const stdOf = (seqs: readonly Float32Array[]) => rot(motionProfile(seqs).std);
const chunks = (p: Float32Array, length: number) => {
  const out: Float32Array[] = [];
  for (let s = 0; s + length <= p.length / 6; s += length) out.push(p.subarray(s * 6, (s + length) * 6));
  return out;
};
const part = (p: Float32Array, [from, to]: readonly [number, number]) => p.subarray(from * 6, to * 6);

// 1. the data's ceiling
const segments = evaluationSegments(dataset, 'test');
console.log('1. rotation std (pitch / yaw / roll) of the real training split cut at the test segments\' lengths / the real test segments\'');
for (let id = 0; id < names.length; id++) {
  const mine = segments.filter((s) => s.identityIndex === id);
  const train = dataset.clips.filter((c) => c.identityIndex === id).map((c) => part(c.normalised.pose, c.entry.segments.train));
  const trainChunks = mine.flatMap((s) => train.flatMap((p) => chunks(p, s.length)));
  console.log(`   ${names[id]}: ${ratios(stdOf(trainChunks), stdOf(mine.map((s) => s.real)))} (test segments of ${mine.map((s) => s.length).join(', ')} frames)`);
}
console.log('   each clip\'s rotation std on its train | val | test part (normalised units)');
for (const c of dataset.clips) {
  const f = (r: readonly [number, number]) => stdOf([part(c.normalised.pose, r)]).map((v) => v.toFixed(2)).join(' / ');
  console.log(`   ${c.entry.name}: ${f(c.entry.segments.train)} | ${f(c.entry.segments.val)} | ${f(c.entry.segments.test)}`);
}

// 2. where the generator's spread is missing
function gaussian(x: Float32Array): Float32Array {
  const n = x.length / 6;
  const out = new Float32Array(x.length);
  const r = Math.ceil(3 * sigma);
  for (let c = 0; c < 6; c++) {
    for (let t = 0; t < n; t++) {
      let s = 0;
      let w = 0;
      for (let k = -r; k <= r; k++) {
        const g = Math.exp(-(k * k) / (2 * sigma * sigma));
        s += g * x[Math.min(n - 1, Math.max(0, t + k)) * 6 + c]!;
        w += g;
      }
      out[t * 6 + c] = s / w;
    }
  }
  return out;
}
const load = async (path: string) => loadPoseGan(engine, new Uint8Array(await readFile(path)), path);
const models = { PoseGAN: await load(values.posegan!), CNN: await load(values.cnn!) };
console.log(`\n2. the generator's within-segment rotation std / the real, whole | slow band (Gaussian sigma ${sigma} frames) | the rest`);
for (const [method, model] of Object.entries(models)) {
  for (const split of ['train', 'test'] as const) {
    const segs = evaluationSegments(dataset, split);
    const generated = await generatorPoses(engine, model.generator, dataset, segs);
    for (let id = 0; id < names.length; id++) {
      const k = segs.map((_, i) => i).filter((i) => segs[i]!.identityIndex === id);
      const real = k.map((i) => segs[i]!.real);
      const ours = k.map((i) => generated[i]!);
      const slow = (xs: Float32Array[]) => xs.map(gaussian);
      const fast = (xs: Float32Array[]) => xs.map((x) => { const g = gaussian(x); return x.map((v, j) => v - g[j]!); });
      console.log(`   ${method} ${split} ${names[id]}: ${ratios(stdOf(ours), stdOf(real))} | ${ratios(stdOf(slow(ours)), stdOf(slow(real)))} | ${ratios(stdOf(fast(ours)), stdOf(fast(real)))}`);
    }
  }
}

// 3. Table 4's noise
const window = evaluationWindow(Math.min(...segments.map((s) => s.length)));
const draws: Record<string, MethodDraws> = { 'Mean pose': meanPoseDraws(dataset, segments) };
for (const [method, model] of Object.entries(models)) draws[method] = (await generatorPoses(engine, model.generator, dataset, segments)).map((p) => [p]);
const mix = (rotation: Float32Array, translation: Float32Array) => rotation.map((v, i) => (i % 6 < 3 ? v : translation[i]!));
for (const method of Object.keys(models)) {
  draws[`${method} rotation + real translation`] = draws[method]!.map((d, s) => d.map((x) => mix(x, segments[s]!.real)));
  draws[`real rotation + ${method} translation`] = draws[method]!.map((d, s) => d.map((x) => mix(segments[s]!.real, x)));
}
console.log(`\n3. Table 4 with ${seeds} classifier seeds (window ${window} frames): mean confidence in the right identity, pooled over windows [per identity]`);
const perSeed: Record<string, number[]> = {};
for (let seed = 1; seed <= seeds; seed++) {
  const trained = await trainIdentityClassifier(engine, dataset, { window, trainStride: 2, testStride: Math.max(1, Math.floor(window / 8)), steps: 600, batch: 64, learningRate: 2e-3, width: 32, seed });
  const table = await identityClassifierTable(engine, dataset, trained.model, trained, segments, draws, { resamples: 200, seed: 1 });
  console.log(`   seed ${seed}: real-pose accuracy ${(100 * table.testAccuracy).toFixed(1)}%`);
  for (const [method, estimate] of Object.entries(table.confidence)) {
    (perSeed[method] ??= []).push(estimate.value);
    const poses = method === 'Real' ? segments.map((s) => s.real) : draws[method]!.map((d) => d[0]!);
    const per = await correctIdentityConfidence(engine, trained.model, segments.map((s, k) => ({ pose: poses[k]!, label: s.identityIndex })));
    const byIdentity = names.map((name, id) => {
      let sum = 0;
      let count = 0;
      per.forEach((p, k) => { if (segments[k]!.identityIndex === id) { sum += p.sum; count += p.count; } });
      return `${name} ${(sum / count).toFixed(2)} (${count} windows)`;
    });
    console.log(`     ${method}: ${estimate.value.toFixed(3)} [${byIdentity.join(', ')}]`);
  }
  trained.model.classifier.dispose();
}
console.log('   over the seeds: mean (min-max)');
for (const [method, v] of Object.entries(perSeed)) console.log(`     ${method}: ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3)} (${Math.min(...v).toFixed(3)}-${Math.max(...v).toFixed(3)})`);

// 4. do chained windows wander?
console.log('\n4. whole clips generated as inference does: whole-clip rotation std, and the spread of the window-by-window mean level, generated / real (mean over clips)');
for (const [method, model] of Object.entries(models)) {
  const hop = windowHop(model.generator.config);
  const levels = (p: Float32Array) => {
    const out: number[][] = [];
    for (let s = 0; s < p.length / 6; s += hop) {
      const e = Math.min(p.length / 6, s + hop);
      out.push([0, 1, 2].map((c) => { let a = 0; for (let t = s; t < e; t++) a += p[t * 6 + c]!; return a / (e - s); }));
    }
    return out;
  };
  const spread = (ls: number[][]) => [0, 1, 2].map((c) => {
    const v = ls.map((l) => l[c]!);
    const mu = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / v.length);
  });
  const whole = [0, 0, 0];
  const level = [0, 0, 0];
  let multiWindow = 0;
  for (const clip of dataset.clips) {
    const g = await wholeClipPoses(engine, model.generator, dataset, clip.index, 'chained');
    const r = clip.normalised.pose;
    const gs = stdOf([g]);
    const rs = stdOf([r]);
    for (let c = 0; c < 3; c++) whole[c]! += gs[c]! / rs[c]! / dataset.clips.length;
    if (clip.frames > hop) {
      const gl = spread(levels(g));
      const rl = spread(levels(r));
      for (let c = 0; c < 3; c++) level[c]! += gl[c]! / rl[c]!;
      multiWindow++;
    }
  }
  console.log(`   ${method} (windows every ${hop} frames): whole-clip std ${whole.map((v) => v.toFixed(2)).join(' / ')}; window-level spread ${level.map((v) => (v / Math.max(multiWindow, 1)).toFixed(2)).join(' / ')} (${multiWindow} clips of more than one window)`);
}
for (const model of Object.values(models)) model.generator.dispose();
