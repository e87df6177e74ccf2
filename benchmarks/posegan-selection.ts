// Rules of "best on validation" for PoseGAN (issue 14, run 8), compared offline: selection does not change training,
// so one training a seed, run with `posedyn train posegan --keep-epochs` (every epoch's parameters in epochs/, every
// epoch's per-identity val figures in log.jsonl), lets each rule pick its epoch afterwards. For each run folder and
// rule this prints the epoch the rule keeps and that epoch's val figures; with --write DIR it copies each chosen
// epoch's parameters to DIR/<run>-eNN/best.safetensors and writes DIR/variants.json for benchmarks/posegan-ablation.ts
// (--out DIR --kept best) to score them on the test split and on unseen speech.
//
//   node --import ./runtime-node/register.mjs benchmarks/posegan-selection.ts out/run8/posegan-s1 ... [--write out/run8/chosen]
//
// A rule is config.ts's validationRealism, validationRealismPooling and validationStdRealism (the score:
// talking-head/training/posegan-validation.ts validationScore). The first rule is the shipped one (run 6's); its
// choice must be the epoch the training itself kept as best.safetensors, which the script checks.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type IdentityRealism, type RealismRatios, type RealismWeights, validationScore } from '../talking-head/training/posegan-validation.ts';

interface ValidationLine {
  readonly epoch: number;
  readonly l2PerFrame: number;
  readonly score: number;
  readonly pooled: RealismRatios;
  readonly identities: readonly IdentityRealism[];
}

const RULES: readonly { readonly name: string; readonly weights: RealismWeights }[] = [
  { name: 'pooled', weights: { validationRealism: 1, validationRealismPooling: 'pooled', validationStdRealism: 0 } },
  { name: 'identity-mean', weights: { validationRealism: 1, validationRealismPooling: 'identity-mean', validationStdRealism: 0 } },
  { name: 'identity-max', weights: { validationRealism: 1, validationRealismPooling: 'identity-max', validationStdRealism: 0 } },
  { name: 'pooled+std', weights: { validationRealism: 1, validationRealismPooling: 'pooled', validationStdRealism: 1 } },
  { name: 'identity-mean+std', weights: { validationRealism: 1, validationRealismPooling: 'identity-mean', validationStdRealism: 1 } },
  { name: 'identity-max+std', weights: { validationRealism: 1, validationRealismPooling: 'identity-max', validationStdRealism: 1 } },
];

const { values, positionals: runs } = parseArgs({ allowPositionals: true, options: { write: { type: 'string' } } });
if (runs.length === 0) throw new Error('posegan-selection: name one or more training folders (posedyn train posegan --keep-epochs)');

async function readRun(folder: string): Promise<{ lines: ValidationLine[]; bestEpoch: number | null }> {
  const text = await readFile(join(folder, 'log.jsonl'), 'utf8');
  const records = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type: string; epoch: number; validation?: number; best?: number });
  const lines = records.filter((r) => r.type === 'validation') as unknown as ValidationLine[];
  if (lines.length === 0) throw new Error(`${folder}/log.jsonl has no 'validation' lines (trained before run 8's logging?)`);
  // the training's own choice: the last epoch whose validation equals the best so far when it was logged
  const epochs = records.filter((r) => r.type === 'epoch');
  const improved = epochs.filter((r) => r.validation === r.best);
  return { lines, bestEpoch: improved.at(-1)?.epoch ?? null };
}

const f2 = (x: number) => x.toFixed(2);
const chosen = new Map<string, { run: string; epoch: number; rules: string[] }>();
console.log('| run | rule | epoch | val L_L2 | score | pooled motion / jitter | per identity motion (min-max) | per identity jitter (max) | per identity std (min) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const folder of runs) {
  const run = basename(folder);
  const { lines, bestEpoch } = await readRun(folder);
  for (const rule of RULES) {
    let best: ValidationLine | null = null;
    let bestScore = Infinity;
    for (const line of lines) {
      const score = validationScore(line.l2PerFrame, line.pooled, line.identities, rule.weights);
      if (score < bestScore) [best, bestScore] = [line, score];
    }
    const b = best!;
    if (rule === RULES[0] && bestEpoch !== null && b.epoch !== bestEpoch) {
      throw new Error(`${folder}: the pooled rule keeps epoch ${b.epoch}, the training kept ${bestEpoch}: the log and the rule disagree`);
    }
    const motions = b.identities.map((i) => i.motion);
    const identityNames = (pick: (i: IdentityRealism) => number, extreme: (...xs: number[]) => number) => {
      const value = extreme(...b.identities.map(pick));
      return `${f2(value)} (${b.identities.find((i) => pick(i) === value)!.identity})`;
    };
    console.log(`| ${run} | ${rule.name} | ${b.epoch} | ${b.l2PerFrame.toFixed(3)} | ${bestScore.toFixed(3)} | ${f2(b.pooled.motion)} / ${f2(b.pooled.jitter)} | ${f2(Math.min(...motions))}-${f2(Math.max(...motions))} | ${identityNames((i) => i.jitter, Math.max)} | ${identityNames((i) => Math.min(...i.std), Math.min)} |`);
    const key = `${run}-e${String(b.epoch).padStart(2, '0')}`;
    const entry = chosen.get(key) ?? { run: folder, epoch: b.epoch, rules: [] };
    entry.rules.push(rule.name);
    chosen.set(key, entry);
  }
}

if (values.write) {
  const variants = [];
  for (const [name, c] of chosen) {
    await mkdir(join(values.write, name), { recursive: true });
    await copyFile(join(c.run, 'epochs', `epoch-${String(c.epoch).padStart(2, '0')}.safetensors`), join(values.write, name, 'best.safetensors'));
    variants.push({ name, overrides: {}, note: `${basename(c.run)} epoch ${c.epoch}, kept by: ${c.rules.join(', ')}` });
  }
  await writeFile(join(values.write, 'variants.json'), `${JSON.stringify(variants, null, 1)}\n`);
  console.log(`\nwrote ${chosen.size} chosen epochs and ${join(values.write, 'variants.json')}`);
}
