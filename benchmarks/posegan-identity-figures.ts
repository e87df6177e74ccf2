// Issue 14's realism figures per identity, one row a scored model (issue 14, run 9): reads the ablation-<kept>.json
// files that benchmarks/posegan-ablation.ts writes and prints, for each identity, the rotation motion energy ratio
// [bootstrap interval], the per-channel rotation std ratios (pitch / yaw / roll) and the jitter ratio, on the test
// split and on the unseen speech (all generated / the identity's real poses).
//
//   node --import ./runtime-node/register.mjs benchmarks/posegan-identity-figures.ts \
//     'seed 1=out/run9/idnorm-s1/ablation-best.json' 'shipped=out/run9/shipped/ablation-best.json' ...
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface Row {
  readonly identity: string;
  readonly motionRatio: { readonly value: number; readonly low: number; readonly high: number };
  readonly rotationStdRatio: readonly number[];
  readonly jitterRatio: number;
}
interface Result {
  readonly realism: { readonly testSplit: readonly Row[]; readonly speech: readonly Row[] };
}

const { positionals } = parseArgs({ allowPositionals: true });
if (positionals.length === 0) throw new Error('posegan-identity-figures: expected NAME=FILE arguments (ablation-<kept>.json files)');
const columns = await Promise.all(positionals.map(async (spec): Promise<[string, Result]> => {
  const at = spec.indexOf('=');
  if (at < 0) throw new Error(`posegan-identity-figures: expected NAME=FILE, got '${spec}'`);
  return [spec.slice(0, at), JSON.parse(await readFile(spec.slice(at + 1), 'utf8')) as Result];
}));
const f2 = (x: number) => x.toFixed(2);
const cells = (row: Row | undefined) => row
  ? [`${f2(row.motionRatio.value)} [${f2(row.motionRatio.low)}, ${f2(row.motionRatio.high)}]`, row.rotationStdRatio.map(f2).join(' / '), f2(row.jitterRatio)]
  : ['-', '-', '-'];
const identities = [...new Set(columns.flatMap(([, r]) => [...r.realism.testSplit, ...r.realism.speech].map((x) => x.identity)))];

for (const identity of identities) {
  console.log(`\n${identity} (motion [interval]; std pitch / yaw / roll; jitter), test split | unseen speech:\n`);
  console.log('| model | test motion | test std | test jitter | speech motion | speech std | speech jitter |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, r] of columns) {
    const test = cells(r.realism.testSplit.find((x) => x.identity === identity));
    const speech = cells(r.realism.speech.find((x) => x.identity === identity));
    console.log(`| ${name} | ${[...test, ...speech].join(' | ')} |`);
  }
}
