// `posedyn eval --dataset DIR --out DIR`: the paper's evaluation (Sec. 5) on a dataset's test split, beside the
// paper's numbers, with our lip-motion row in place of Table 5's SyncNet score (lip-motion-table.ts). Trains what it needs on one shared engine (runTrain), or uses given checkpoints, then
// writes <out>/report.json, <out>/report.md and <out>/figures/*.png. The metrics live in talking-head/evaluation/.
//
// Models (under <out>/models/<name>/ when trained here):
//   posegan-seed<k>, cnn-seed<k>  PoseGAN and its L_L2-only CNN baseline, one a seed (--seeds)
//   posegan-no-motion             PoseGAN with beta = 0 (no L_p-motion): the jitter ablation
//   pgface, fixed-identity        Table 3
//   personal-<variant>/<identity> Table 3's personalised rows: those two fine-tuned on each person (Sec. 5.1)
//   personalisation/...           leave-one-identity-out pretraining and fine-tuning (needs --data)
// --quick trains tiny networks for a few steps (CI runs it end to end); its numbers only show that every
// table is computed, and the report says so.
import { join } from 'node:path';
import type { Engine } from '../../core/engine.ts';
import { type Dataset } from '../../talking-head/data/dataset.ts';
import { type BootstrapOptions } from '../../talking-head/evaluation/bootstrap.ts';
import { correlationTable } from '../../talking-head/evaluation/correlation-table.ts';
import { faceMeasure, faceTable, generateFaces, realFaceCoefficients, tableThreeMethods } from '../../talking-head/evaluation/face-table.ts';
import { lipMotionTable } from '../../talking-head/evaluation/lip-motion-table.ts';
import { MouthOpeningDecoder } from '../../talking-head/face/mouth-opening.ts';
import type { PgFace } from '../../talking-head/pgface/pgface.ts';
import type { PoseGenerator } from '../../talking-head/posegan/generator.ts';
import { NonFiniteError } from '../../core/ops/non-finite.ts';
import { identityClassifierTable, trainIdentityClassifier } from '../../talking-head/evaluation/identity-classifier-table.ts';
import { distanceRow, realSmoothness } from '../../talking-head/evaluation/method-scores.ts';
import { type MethodDraws, evaluationSegments, generatorDraws, meanPoseDraws, nearestNeighbourDraws, personalGeneratorDraws, randomPoseDraws } from '../../talking-head/evaluation/pose-methods.ts';
import { windowJoinTable } from '../../talking-head/evaluation/window-join-table.ts';
import { type SpeechInput, motionRealismTable } from '../../talking-head/evaluation/motion-realism-table.ts';
import { identityFaceIdMeans } from '../../talking-head/training/fixed-identity.ts';
import { loadDatasetFolder } from '../dataset/dataset-files.ts';
import { REPRODUCIBLE_KERNELS, createNodeEngine } from '../device.ts';
import { stderrLog } from '../cli/stderr-log.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { checkOutputFolder } from '../files/output-folder.ts';
import { pathExists } from '../files/path-exists.ts';
import { readFileBytes } from '../files/read-file.ts';
import { personalFacePath } from '../files/pretrained.ts';
import { decodeCheckpoint } from '../../talking-head/checkpoint/checkpoint.ts';
import { loadFaceModelOption } from '../training/face-model-option.ts';
import { type ModelSource, type TrainingPlan, pgFaceModel, poseGanModel } from './eval-models.ts';
import { mouthOpeningFigure, poseChannelFigures } from './figures.ts';
import { personalModels } from './personal-models.ts';
import { runPersonalisation } from './personalisation.ts';
import { type EvalReport, PERSONAL_POSEGAN, reportJson, reportMarkdown } from '../../talking-head/evaluation/report-markdown.ts';

export interface EvalOptions {
  readonly dataset: string;
  readonly out: string;
  readonly quick: boolean;
  /** the clip folder the dataset was built from: enables the personalisation experiment */
  readonly data?: string;
  readonly holdout?: string;
  readonly checkpoints: {
    readonly posegan?: string; readonly cnn?: string; readonly pgface?: string; readonly fixedIdentity?: string; readonly noMotion?: string;
    /** a folder of personalised face networks, <dir>/<identity>/{pgface,fixed-identity}.safetensors (else fine-tuned here) */
    readonly personalFace?: string;
    /** a folder of personalised PoseGANs, <dir>/<identity>/posegan.safetensors (else fine-tuned here) */
    readonly personalPosegan?: string;
  };
  /** unseen speech files for the motion-realism section (read and decoded by the caller) */
  readonly speech?: readonly SpeechInput[];
  readonly seeds?: number;
  readonly epochs?: number;
  readonly batch?: number;
  readonly lr?: number;
  readonly maxStepsPerEpoch?: number;
  readonly pgfaceEpochs?: number;
  readonly pgfaceMaxStepsPerEpoch?: number;
  readonly poseganConfig?: Record<string, unknown>;
  readonly pgfaceConfig?: Record<string, unknown>;
  readonly finetuneEpochs?: number;
  readonly finetuneBatch?: number;
  readonly finetuneLr?: number;
  readonly classifierSteps?: number;
  readonly faceModel: string;
  readonly reuseTrained: boolean;
  /** the command line, recorded in the report */
  readonly command: string;
  readonly engine?: Engine;
  readonly log?: (line: string) => void;
}

/** Widths of --quick: tiny networks that train in seconds on a software adapter. */
export const QUICK_POSEGAN_CONFIG = { encoder: { channels: [8, 8], embedding: 8 }, unetChannels: [8, 8], groups: 4, discriminatorChannels: [8, 8] };
export const QUICK_PGFACE_CONFIG = { encoder: { channels: [8, 8], embedding: 8 }, hidden: 16 };

/** The evaluation window (classifier and correlation check): the paper's 256 frames do not fit our test segments. */
export function evaluationWindow(shortestTestSegment: number): number {
  const window = Math.min(64, shortestTestSegment);
  if (window < 8) throw new Error(`eval: the shortest test segment has ${shortestTestSegment} frames; the classifier and the correlation check need at least 8`);
  return window;
}

export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const quick = options.quick;
  await checkOutputFolder(options.out, '--out');
  const dataset = await loadDatasetFolder(options.dataset);
  await checkEvalInputs(options, dataset);
  const faceModel = await loadFaceModelOption(options.faceModel);
  const engine = options.engine ?? (await createNodeEngine({ log: stderrLog, ...REPRODUCIBLE_KERNELS }));
  const seeds = options.seeds ?? 1;
  const plan: TrainingPlan = {
    datasetFolder: options.dataset,
    epochs: options.epochs ?? (quick ? 2 : 50),
    batch: options.batch ?? (quick ? 8 : 64),
    lr: options.lr ?? (quick ? 1e-3 : 1e-4),
    maxStepsPerEpoch: options.maxStepsPerEpoch ?? (quick ? 2 : undefined),
    poseganConfig: options.poseganConfig ?? (quick ? QUICK_POSEGAN_CONFIG : undefined),
    pgfaceConfig: options.pgfaceConfig ?? (quick ? QUICK_PGFACE_CONFIG : undefined),
    pgfaceEpochs: options.pgfaceEpochs ?? (quick ? 1 : 50),
    pgfaceMaxStepsPerEpoch: options.pgfaceMaxStepsPerEpoch ?? (quick ? 4 : undefined),
    faceModel: options.faceModel,
    reuseTrained: options.reuseTrained,
    producedBy: options.command,
  };
  const bootstrap: BootstrapOptions = { resamples: quick ? 300 : 2000, seed: 1 };
  const randomDraws = quick ? 3 : 10;
  const models: ModelSource[] = [];
  const modelsFolder = join(options.out, 'models');

  const segments = evaluationSegments(dataset, 'test');
  if (segments.length === 0) throw new Error(`${options.dataset}: the test split has no segment of 2 frames or more`);
  const window = evaluationWindow(Math.min(...segments.map((s) => s.length)));
  log(`eval: ${segments.length} test segments, ${segments.reduce((a, s) => a + s.length, 0)} frames; evaluation window ${window} frames${quick ? ' (quick run)' : ''}`);

  // ---- pose models ----
  const loadedOf = async (name: string, variant: string, given: string | undefined, count: number, overrides?: Record<string, unknown>) => {
    const out = [];
    for (let seed = 1; seed <= (given ? 1 : count); seed++) {
      const loaded = await poseGanModel(engine, dataset, plan, modelsFolder, { name: overrides ? name : `${name}-seed${seed}`, kind: 'posegan', variant, seed, overrides, given }, log);
      models.push(loaded.source);
      out.push(loaded);
      checkpointsOf.set(loaded.model.generator, loaded.source.checkpoint);
    }
    return out;
  };
  const checkpointsOf = new Map<PoseGenerator, string>();
  /** The generators' draws; a non-finite pose is refused naming the method and its checkpoints. */
  const drawsOf = async (method: string, generators: readonly PoseGenerator[], personal?: (identityIndex: number) => PoseGenerator) => {
    try {
      return personal ? await personalGeneratorDraws(engine, personal, dataset, segments) : await generatorDraws(engine, generators, dataset, segments);
    } catch (error) {
      if (!(error instanceof NonFiniteError)) throw error;
      throw new NonFiniteError(`eval: ${method} (${generators.map((g) => checkpointsOf.get(g)).join(', ')}) ${error.message}; no table was computed`);
    }
  };
  const poseganModels = await loadedOf('posegan', 'posegan', options.checkpoints.posegan, seeds);
  const cnnModels = await loadedOf('cnn', 'cnn', options.checkpoints.cnn, seeds);
  const posegan = poseganModels.map((m) => m.model.generator);
  const cnn = cnnModels.map((m) => m.model.generator);
  const noMotion = (await loadedOf('posegan-no-motion', 'posegan', options.checkpoints.noMotion, 1, { beta: 0 })).map((m) => m.model.generator);
  // The first PoseGAN personalised to each identity (Sec. 5.1).
  const personalPoseGan = await personalModels(engine, dataset, plan, modelsFolder, {
    variant: 'posegan', pretrained: poseganModels[0]!.source.checkpoint, given: options.checkpoints.personalPosegan,
    epochs: options.finetuneEpochs ?? (quick ? 2 : 20), batch: options.finetuneBatch ?? 16, lr: options.finetuneLr ?? plan.lr, seed: 1,
  }, log);
  models.push(...personalPoseGan.sources);
  for (const [k, m] of personalPoseGan.models) checkpointsOf.set(m.generator, personalPoseGan.sources.find((s) => s.name.endsWith(` ${k}`))?.checkpoint ?? k);
  const names = dataset.manifest.identities.map((i) => i.name);
  const personalFor = (identityIndex: number) => personalPoseGan.models.get(names[identityIndex]!) ?? poseganModels[0]!.model;

  log('eval: generating the test split with every method');
  const methods: Record<string, MethodDraws> = {
    'Mean pose': meanPoseDraws(dataset, segments),
    Random: randomPoseDraws(dataset, segments, randomDraws, 7),
    'Nearest neighbour': nearestNeighbourDraws(dataset, segments),
    CNN: await drawsOf('CNN', cnn),
    PoseGAN: await drawsOf('PoseGAN', posegan),
    [PERSONAL_POSEGAN]: await drawsOf(PERSONAL_POSEGAN, [...personalPoseGan.models.values()].map((m) => m.generator), (k) => personalFor(k).generator),
  };
  const noMotionDraws = await drawsOf('PoseGAN without the motion loss', noMotion);

  // ---- Table 2 and the no-motion ablation ----
  const poseRows = Object.entries(methods).map(([name, draws]) => distanceRow(name, segments, draws, bootstrap));
  const real = realSmoothness(segments, bootstrap);
  const noMotionRow = distanceRow('PoseGAN, no motion loss (beta = 0)', segments, noMotionDraws, bootstrap);

  // ---- Table 4 ----
  log('eval: training the head-pose identity classifier');
  const classifierSettings = {
    window, trainStride: 2, testStride: Math.max(1, Math.floor(window / 8)), steps: options.classifierSteps ?? (quick ? 60 : 600),
    batch: 64, learningRate: 2e-3, width: 32, seed: 1,
  };
  const trainedClassifier = await trainIdentityClassifier(engine, dataset, classifierSettings);
  const classifier = await identityClassifierTable(engine, dataset, trainedClassifier.model, trainedClassifier, segments, methods, bootstrap);

  // ---- Table 1 ----
  log('eval: correlation check (one-class SVM)');
  const correlation = correlationTable(dataset, segments, methods, { window, trainStride: Math.max(1, Math.floor(window / 8)), testStride: Math.max(1, Math.floor(window / 8)), nu: 0.1, seed: 11 }, bootstrap);

  // ---- motion realism (issue 14) ----
  log('eval: motion realism on the test split and on unseen speech');
  const motionRealism = await motionRealismTable(engine, dataset, [
    { name: 'PoseGAN', model: () => poseganModels[0]!.model },
    { name: PERSONAL_POSEGAN, model: personalFor },
    { name: 'CNN', model: () => cnnModels[0]!.model },
  ], options.speech ?? [], bootstrap);

  // ---- ablation: window joins without the initial pose ----
  log('eval: window joins with and without the initial pose');
  const windowJoin = await windowJoinTable(engine, posegan[0]!, dataset, bootstrap);

  // ---- figures of the test clip ----
  const figures: string[] = [];
  const figureFolder = join(options.out, 'figures');
  const example = segments.reduce((a, s, k) => (s.length > segments[a]!.length ? k : a), 0);
  const raw = (p: Float32Array) => dataset.denormalisePose(p);
  const unit = dataset.manifest.poseUnit;
  figures.push(...(await poseChannelFigures(figureFolder, 'test-clip', `${segments[example]!.clip}, test frames ${segments[example]!.range.join('-')}`, [
    { name: 'Real', pose: raw(segments[example]!.real) },
    ...Object.entries(methods).map(([name, draws]) => ({ name, pose: raw(draws[example]![0]!) })),
  ], unit)).map((f) => `figures/${f}`));
  figures.push(...(await poseChannelFigures(figureFolder, 'ablation-no-motion', `${segments[example]!.clip}: motion loss ablation`, [
    { name: 'Real', pose: raw(segments[example]!.real) },
    { name: 'PoseGAN', pose: raw(methods.PoseGAN![example]![0]!) },
    { name: 'no motion loss', pose: raw(noMotionDraws[example]![0]!) },
  ], unit, [0, 1])).map((f) => `figures/${f}`));
  if (windowJoin.example) {
    figures.push(...(await poseChannelFigures(figureFolder, 'ablation-window-join', `${windowJoin.example.clip} (whole clip, a window every ${windowJoin.windowLength} frames)`, [
      { name: 'Real', pose: raw(windowJoin.example.real) },
      { name: 'chained initial pose', pose: raw(windowJoin.example.chained) },
      { name: 'no initial pose (restart)', pose: raw(windowJoin.example.restart) },
    ], unit, [0, 1])).map((f) => `figures/${f}`));
  }
  const speechExample = motionRealism.speechExample.filter((e) => e.identity === names[0]);
  if (speechExample.length > 0) {
    figures.push(...(await poseChannelFigures(figureFolder, 'unseen-speech', `${motionRealism.speechFiles[0]}, identity ${names[0]} (unseen speech)`,
      speechExample.map((e) => ({ name: e.method, pose: raw(e.pose) })), unit, [0, 1, 2])).map((f) => `figures/${f}`));
  }
  for (const g of [...posegan, ...cnn, ...noMotion, ...[...personalPoseGan.models.values()].map((m) => m.generator)]) g.dispose();

  // ---- Table 3 ----
  let face: EvalReport['face'] = { skipped: 'the dataset has no face coefficients (OpenFace poses only)' };
  let lipMotion: EvalReport['lipMotion'] = face;
  if (dataset.manifest.stats.face) {
    log('eval: face models (Table 3)');
    const pg = await pgFaceModel(engine, dataset, plan, modelsFolder, { name: 'pgface', kind: 'pgface', variant: 'pgface', seed: 1, given: options.checkpoints.pgface }, log);
    const fixed = await pgFaceModel(engine, dataset, plan, modelsFolder, { name: 'fixed-identity', kind: 'pgface', variant: 'fixed-identity', seed: 1, given: options.checkpoints.fixedIdentity }, log);
    models.push(pg.source, fixed.source);
    const personal = async (variant: 'pgface' | 'fixed-identity', pretrained: string) => {
      const result = await personalModels(engine, dataset, plan, modelsFolder, {
        variant, pretrained, given: options.checkpoints.personalFace, epochs: options.finetuneEpochs ?? (quick ? 2 : 20),
        batch: options.finetuneBatch ?? 16, lr: options.finetuneLr ?? plan.lr, seed: 1,
      }, log);
      models.push(...result.sources);
      return result.models;
    };
    const personalFixed = await personal('fixed-identity', fixed.source.checkpoint);
    const personalPg = await personal('pgface', pg.source.checkpoint);
    const fixedIdentity = identityFaceIdMeans(dataset);
    const networks = (loaded: ReadonlyMap<string, { model: PgFace }>) => new Map([...loaded].map(([name, l]) => [name, l.model]));
    const faceMethods = tableThreeMethods(
      { pgface: pg.model.model, fixed: fixed.model.model }, { pgface: networks(personalPg), fixed: networks(personalFixed) }, fixedIdentity,
    );
    const generations = await generateFaces(engine, dataset, faceMethods, segments);
    const comparisons = [['PGFace, personalised', 'Fixed identity, personalised'], ['PGFace', 'Fixed identity']] as const;
    const table = faceTable(dataset, generations, await faceMeasure(engine, faceModel), bootstrap, comparisons);
    face = { faceModel: faceModel.name, units: faceModel.units, ...table };
    log('eval: lip motion');
    if (faceModel.innerLipVertices) {
      const decoder = new MouthOpeningDecoder(faceModel);
      lipMotion = lipMotionTable(dataset, generations, decoder, bootstrap, comparisons);
      // The longest test segment with face coefficients: the real mouth and the personalised networks' over it.
      const k = generations.segments.reduce((a, s, i) => (s.length > generations.segments[a]!.length ? i : a), 0);
      const segment = generations.segments[k]!;
      figures.push(`figures/${await mouthOpeningFigure(figureFolder, 'lip-motion.png', `${segment.clip}, test frames ${segment.range.join('-')}: mouth opening`, [
        { name: 'Real', opening: decoder.sequence(realFaceCoefficients(dataset, segment)) },
        ...['PGFace, personalised', 'Fixed identity, personalised'].map((name) => ({ name, opening: decoder.sequence(generations.methods.get(name)![k]!) })),
      ])}`);
    } else {
      lipMotion = { skipped: `the face model '${faceModel.name}' does not name its inner-lip vertices` };
    }
    for (const loaded of [pg.model, fixed.model, ...personalFixed.values(), ...personalPg.values()]) loaded.model.dispose();
  }

  // ---- personalisation ----
  let personalisation: EvalReport['personalisation'] = { skipped: 'needs the clip folder the dataset was built from (--data)' };
  if (options.data) {
    const result = await runPersonalisation({
      engine, dataset, data: options.data, out: options.out, holdout: options.holdout, plan, seed: 1,
      finetuneEpochs: options.finetuneEpochs ?? (quick ? 2 : 20), finetuneBatch: options.finetuneBatch ?? 16, finetuneLr: options.finetuneLr ?? plan.lr,
      classifier: trainedClassifier.model, bootstrap, log,
    });
    models.push(...result.models);
    const { example: personal, ...rest } = result;
    personalisation = rest;
    figures.push(...(await poseChannelFigures(figureFolder, 'personalisation', `${result.holdout} held out: ${personal.clip}`, [
      { name: 'Real', pose: personal.real },
      { name: 'pretrained (without this person)', pose: personal.pretrained },
      { name: 'fine-tuned', pose: personal.finetuned },
    ], unit, [0, 1])).map((f) => `figures/${f}`));
  }
  trainedClassifier.model.classifier.dispose();

  const { example: _joinExample, ...windowJoinNumbers } = windowJoin;
  const report: EvalReport = {
    format: 'posedyn-eval',
    version: 1,
    quick,
    command: options.command,
    dataset: datasetSummary(options.dataset, dataset),
    seconds: (performance.now() - started) / 1000,
    settings: { seeds, randomDraws, bootstrapResamples: bootstrap.resamples!, window, training: { ...plan, datasetFolder: undefined } },
    models,
    poseDistance: { rows: poseRows, realMotionEnergy: real.motionEnergy },
    classifier,
    correlation,
    face,
    motionRealism: { ...motionRealism, speechExample: undefined },
    lipMotion,
    ablations: { noMotion: { row: noMotionRow, posegan: poseRows.find((r) => r.method === 'PoseGAN')!, realJitter: real.jitter }, windowJoin: windowJoinNumbers },
    personalisation,
    figures,
  };
  await writeFileAtomic(join(options.out, 'report.json'), reportJson(report));
  await writeFileAtomic(join(options.out, 'report.md'), reportMarkdown(report));
  log(`eval: wrote ${join(options.out, 'report.md')}, report.json and ${figures.length} figures in ${report.seconds.toFixed(0)} s`);
  return report;
}

/**
 * Everything the evaluation will need from the command line, checked before any training: the holdout is an
 * identity of the dataset (and comes with --data), given checkpoints read and decode, and a --personal-face
 * folder has both networks of every identity.
 */
async function checkEvalInputs(options: EvalOptions, dataset: Dataset): Promise<void> {
  const identities = dataset.manifest.identities.map((i) => i.name);
  if (options.seeds !== undefined && !(Number.isInteger(options.seeds) && options.seeds >= 1)) throw new RangeError(`--seeds expects an integer >= 1, got ${options.seeds}`);
  if (options.holdout !== undefined) {
    if (!options.data) throw new Error('--holdout chooses whom the personalisation experiment holds out, and that experiment needs --data (the clip folder of the dataset)');
    if (!identities.includes(options.holdout)) throw new Error(`--holdout '${options.holdout}' is not an identity of ${options.dataset} (identities: ${identities.join(', ')})`);
  }
  const { personalFace, personalPosegan, ...checkpoints } = options.checkpoints;
  for (const path of Object.values(checkpoints)) if (path) decodeCheckpoint(await readFileBytes(path), path);
  // The identities each kind is personalised to (personal-models.ts): every one for the face networks, those
  // with training windows for PoseGAN.
  const withWindows = [...new Set(dataset.manifest.windows.train.map(([clip]) => dataset.clips[clip]!.entry.identity))];
  const personalFolders: [string, string | undefined, string[], string[]][] = [
    ['--personal-face', personalFace, ['pgface', 'fixed-identity'], dataset.manifest.stats.face ? identities : []],
    ['--personal-posegan', personalPosegan, ['posegan'], withWindows],
  ];
  for (const [flag, folder, variants, people] of personalFolders) {
    if (!folder) continue;
    for (const identity of people) {
      for (const variant of variants) {
        const path = personalFacePath(folder, identity, variant);
        if (!(await pathExists(path))) throw new Error(`${flag} ${folder}: no personalised ${variant} checkpoint for '${identity}' (expected ${path})`);
      }
    }
  }
}

function datasetSummary(folder: string, dataset: Dataset): EvalReport['dataset'] {
  const m = dataset.manifest;
  const frames = (split: 'train' | 'val' | 'test') => m.clips.reduce((a, c) => a + c.segments[split][1] - c.segments[split][0], 0);
  return {
    folder, identities: m.identities.map((i) => i.name), clips: m.clips.length, poseUnit: m.poseUnit, features: m.featureConfig.features,
    frontEnd: m.featureConfig.frontEnd, trainFrames: frames('train'), valFrames: frames('val'), testFrames: frames('test'), trainWindows: m.windows.train.length,
  };
}
