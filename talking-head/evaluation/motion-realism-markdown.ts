// The report's motion-realism section (issue 14; talking-head/evaluation/motion-realism-table.ts): per method and
// identity, the generated head motion against the real, on the test split and on unseen speech, the window
// joins, and sentences that check issue 14's targets from the numbers.
import type { Estimate } from './bootstrap.ts';
import type { RealismRow } from './motion-realism.ts';
import type { MotionRealismTable } from './motion-realism-table.ts';

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const interval = (e: Estimate) => `${f2(e.value)} [${f2(e.low)}, ${f2(e.high)}]`;
const table = (header: string[], rows: string[][]) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const within = (v: number, low: number, high: number) => v >= low && v <= high;

function realismTable(rows: readonly RealismRow[]): string {
  return table(['method', 'identity', 'frames', 'motion energy, rotation [95% CI]', 'motion energy, all 6', 'std pitch', 'std yaw', 'std roll', 'jitter, rotation', 'jitter, all 6'], rows.map((r) => [
    r.method, r.identity, String(r.frames), interval(r.motionRatio), f2(r.motionRatioAll.value), ...r.rotationStdRatio.map(f2), f2(r.jitterRatio), f2(r.jitterRatioAll),
  ]));
}

/** Issue 14's targets for one method's rows, stated from the numbers. */
function targetSentences(rows: readonly RealismRow[], method: string, baseline: string | null): string[] {
  const mine = rows.filter((r) => r.method === method);
  if (mine.length === 0) return [];
  const span = (xs: number[]) => `${f2(Math.min(...xs))}-${f2(Math.max(...xs))}`;
  const motion = mine.map((r) => r.motionRatio.value);
  const stds = mine.flatMap((r) => r.rotationStdRatio);
  const jitters = mine.map((r) => r.jitterRatio);
  const out = [
    `- ${method}: rotation motion energy ${span(motion)}x the real (target 0.5-2x for every identity: ${motion.every((m) => within(m, 0.5, 2)) ? 'met' : 'not met'}); ` +
    `rotation std ${span(stds)}x (target 0.5-2x per channel: ${stds.every((s) => within(s, 0.5, 2)) ? 'met' : 'not met'}); ` +
    `rotation jitter at most ${f2(Math.max(...jitters))}x (target <= 2x: ${jitters.every((j) => j <= 2) ? 'met' : 'not met'}).`,
  ];
  if (baseline) {
    const separated = mine.filter((r) => {
      const b = rows.find((x) => x.method === baseline && x.identity === r.identity);
      return b !== undefined && b.motionRatio.high < r.motionRatio.low;
    });
    out.push(`- ${method} vs the ${baseline} (same generator, L_L2 only): the ${baseline}'s motion-energy interval lies below ${method}'s for ${separated.length} of ${mine.length} identities` +
      `${separated.length === mine.length ? '' : ` (not for ${mine.filter((r) => !separated.includes(r)).map((r) => r.identity).join(', ')})`}.`);
  }
  return out;
}

export function motionRealismSection(t: MotionRealismTable, methods: { readonly main: readonly string[]; readonly baseline: string | null }): string {
  const joins = table(['method', 'setting', 'joins', 'mean jump / real p95, all 6', 'largest / real p95, all 6', 'mean jump / real p95, rotation', 'largest / real p95, rotation', 'kink mean / largest, rotation'], t.joins.map((j) => [
    j.method, j.setting, String(j.all.joins), f2(j.all.meanRatio), f2(j.all.maxRatio), f2(j.rotation.meanRatio), f2(j.rotation.maxRatio), `${f2(j.rotation.meanKinkRatio)} / ${f2(j.rotation.maxKinkRatio)}`,
  ]));
  const joinSentences = t.joins.filter((j) => methods.main.includes(j.method)).map((j) =>
    `- ${j.method}, ${j.setting}: mean squared jump ${f2(j.all.meanRatio)}x and largest ${f2(j.all.maxRatio)}x the real 95th-percentile step over all six channels ` +
    `(${f2(j.rotation.meanRatio)}x and ${f2(j.rotation.maxRatio)}x over the rotation); target mean < 1x and largest <= 3x: ` +
    `${j.all.meanRatio < 1 && j.all.maxRatio <= 3 && j.rotation.meanRatio < 1 && j.rotation.maxRatio <= 3 ? 'met' : 'not met'}.`);
  return [
    'Generated head motion against the real, per identity, in the dataset\'s normalised units (talking-head/evaluation/motion-realism.ts). ' +
    'Every figure is a ratio generated / real: motion energy mean_t,c (y_tc - y_(t-1)c)^2 (interval: bootstrap over blocks of 32 frames), ' +
    'std per channel within each sequence, jitter mean_t,c (y_(t+1)c - 2 y_tc + y_(t-1)c)^2 (the tremble). "Rotation" is pitch, yaw and roll, ' +
    'how the head nods, turns and tilts; "all 6" adds the translations, which in these Deep3DFaceRecon tracks of aligned face crops are ' +
    'mostly tracking noise (their jitter is about their motion energy, i.e. nearly white, and under about a millimetre a frame), so no ' +
    'generator that moves smoothly reaches their energy, nor should it.',
    '',
    '**Test split**: each test segment generated from its real first pose, against the identity\'s real test segments.',
    '',
    realismTable(t.testSplit),
    '',
    ...methods.main.flatMap((m) => targetSentences(t.testSplit, m, methods.baseline)),
    '',
    `**Unseen speech** (${t.speechFiles.length ? t.speechFiles.join(', ') : 'none given'}): each file generated as inference does, from the identity's ` +
    'rest pose, against the identity\'s whole real clips.',
    '',
    t.speech.length ? realismTable(t.speech) : '(no speech files: pass --speech)',
    '',
    ...methods.main.flatMap((m) => targetSentences(t.speech, m, methods.baseline)),
    '',
    `**Window joins**: every boundary where one generation window hands over to the next (every ${t.joins[0]?.windowLength ?? '-'} frames, the window less its overlap, while a full window fits before the end: the frames after the last join are one end window; whole styletalk clips as inference runs ` +
    'them, and the speech files), the squared jump mean_c (y_b - y_(b-1))_c^2 against the 95th percentile of the real frame-to-frame step ' +
    'over every frame of every clip; the kink is the squared second difference at the join against the real second differences\' 95th percentile.',
    '',
    joins,
    '',
    ...joinSentences,
  ].join('\n');
}
