// Issue 14's targets, one column a scored model (issue 14, run 8): reads the ablation-<kept>.json files that
// benchmarks/posegan-ablation.ts writes and prints the per-seed target table of ablation.md (test split / unseen
// speech; a miss names the identity). Table 4's "above its CNN" takes the CNN's conf xN from --cnn (a CNN's own
// ablation JSON), since a selection rule changes PoseGAN's epoch only.
//
//   node --import ./runtime-node/register.mjs benchmarks/posegan-seed-targets.ts \
//     'seed 1=out/run8/chosen/posegan-s1-e32/ablation-best.json' ... [--cnn 'seed 1=out/run8/shipped-cnn/ablation-best.json' ...]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface Row {
  readonly identity: string;
  readonly motionRatio: { readonly value: number };
  readonly rotationStdRatio: readonly number[];
  readonly jitterRatio: number;
}
interface Joins {
  readonly setting: string;
  readonly all: { readonly meanRatio: number; readonly maxRatio: number };
}
interface Result {
  readonly realism: { readonly testSplit: readonly Row[]; readonly speech: readonly Row[]; readonly joins: readonly Joins[] };
  readonly distance: { readonly value: number };
  readonly confidencePerClassifierSeed: readonly number[];
  readonly meanPoseConfidence: { readonly value: number };
}

const CHANNELS = ['pitch', 'yaw', 'roll'];
const { values, positionals } = parseArgs({ allowPositionals: true, options: { cnn: { type: 'string', multiple: true, default: [] } } });
const named = async (spec: string): Promise<[string, Result]> => {
  const at = spec.indexOf('=');
  if (at < 0) throw new Error(`posegan-seed-targets: expected NAME=FILE, got '${spec}'`);
  return [spec.slice(0, at), JSON.parse(await readFile(spec.slice(at + 1), 'utf8')) as Result];
};
const columns = await Promise.all(positionals.map(named));
const cnns = new Map(await Promise.all(values.cnn!.map(named)));
const f2 = (x: number) => x.toFixed(2);
const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

/** min-max of the identities' figure; the identities outside [low, high] in bold. */
function band(rows: readonly Row[], pick: (r: Row) => number, low: number, high: number): { text: string; met: boolean } {
  const values = rows.map(pick);
  const misses = rows.filter((r) => pick(r) < low || pick(r) > high).map((r) => `${r.identity} ${f2(pick(r))}`);
  return { text: `${f2(Math.min(...values))}-${f2(Math.max(...values))}${misses.length ? ` (${misses.join(', ')})` : ''}`, met: misses.length === 0 };
}
function lowestStd(rows: readonly Row[]): { text: string; met: boolean } {
  const all = rows.flatMap((r) => r.rotationStdRatio.map((s, c) => ({ s, where: `${r.identity} ${CHANNELS[c]}` })));
  const low = all.reduce((a, b) => (b.s < a.s ? b : a));
  const out = all.filter((x) => x.s < 0.5 || x.s > 2).length;
  return { text: `${f2(low.s)} (${low.where}; ${out} of ${all.length} outside)`, met: out === 0 };
}
function largestJitter(rows: readonly Row[]): { text: string; met: boolean } {
  const top = rows.reduce((a, b) => (b.jitterRatio > a.jitterRatio ? b : a));
  return { text: `${f2(top.jitterRatio)}${top.jitterRatio > 2 ? ` (${top.identity})` : ''}`, met: top.jitterRatio <= 2 };
}
const verdict = (parts: { met: boolean }[]) => (parts.every((p) => p.met) ? 'met' : 'no');
const pair = (test: { text: string; met: boolean }, speech: { text: string; met: boolean }) => `${test.text} / ${speech.text}: ${verdict([test, speech])}`;

const lines: [string, (r: Result, name: string) => string][] = [
  ['motion 0.5-2x, every identity', (r) => pair(band(r.realism.testSplit, (x) => x.motionRatio.value, 0.5, 2), band(r.realism.speech, (x) => x.motionRatio.value, 0.5, 2))],
  ['rotation std 0.5-2x (lowest)', (r) => pair(lowestStd(r.realism.testSplit), lowestStd(r.realism.speech))],
  ['jitter <= 2x', (r) => pair(largestJitter(r.realism.testSplit), largestJitter(r.realism.speech))],
  ['joins: mean < 1, largest < 3 (all six)', (r) => {
    const j = (setting: string) => r.realism.joins.find((x) => x.setting === setting)!.all;
    const [clips, speech] = [j('styletalk clips'), j('unseen speech')];
    const met = clips.meanRatio < 1 && clips.maxRatio < 3 && speech.meanRatio < 1 && speech.maxRatio < 3;
    return `${f2(clips.meanRatio)}, ${f2(clips.maxRatio)} / ${f2(speech.meanRatio)}, ${f2(speech.maxRatio)}: ${met ? 'met' : 'no'}`;
  }],
  ['Table 4 conf xN >= 0.5 (range over classifiers)', (r) => {
    const c = r.confidencePerClassifierSeed;
    return `${mean(c).toFixed(3)} (${f2(Math.min(...c))}-${f2(Math.max(...c))}): ${mean(c) >= 0.5 ? 'met' : 'no'}`;
  }],
  ['above its CNN\'s (CNN conf xN)', (r, name) => {
    const cnn = cnns.get(name);
    if (!cnn) return '-';
    const [ours, theirs] = [mean(r.confidencePerClassifierSeed), mean(cnn.confidencePerClassifierSeed)];
    return `${ours > theirs ? 'yes' : 'no'} (${theirs.toFixed(3)})`;
  }],
  ['above the mean pose\'s', (r) => `${r.meanPoseConfidence.value.toFixed(3)}: ${mean(r.confidencePerClassifierSeed) > r.meanPoseConfidence.value ? 'met' : 'no'}`],
  ['Table 2 pose distance', (r) => r.distance.value.toFixed(3)],
];

console.log(`| target | ${columns.map(([n]) => n).join(' | ')} |`);
console.log(`|---|${columns.map(() => '---|').join('')}`);
for (const [label, cell] of lines) console.log(`| ${label} | ${columns.map(([n, r]) => cell(r, n)).join(' | ')} |`);
