// The PoseGAN design study of issue 14: trains each variant (config overrides of talking-head/posegan/config.ts) on a
// dataset folder and prints issue 14's figures for it, one row a variant, beside the CNN baseline trained the
// same way. Every training is short and time-boxed (a few minutes on 2 CPU cores); compare rows of one run.
//
//   node --import ./runtime-node/register.mjs benchmarks/posegan-ablation.ts --dataset out/dataset \
//     --out out/ablation --variants VARIANTS.json [--only NAME,...] \
//     [--epochs 12] [--batch 16] [--lr 1e-4] --speech talking-head/pretrained/sample-speech.wav $POSEDYN_DATA/speech/*.wav
//
// The variants file: [{ "name": "...", "overrides": { ... }, "note": "..." }, ...]; the variant named "cnn" is the
// L_L2-only baseline (variant cnn). Models already trained in --out/<name> are reused. Writes --out/ablation.json
// (and --out/<name>/ablation-<kept>.json as each variant is done) and prints a Markdown table:
//   motion   PoseGAN's rotation motion energy / the real test poses', per identity (min-max over identities)
//   std      rotation std / real, per channel, min-max over identities and channels
//   jitter   rotation jitter / real's, max over identities
//   joins    mean and max squared jump where 256-frame windows join / the real 95th-percentile step (all channels; rotation)
//   yaw std  the yaw channel's std / real, min-max over identities (the channel every variant under-generates)
//   conf     Table 4: mean classifier confidence in the right identity; pose: Table 2's pose distance
//   conf xN  (--classifier-seeds N > 1) the same confidence averaged over N identity classifiers trained with seeds
//            1..N: the classifier's own training seed moves one figure by ~0.1 (issue 14, run 6), more than the
//            gap between methods; the mean over seeds measures the same thing with less of that noise
// each on the test split and on the unseen speech.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeAudio } from '../talking-head/audio/decode.ts';
import { identityClassifierTable, trainIdentityClassifier } from '../talking-head/evaluation/identity-classifier-table.ts';
import { distanceRow } from '../talking-head/evaluation/method-scores.ts';
import type { RealismRow } from '../talking-head/evaluation/motion-realism.ts';
import { motionRealismTable } from '../talking-head/evaluation/motion-realism-table.ts';
import { evaluationSegments, generatorDraws, meanPoseDraws, nearestNeighbourDraws, randomPoseDraws } from '../talking-head/evaluation/pose-methods.ts';
import { loadPoseGan } from '../talking-head/inference/load-models.ts';
import { loadDatasetFolder } from '../runtime-node/dataset/dataset-files.ts';
import { loadPoseOnlyFolder } from '../runtime-node/dataset/pose-only-files.ts';
import { createNodeEngine } from '../runtime-node/device.ts';
import { pathExists } from '../runtime-node/files/path-exists.ts';
import { evaluationWindow } from '../runtime-node/evaluation/eval-command.ts';
import { runTrain } from '../runtime-node/training/train-command.ts';

interface Variant {
  readonly name: string;
  readonly overrides: Record<string, unknown>;
  readonly note?: string;
  /** train with the --pose-only clips as the motion critic's extra real examples */
  readonly poseOnly?: boolean;
  /** 'cnn' trains the L_L2-only baseline; default posegan (a variant named "cnn" is the baseline too) */
  readonly variant?: 'posegan' | 'cnn';
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dataset: { type: 'string', default: 'out/dataset' },
    out: { type: 'string', default: 'out/ablation' },
    variants: { type: 'string' },
    only: { type: 'string' },
    epochs: { type: 'string', default: '12' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string', default: '1e-4' },
    seed: { type: 'string', default: '1' },
    speech: { type: 'string', multiple: true, default: [] },
    kept: { type: 'string', default: 'best' },
    'classifier-seeds': { type: 'string', default: '1' },
    'pose-only': { type: 'string' },
  },
});
if (!values.variants) throw new Error('posegan-ablation: --variants FILE.json is required');
const variants = JSON.parse(await readFile(values.variants, 'utf8')) as Variant[];
const only = values.only ? new Set(values.only.split(',')) : null;
const speechFiles = [...values.speech!, ...positionals];
const engine = await createNodeEngine();
const dataset = await loadDatasetFolder(values.dataset!);
const bootstrap = { resamples: 500, seed: 1 };
const poseOnly = values['pose-only'] ? await loadPoseOnlyFolder(engine, values['pose-only'], dataset.manifest) : undefined;

if (values.kept !== 'best' && values.kept !== 'last') throw new Error(`posegan-ablation: --kept best|last, got '${values.kept}'`);

/** The variant's kept checkpoint (--kept: best on validation, or the last epoch), trained first if missing. */
async function trained(variant: Variant): Promise<string> {
  const out = join(values.out!, variant.name);
  const best = join(out, `${values.kept}.safetensors`);
  if (await pathExists(best)) return best;
  const started = performance.now();
  await runTrain({
    kind: 'posegan', dataset: values.dataset!, loadedDataset: dataset, out, epochs: Number(values.epochs), batch: Number(values.batch),
    lr: Number(values.lr), seed: Number(values.seed), resume: false, variant: variant.variant ?? (variant.name === 'cnn' ? 'cnn' : 'posegan'), faceModel: 'procedural',
    progress: false, producedBy: `posegan-ablation ${variant.name}`, modelOverrides: variant.overrides, engine,
    poseOnly: variant.poseOnly ? (poseOnly ?? fail(`${variant.name} needs --pose-only DIR`)) : undefined,
    log: (line) => console.error(`  ${variant.name}: ${line}`),
  });
  console.error(`${variant.name}: trained in ${((performance.now() - started) / 60000).toFixed(1)} min`);
  return best;
}

function fail(message: string): never {
  throw new Error(`posegan-ablation: ${message}`);
}

const load = async (path: string) => loadPoseGan(engine, new Uint8Array(await readFile(path)), path);
const speech = await Promise.all(speechFiles.map(async (f) => ({ name: f.split('/').pop()!, samples: decodeAudio(new Uint8Array(await readFile(f)), f) })));
const segments = evaluationSegments(dataset, 'test');
const window = evaluationWindow(Math.min(...segments.map((s) => s.length)));
const classifierSettings = { window, trainStride: 2, testStride: Math.max(1, Math.floor(window / 8)), steps: 600, batch: 64, learningRate: 2e-3, width: 32 };
const classifierSeeds = Number(values['classifier-seeds']);
if (!(Number.isInteger(classifierSeeds) && classifierSeeds >= 1)) fail(`--classifier-seeds ${values['classifier-seeds']}, expected a positive integer`);
const classifiers = [];
for (let seed = 1; seed <= classifierSeeds; seed++) classifiers.push(await trainIdentityClassifier(engine, dataset, { ...classifierSettings, seed }));
const classifier = classifiers[0]!;
const random = distanceRow('Random', segments, randomPoseDraws(dataset, segments, 10, 7), bootstrap);
const nearest = distanceRow('Nearest neighbour', segments, nearestNeighbourDraws(dataset, segments), bootstrap);
const meanPose = meanPoseDraws(dataset, segments);

const span = (xs: number[], digits = 2) => `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`;
const summary = (rows: RealismRow[]) => ({
  motion: span(rows.map((r) => r.motionRatio.value)),
  motionAll: span(rows.map((r) => r.motionRatioAll.value)),
  std: span(rows.flatMap((r) => r.rotationStdRatio)),
  yaw: span(rows.map((r) => r.rotationStdRatio[1]!)),
  jitter: Math.max(...rows.map((r) => r.jitterRatio)).toFixed(2),
});

const results: Record<string, unknown>[] = [];
const seedsColumn = classifierSeeds > 1 ? ` conf x${classifierSeeds} |` : '';
console.log(`| variant | test motion (rot) | test motion (all 6) | test std (rot) | test yaw std | test jitter max | speech motion (rot) | speech std (rot) | speech yaw std | speech jitter max | joins clips mean/max | joins speech mean/max | conf |${seedsColumn} pose dist | note |`);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|${classifierSeeds > 1 ? '---|' : ''}---|---|`);
for (const variant of variants.filter((v) => !only || only.has(v.name))) {
  const model = await load(await trained(variant));
  const realism = await motionRealismTable(engine, dataset, [{ name: variant.name, model: () => model }], speech, bootstrap);
  const draws = await generatorDraws(engine, [model.generator], dataset, segments);
  const distance = distanceRow(variant.name, segments, draws, bootstrap);
  const table = await identityClassifierTable(engine, dataset, classifier.model, classifier, segments, { 'Mean pose': meanPose, [variant.name]: draws }, bootstrap);
  const test = summary(realism.testSplit);
  const heard = realism.speech.length ? summary(realism.speech) : null;
  const joins = (setting: string) => {
    const j = realism.joins.find((r) => r.setting === setting);
    return j ? `${j.all.meanRatio.toFixed(2)}/${j.all.maxRatio.toFixed(2)} (rot ${j.rotation.meanRatio.toFixed(2)}/${j.rotation.maxRatio.toFixed(2)}, kink ${j.rotation.meanKinkRatio.toFixed(2)}/${j.rotation.maxKinkRatio.toFixed(2)})` : '-';
  };
  const conf = table.confidence[variant.name]!;
  const perSeed = [conf.value];
  for (const other of classifiers.slice(1)) {
    perSeed.push((await identityClassifierTable(engine, dataset, other.model, other, segments, { [variant.name]: draws }, bootstrap)).confidence[variant.name]!.value);
  }
  const seedsMean = perSeed.reduce((a, c) => a + c, 0) / perSeed.length;
  const seedsCell = classifierSeeds > 1 ? ` ${seedsMean.toFixed(3)} (${Math.min(...perSeed).toFixed(2)}-${Math.max(...perSeed).toFixed(2)}) |` : '';
  console.log(`| ${variant.name} | ${test.motion} | ${test.motionAll} | ${test.std} | ${test.yaw} | ${test.jitter} | ${heard?.motion ?? '-'} | ${heard?.std ?? '-'} | ${heard?.yaw ?? '-'} | ${heard?.jitter ?? '-'} | ${joins('styletalk clips')} | ${joins('unseen speech')} | ${conf.value.toFixed(3)} |${seedsCell} ${distance.pose.value.toFixed(3)} | ${variant.note ?? ''} |`);
  const result = { variant, kept: values.kept, realism: { ...realism, speechExample: undefined }, distance: distance.pose, motionDistance: distance.motion, confidence: conf, confidencePerClassifierSeed: perSeed, meanPoseConfidence: table.confidence['Mean pose'] };
  results.push(result);
  await writeFile(join(values.out!, variant.name, `ablation-${values.kept}.json`), JSON.stringify(result, null, 1));
  model.generator.dispose();
}
console.log(`\nreference: Random pose distance ${random.pose.value.toFixed(3)}, Nearest neighbour ${nearest.pose.value.toFixed(3)}; real-pose classifier accuracy ${(100 * (await identityClassifierTable(engine, dataset, classifier.model, classifier, segments, {}, bootstrap)).testAccuracy).toFixed(1)}%`);
await writeFile(join(values.out!, 'ablation.json'), JSON.stringify({ settings: values, results }, null, 1));
for (const c of classifiers) c.model.classifier.dispose();
