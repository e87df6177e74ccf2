// The evaluation report: its JSON shape, and report.md rendered from it with the paper's numbers beside ours
// and sentences that state, from the numbers, whether each of the paper's findings holds here.
import type { Estimate } from './bootstrap.ts';
import type { ClassifierTable } from './identity-classifier-table.ts';
import type { CorrelationTable } from './correlation-table.ts';
import type { FaceDifference, FaceRow } from './face-table.ts';
import { REAL_MOUTH, STILL_MOUTH, type LipMotionTable } from './lip-motion-table.ts';
import type { DistanceRow } from './method-scores.ts';
import { PAPER } from './paper-numbers.ts';
import type { MotionRealismTable } from './motion-realism-table.ts';
import type { WindowJoinTable } from './window-join-table.ts';
import { POSE_CHANNEL_NAMES } from '../pose/pose-convention.ts';
import type { ModelSource, PersonalisationResult, TrainingPlan } from './report-types.ts';
import { motionRealismSection } from './motion-realism-markdown.ts';

/** The method name of the PoseGAN personalised to each identity (Sec. 5.1), beside the shared one. */
export const PERSONAL_POSEGAN = 'PoseGAN, personalised';

export interface EvalReport {
  readonly format: 'posedyn-eval';
  readonly version: 1;
  readonly quick: boolean;
  readonly command: string;
  readonly dataset: {
    readonly folder: string; readonly identities: string[]; readonly clips: number; readonly poseUnit: string; readonly features: number;
    readonly frontEnd: string; readonly trainFrames: number; readonly valFrames: number; readonly testFrames: number; readonly trainWindows: number;
  };
  readonly seconds: number;
  readonly settings: { readonly seeds: number; readonly randomDraws: number; readonly bootstrapResamples: number; readonly window: number; readonly training: Omit<TrainingPlan, 'datasetFolder'> & { datasetFolder: undefined } };
  readonly models: ModelSource[];
  readonly poseDistance: { readonly rows: DistanceRow[]; readonly realMotionEnergy: Estimate };
  readonly classifier: ClassifierTable;
  readonly correlation: CorrelationTable;
  readonly face: { readonly faceModel: string; readonly units: string; readonly rows: FaceRow[]; readonly differences: FaceDifference[] } | { readonly skipped: string };
  readonly motionRealism: Omit<MotionRealismTable, 'speechExample'> & { readonly speechExample: undefined };
  readonly lipMotion: LipMotionTable | { readonly skipped: string };
  readonly ablations: {
    readonly noMotion: { readonly row: DistanceRow; readonly posegan: DistanceRow; readonly realJitter: Estimate };
    readonly windowJoin: Omit<WindowJoinTable, 'example'>;
  };
  readonly personalisation: Omit<PersonalisationResult, 'example'> | { readonly skipped: string };
  readonly figures: string[];
}

export function reportJson(report: EvalReport): string {
  return `${JSON.stringify(report, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
const f4 = (v: number) => (Number.isFinite(v) ? (Math.abs(v) < 0.001 && v !== 0 ? v.toExponential(2) : v.toFixed(4)) : 'n/a');
const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');
const est = (e: Estimate, format = f4) => `${format(e.value)} [${format(e.low)}, ${format(e.high)}]`;
const table = (header: string[], rows: string[][]) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
/** Two intervals that do not overlap: the difference is outside the bootstrap noise of the test segments. */
const separated = (a: Estimate, b: Estimate) => a.high < b.low || b.high < a.low;
const compare = (a: Estimate, b: Estimate) => `${a.value < b.value ? 'lower' : 'higher'}${separated(a, b) ? '' : ' (intervals overlap: not resolved by these test segments)'}`;

function modelsSection(report: EvalReport): string {
  return table(['model', 'origin', 'variant', 'seed', 'epochs', 'kept epoch', 'its validation loss', 'training s', 'checkpoint'], report.models.map((m) => [
    m.name, m.origin, m.variant, m.seed === null ? '-' : String(m.seed), m.epochs === null ? '-' : String(m.epochs), m.bestEpoch === null ? '-' : String(m.bestEpoch),
    m.bestValidation === null ? '-' : f4(m.bestValidation), m.seconds.toFixed(0), `\`${m.checkpoint}\``,
  ]));
}

function poseDistanceSection(report: EvalReport): string {
  const rows = report.poseDistance.rows;
  const by = (name: string) => rows.find((r) => r.method === name)!;
  const lines = [
    table(['method', 'draws', 'pose distance [95% CI]', 'motion distance [95% CI]', 'pose, range over draws', 'paper pose', 'paper motion', 'own motion energy (vs real)'], rows.map((r) => [
      r.method, String(r.draws), est(r.pose), est(r.motion), r.perDraw.length > 1 ? `${f4(Math.min(...r.perDraw.map((d) => d.pose)))} - ${f4(Math.max(...r.perDraw.map((d) => d.pose)))}` : '-',
      f3(PAPER.poseDistance[r.method]?.pose ?? NaN), f3(PAPER.poseDistance[r.method]?.motion ?? NaN),
      `${f4(r.motionEnergy.value)} (${(r.motionEnergy.value / report.poseDistance.realMotionEnergy.value).toFixed(2)}x)`,
    ])),
    '',
    'Pose distance: mean over test frames t and channels c of (y_tc - ŷ_tc)^2; motion distance: the same for the frame ' +
    'differences (y_t - y_(t-1)) - (ŷ_t - ŷ_(t-1)). Units: the dataset\'s normalised pose units (each channel z-scored with the ' +
    'training split\'s mean and std), squared, per frame and channel; 1.0 is the spread of a channel over the training poses. ' +
    'The paper\'s units are OpenFace degrees/mm on its own data: compare orderings, not magnitudes. CNN and PoseGAN generate each ' +
    'test segment from its real first pose (a segment is shorter than one 256-frame window). Random is averaged over ' +
    `${report.settings.randomDraws} random draws a segment; models over ${report.settings.seeds} training seed(s) (a draw each; the range ` +
    'column shows each draw scored on its own). Intervals: ' +
    `percentile bootstrap over the ${rows[0]?.perSegment.length ?? 0} test segments (${report.settings.bootstrapResamples} resamples). ` +
    `Own motion energy: mean_t,c (ŷ_t - ŷ_(t-1))_c^2 of each method's poses, against the real test poses' ${f4(report.poseDistance.realMotionEnergy.value)}: ` +
    'how far a method collapses toward a still head.',
    '',
    'What the paper found, checked here:',
    `- CNN vs PoseGAN pose distance (paper: CNN lower, it collapses toward a static pose): CNN is ${compare(by('CNN').pose, by('PoseGAN').pose)} than PoseGAN.`,
    `- PoseGAN vs Random (paper: lower): PoseGAN is ${compare(by('PoseGAN').pose, by('Random').pose)} than Random.`,
    `- PoseGAN vs Nearest neighbour (paper: lower): PoseGAN is ${compare(by('PoseGAN').pose, by('Nearest neighbour').pose)}.`,
    `- Mean pose vs PoseGAN (paper: PoseGAN 0.89 below Mean 0.92): PoseGAN is ${compare(by('PoseGAN').pose, by('Mean pose').pose)} than the mean pose.`,
    `- Motion (paper: the CNN collapses toward a static pose, PoseGAN keeps moving): PoseGAN's own motion energy is ${compare(by('PoseGAN').motionEnergy, by('CNN').motionEnergy)} ` +
    `than the CNN's; PoseGAN moves ${(by('PoseGAN').motionEnergy.value / report.poseDistance.realMotionEnergy.value).toFixed(2)}x as much as the real poses.`,
  ];
  return lines.join('\n');
}

function classifierSection(report: EvalReport): string {
  const c = report.classifier;
  const chance = 1 / c.classes.length;
  const order = ['Real', 'Mean pose', 'Random', 'Nearest neighbour', 'CNN', 'PoseGAN', PERSONAL_POSEGAN];
  const p = c.confidence;
  return [
    `Classifier: windows of ${c.settings.window} frames of pose motion (${c.settings.window - 1} frame differences x 6 channels, each ` +
    `channel scaled by its training std); ${c.settings.window} frames because the shortest test segment must supply a window ` +
    `(the paper uses 256). Trained on ${c.trainWindows} windows of the training split (stride ${c.settings.trainStride}), class-balanced ` +
    `cross-entropy, ${c.settings.steps} Adam steps; tested on ${c.testWindows} windows of the test split (stride ${c.settings.testStride}).`,
    '',
    table(['', 'ours', 'paper'], [
      ['identities (chance)', `${c.classes.length} (${pct(chance)})`, `${PAPER.classifierIdentities} (20.0%)`],
      ['test accuracy on real poses', pct(c.testAccuracy), pct(PAPER.classifierAccuracy)],
      ...Object.entries(c.perIdentityAccuracy).map(([name, a]) => [`  ${name}`, pct(a), '']),
    ]),
    '',
    'Mean confidence in the correct identity on each method\'s test poses (same windows as the real ones):',
    '',
    table(['method', 'confidence [95% CI]', 'paper'], order.filter((m) => p[m]).map((m) => [m, est(p[m]!, f3), PAPER.confidence[m] === undefined ? '' : f3(PAPER.confidence[m]!)])),
    '',
    `- PoseGAN vs CNN (paper: 0.72 vs 0.22): PoseGAN is ${compare(p.PoseGAN!, p.CNN!)} than the CNN.`,
    `- PoseGAN vs Mean pose (paper: 0.72 vs 0.20): PoseGAN is ${compare(p.PoseGAN!, p['Mean pose']!)} than the mean pose.`,
    ...(p[PERSONAL_POSEGAN] ? [`- ${PERSONAL_POSEGAN} (Sec. 5.1, one network a person) vs CNN: ${compare(p[PERSONAL_POSEGAN]!, p.CNN!)}; vs Mean pose: ${compare(p[PERSONAL_POSEGAN]!, p['Mean pose']!)}.`] : []),
    `- Random (real poses of the same person) is the ceiling a generator of "personal" motion can hope for without matching the audio: ${f3(p.Random!.value)}.`,
  ].join('\n');
}

function correlationSection(report: EvalReport): string {
  const c = report.correlation;
  const a = c.acceptance;
  return [
    `Each window of ${c.settings.window} frames becomes ${c.features} x 6 Pearson correlations (audio feature x pose channel, Eq. 9). ` +
    `One-class SVM (RBF, gamma = ${c.gamma.toExponential(3)} by the 'scale' rule, nu = ${c.settings.nu}) trained on ${c.trainWindows} real training ` +
    `windows (${c.supportVectors} support vectors; it accepts ${pct(c.trainAcceptance)} of them). Tested on ${c.testWindows} test windows ` +
    `(stride ${c.settings.testStride}); Random = the same test audio with the pose replaced by a random real pose stretch of the same person ` +
    'from the training split.',
    '',
    table(['poses', 'accepted [95% CI]', 'paper'], Object.entries(a).map(([m, e]) => [m, est(e, f3), PAPER.acceptance[m] ?? ''])),
    '',
    table(['identity', 'test windows', 'Real accepted', 'Random accepted'], Object.entries(c.perIdentity).map(([name, e]) => [name, String(e.windows), pct(e.real), pct(e.random)])),
    '',
    `- Real vs Random (paper: real accepted more often): Real is ${compare(a.Real!, a.Random!)} than Random.`,
    ...(a['Mean pose'] && a['Mean pose'].value >= a.Real!.value
      ? ['- A still head (Mean pose) has no correlation with the audio at all: its features are all 0, near the centre of the real windows\' ' +
        'cloud of weak correlations, so the one-class SVM accepts it. The check measures whether a window\'s correlation pattern is typical, ' +
        'not whether the pose follows the audio; read it together with Tables 2 and 4.']
      : []),
  ].join('\n');
}

function lipMotionSection(report: EvalReport): string {
  if ('skipped' in report.lipMotion) return `Skipped: ${report.lipMotion.skipped}.`;
  const t = report.lipMotion;
  const ci = (e: { value: number; low: number; high: number }) => est(e, f3);
  const rows = t.rows.map((r) => [
    r.method,
    r.method === REAL_MOUTH ? '1 (reference)' : r.method === STILL_MOUTH ? '0 (constant)' : ci(r.correlation),
    r.method === REAL_MOUTH ? '1' : f3(r.pooledCorrelation),
    r.method === REAL_MOUTH ? '0' : ci(r.openingError),
    r.method === STILL_MOUTH ? '0' : f3(r.amplitude),
    r.loudnessCorrelation ? (r.method === STILL_MOUTH ? '0 (constant)' : ci(r.loudnessCorrelation)) : 'n/a',
    f3(r.meanOpening),
  ]);
  const by = (name: string) => t.rows.find((r) => r.method === name);
  const verdicts = t.rows.filter((r) => r.method !== REAL_MOUTH && r.method !== STILL_MOUTH).map((r) =>
    `- ${r.method}: r ${f3(r.correlation.value)} ${r.correlation.low > 0 ? '(interval above 0: the generated mouth opens and closes with the real one)' : '(the interval reaches 0: not resolved)'}; opening error ${f3(r.openingError.value)} cm vs the still mouth\'s ${f3(by(STILL_MOUTH)!.openingError.value)} cm.`);
  return [
    `Face model: ${t.faceModel}. ${t.segments} test segments, ${t.frames} frames; each face network sees every test frame's audio window and its real pose (as in Table 3). ` +
    'Mouth opening: the inner-lip gap of the decoded face (talking-head/face/mouth-opening.ts; MediaPipe vertices 13-14 on the fitted and procedural models), ' +
    'of the generated coefficients and of the real ones (with the fitted model the real coefficients\' gap follows the gap tracked in the videos at r 0.82-0.96 on the test split). ' +
    'r: Pearson\'s r between generated and real opening over a segment, averaged over segments weighted by frames; pooled r: over all test frames at once; opening error: RMS of generated - real, cm; ' +
    'amplitude: the generated opening\'s std within segments over the real one\'s; loudness r: r between the opening and the speech\'s loudness ' +
    `(${t.loudnessFeature ?? 'no loudness feature'}), per segment, averaged. Still mouth: every frame the person's mean face over the training frames. 95% bootstrap intervals over segments.`,
    '',
    table(['mouth', 'r with the real opening [95% CI]', 'pooled r', 'opening error, cm [95% CI]', 'amplitude', 'loudness r [95% CI]', 'mean opening, cm'], rows),
    '',
    ...verdicts,
    ...t.differences.map((d) => `- ${d.method} - ${d.baseline}, paired by segment: r ${est(d.correlation, f3)}${d.correlation.low > 0 || d.correlation.high < 0 ? '' : ' (the interval spans 0: not resolved)'}.`),
  ].join('\n');
}

function faceSection(report: EvalReport): string {
  if ('skipped' in report.face) return `Skipped: ${report.face.skipped}.`;
  const rows = report.face.rows;
  const unit = `${report.face.units}^2`;
  const paper = (name: string) => PAPER.face[name.replace(/, personalised$/, '')];
  const signed = (e: Estimate, format: (v: number) => string) =>
    `${format(e.value)} [${format(e.low)}, ${format(e.high)}] (${e.low < 0 && e.high > 0 ? 'the interval spans 0: not resolved' : e.value < 0 ? 'lower' : 'higher'})`;
  const verdict = (d: FaceDifference) =>
    `${d.method} vs ${d.baseline}, paired by test segment (method - baseline, 95% CI): shape (Eq. 7) ${signed(d.shape, f3)}, motion (Eq. 8) ${signed(d.motion, f4)}; ` +
    `uniform shape ${signed(d.uniform.shape, f4)}, uniform motion ${signed(d.uniform.motion, f4)}.`;
  return [
    `Face model: ${report.face.faceModel}. Every network sees each test frame's audio window and its real pose. Shape: mean over test frames of ` +
    `the mean squared vertex distance (1/V) sum_v m_v^2 ||v - f||^2; motion: the same for neighbouring-frame vertex differences. Units: ${unit}. ` +
    'Eq. 7-8 columns weight the lower face by m = 10 as the paper\'s L_shape and L_s-motion do (what Table 3\'s columns are named after); the ' +
    'uniform columns weight every vertex 1. "Personalised" rows: the pretrained network fine-tuned on each person\'s training frames (Sec. 5.1, ' +
    '20 epochs, batch 16, its output first re-centred on that person: talking-head/training/recentre-face-output.ts), one network a person; the others are one network for every person, so PGFace, which has no identity input, must ' +
    'recognise the speaker from 16 frames of audio and a pose, while the baseline is given the person\'s mean identity.',
    '',
    table(['method', `shape, Eq. 7 (${unit}) [95% CI]`, `motion, Eq. 8 (${unit}) [95% CI]`, `shape, uniform (${unit})`, `motion, uniform (${unit})`, 'paper shape', 'paper motion'], rows.map((r) => [
      r.method, est(r.shape, f3), est(r.motion, f3), est(r.uniform.shape), est(r.uniform.motion), f3(paper(r.method)?.shape ?? NaN), f3(paper(r.method)?.motion ?? NaN),
    ])),
    '',
    '- Paper: PGFace has the lower shape error, 0.81 vs 0.96 (motion 0.41 vs 0.43).',
    ...report.face.differences.map((d) => `- ${verdict(d)}`),
  ].join('\n');
}

function ablationSection(report: EvalReport): string {
  const { noMotion, windowJoin: w } = report.ablations;
  const ratio = (e: Estimate, to: Estimate) => (to.value > 0 ? `${(e.value / to.value).toFixed(2)}x` : 'n/a');
  return [
    '### No motion loss (beta = 0)',
    'The ablated model is PoseGAN trained exactly like the full one (same seed, epochs, widths) except beta = 0 in Eq. (5), so ' +
    'L_p-motion is gone and only L_pose and the adversarial term remain. Jitter: mean over test frames of the squared second difference ' +
    'mean_c (y_(t+1)c - 2 y_tc + y_(t-1)c)^2 (normalised units squared).',
    '',
    table(['poses', 'jitter [95% CI]', 'vs real', 'pose distance', 'motion distance'], [
      ['Real', est(noMotion.realJitter), '1.00x', '-', '-'],
      ['PoseGAN', est(noMotion.posegan.jitter), ratio(noMotion.posegan.jitter, noMotion.realJitter), est(noMotion.posegan.pose), est(noMotion.posegan.motion)],
      ['no motion loss', est(noMotion.row.jitter), ratio(noMotion.row.jitter, noMotion.realJitter), est(noMotion.row.pose), est(noMotion.row.motion)],
    ]),
    '',
    `- No motion loss vs PoseGAN (paper: the output jitters): the ablated model's jitter is ${compare(noMotion.row.jitter, noMotion.posegan.jitter)} than PoseGAN's.`,
    '',
    '### No initial pose',
    `Test segments are shorter than one generation window, so this runs on the whole audio of every clip longer than one window (windows start every ${w.windowLength} frames while a full window fits before the end) ` +
    `(${w.clips.join(', ')}: ${w.boundaries} window boundaries; the audio includes training frames, which does not matter for continuity). ` +
    'The first PoseGAN of the models table (seed 1, or the given checkpoint) generates each clip as inference does, starting at the identity\'s rest pose, either chaining every window from the ' +
    'previous window\'s last pose (the paper\'s inference) or restarting every window at the rest pose, i.e. without the information the initial ' +
    'pose carries (the model is not retrained). Jump: mean_c (ŷ_bc - ŷ_(b-1)c)^2 at boundaries b.',
    '',
    table(['', 'mean squared step [95% CI]', 'vs real frame-to-frame motion'], [
      ['real poses, every frame', est(w.realMotion), '1.00x'],
      ['real poses, at the boundaries', est(w.realAtBoundaries), ratio(w.realAtBoundaries, w.realMotion)],
      ['PoseGAN, chained initial pose', est(w.chained), ratio(w.chained, w.realMotion)],
      ['PoseGAN, no initial pose (restart)', est(w.restart), ratio(w.restart, w.realMotion)],
    ]),
    '',
    `- Restart vs chained (paper: windows do not join without the initial pose): the jump without the initial pose is ${compare(w.restart, w.chained)} than with it.`,
  ].join('\n');
}

function personalisationSection(report: EvalReport): string {
  const p = report.personalisation;
  if ('skipped' in p) return `Skipped: ${p.skipped}.`;
  const statRow = (name: string, s: { mean: number[]; std: number[]; motion: number }) => [name, ...s.mean.map(f3), ...s.std.map(f3), f4(s.motion)];
  const moved = (a: number, b: number) => (b < a ? 'closer to' : 'further from');
  return [
    `Held out: **${p.holdout}**. PoseGAN pretrained on ${p.pretrainIdentities.join(', ')} only, then fine-tuned with \`runFinetune\` for ` +
    `${p.finetuneEpochs} epochs on ${p.finetuneTrainFrames} frames (the first 70% of each of ${p.holdout}'s clips). Evaluated on the held-out ` +
    `30% (${p.segments} val and test segments, ${p.frames} frames), each segment generated from its real first pose. Statistics in the pretrained ` +
    'model\'s normalised units; the fine-tuned model is its last epoch. The classifier is Table 4\'s, trained on every identity\'s ' +
    `training split (so it has seen the same 70% of ${p.holdout} that fine-tuning uses, never the 30% scored here).`,
    '',
    table(['poses', ...POSE_CHANNEL_NAMES.map((c) => `mean ${c}`), ...POSE_CHANNEL_NAMES.map((c) => `std ${c}`), 'motion energy'], [
      statRow('Real (held-out 30%)', p.real), statRow('pretrained', p.pretrained.statistics), statRow('fine-tuned', p.finetuned.statistics),
    ]),
    '',
    table(['model', 'mean gap', 'std gap', '|log motion ratio|', 'classifier confidence [95% CI]', 'pose distance', 'motion distance'], [
      ['Real', '-', '-', '-', est(p.real.confidence, f3), '-', '-'],
      ...(['pretrained', 'finetuned'] as const).map((k) => [k === 'finetuned' ? 'fine-tuned' : k, f4(p[k].gap.meanGap), f4(p[k].gap.stdGap), f3(p[k].gap.motionGap), est(p[k].confidence, f3), est(p[k].pose), est(p[k].motion)]),
    ]),
    '',
    `- Fine-tuning moved the per-channel means ${moved(p.pretrained.gap.meanGap, p.finetuned.gap.meanGap)}, the stds ${moved(p.pretrained.gap.stdGap, p.finetuned.gap.stdGap)} ` +
    `and the motion energy ${moved(p.pretrained.gap.motionGap, p.finetuned.gap.motionGap)} the held-out real poses.`,
    `- The classifier's confidence in ${p.holdout} went from ${f3(p.pretrained.confidence.value)} to ${f3(p.finetuned.confidence.value)} ` +
    `(${p.finetuned.confidence.value > p.pretrained.confidence.value ? 'raised' : 'not raised'}${separated(p.pretrained.confidence, p.finetuned.confidence) ? '' : '; intervals overlap'}).`,
  ].join('\n');
}

export function reportMarkdown(report: EvalReport): string {
  const d = report.dataset;
  const t = report.settings.training;
  return [
    `# posedyn evaluation: ${d.identities.length} identities, ${d.clips} clips`,
    '',
    ...(report.quick ? ['> **Quick run** (`--quick`): tiny networks trained for a few steps. The numbers only show that every table is computed end to end; they say nothing about the method.', ''] : []),
    'Command:',
    '',
    '```',
    report.command,
    '```',
    '',
    `Dataset \`${d.folder}\`: ${d.identities.join(', ')}; ${d.trainFrames} / ${d.valFrames} / ${d.testFrames} train / val / test frames, ` +
    `${d.trainWindows} training windows of 256 frames; ${d.features} audio features a frame (${d.frontEnd}); pose translations in ${d.poseUnit} units. ` +
    `This invocation ran ${(report.seconds / 60).toFixed(1)} min; the models' training took ` +
    `${(report.models.reduce((a, m) => a + m.seconds, 0) / 60).toFixed(1)} min in all (per model below; 'reused' models were trained by an ` +
    'earlier invocation into the same --out folder).',
    '',
    `Training: PoseGAN and variants ${t.epochs} epochs${t.maxStepsPerEpoch ? ` of at most ${t.maxStepsPerEpoch} steps` : ''}, batch ${t.batch}, Adam lr ${t.lr}` +
    `${t.poseganConfig ? `, config ${JSON.stringify(t.poseganConfig)}` : ', default widths'}; PGFace ${t.pgfaceEpochs} epochs` +
    `${t.pgfaceMaxStepsPerEpoch ? ` of at most ${t.pgfaceMaxStepsPerEpoch} steps` : ''}${t.pgfaceConfig ? `, config ${JSON.stringify(t.pgfaceConfig)}` : ''}; best epoch on validation kept. ` +
    `The paper trains 50 epochs at batch 64, lr 1e-4. Seeds: ${report.settings.seeds}.`,
    '',
    modelsSection(report),
    '',
    '## Table 2: head-pose distance to ground truth (test split)',
    '',
    poseDistanceSection(report),
    '',
    '## Table 4: head-pose identity classifier',
    '',
    classifierSection(report),
    '',
    '## Motion realism: does the head move like the person? (issue 14)',
    '',
    motionRealismSection({ ...report.motionRealism, speechExample: [] }, { main: ['PoseGAN', PERSONAL_POSEGAN], baseline: 'CNN' }),
    '',
    '## Table 1: audio-pose correlation check (one-class SVM)',
    '',
    correlationSection(report),
    '',
    '## Table 3: face shape and motion (PGFace vs fixed identity)',
    '',
    faceSection(report),
    '',
    '## Lip motion (ours, in place of Table 5\'s SyncNet score)',
    '',
    lipMotionSection(report),
    '',
    '## Ablations',
    '',
    ablationSection(report),
    '',
    '## Personalisation (leave one identity out)',
    '',
    personalisationSection(report),
    '',
    '## Figures',
    '',
    ...report.figures.map((f) => `![${f}](${f})`),
    '',
    '## Caveats',
    '',
    '- Small data: a few minutes of speech per person and nine short test segments, so most intervals are wide and differences the paper ' +
    'reports can be small, unresolved or reversed here. The sentences under each table say which, from the numbers above.',
    '- Tables 5 (SyncNet) and 6 (user study) need a pretrained SyncNet and human raters and are not reproduced; the lip-motion section is ours, not SyncNet\'s score.',
    '- The audio features are posedyn\'s log-mel + pitch front end, not DeepSpeech (PAPER.md, Data).',
    ...(report.quick ? ['- This is a quick run: read nothing into its numbers.'] : []),
    '',
  ].join('\n');
}
