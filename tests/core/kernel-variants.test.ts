// Every variant of every kernel family (core/kernels/variants.ts) against the same references as the default
// choice: the registry's cases of the ops that use the family (tests/helpers/op-checks.ts), each run with the
// variants forced (engine.kernels.force), then a check that the forced variant really ran. The default choice
// on this adapter is checked by op-registry.test.ts, with the cases that spread over more than 65535 workgroups;
// here every family's every variant once, on the other cases.
//
// Variants that share values over a subgroup need a fixed subgroup size: on an adapter without one they cannot
// be forced (the portable variant runs), and their tests are skipped with a message.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { conv1dForwardFamily, conv1dGradInputFamily, conv1dGradWeightFamily } from '../../core/kernels/conv1d-families.ts';
import { groupNormFamilies } from '../../core/kernels/group-norm-families.ts';
import { matmulFamily } from '../../core/kernels/matmul-families.ts';
import { boxCopyFamily } from '../../core/kernels/layout-families.ts';
import { sumFamily } from '../../core/kernels/reduce-families.ts';
import { type KernelFamily, fixedSubgroupSize } from '../../core/kernels/variants.ts';
import { coreOps } from '../../core/ops/registry.ts';
import { testEngine } from '../helpers/engine.ts';
import { checkOpRegistry } from '../helpers/op-checks.ts';

const engine = await testEngine();

/** One run of some ops' cases with these families forced to these variants. */
interface Configuration {
  readonly ops: readonly (keyof typeof coreOps)[];
  readonly forced: readonly [KernelFamily<never>, string][];
}

/** Variant i of each family at once (families of one op run together, so each case exercises all of them). */
function aligned(ops: Configuration['ops'], families: readonly KernelFamily<never>[]): Configuration[] {
  const count = Math.max(...families.map((f) => f.variants.length));
  return [...Array(count).keys()].map((i) => ({
    ops, forced: families.map((f) => [f, f.variants[Math.min(i, f.variants.length - 1)]!.name] as [KernelFamily<never>, string]),
  }));
}

const CONFIGURATIONS: Configuration[] = [
  ...aligned(['conv1d', 'convTranspose1d'], [conv1dForwardFamily, conv1dGradInputFamily, conv1dGradWeightFamily] as KernelFamily<never>[]),
  ...matmulFamily.variants.map((v): Configuration => ({ ops: ['matmul', 'linear'], forced: [[matmulFamily as KernelFamily<never>, v.name]] })),
  ...aligned(['groupNorm'], groupNormFamilies as unknown as readonly KernelFamily<never>[]),
  // Sums run inside every op's gradient too; the sum and mean ops' cases reach the chunk passes (1e6 values).
  ...sumFamily.variants.map((v): Configuration => ({ ops: ['sum', 'mean', 'mseLoss'], forced: [[sumFamily as KernelFamily<never>, v.name]] })),
  // Concat's parts and split's slices of [B, C, L] with long rows are the boxes this family copies.
  ...boxCopyFamily.variants.map((v): Configuration => ({ ops: ['concat', 'split', 'slice'], forced: [[boxCopyFamily as KernelFamily<never>, v.name]] })),
];

const hasFixedSubgroups = fixedSubgroupSize(engine.info) > 0;
/** The variant the engine prefers for a family on this device: op-registry.test.ts already runs every case with it. */
const preferred = (f: KernelFamily<never>) => f.preference?.(engine.info)[0] ?? f.variants[0]!.name;

for (const config of CONFIGURATIONS) {
  if (config.forced.every(([f, v]) => v === preferred(f))) continue;
  const label = ` [${config.forced.map(([f, v]) => `${f.name} = ${v}`).join(', ')}]`;
  const needsSubgroups = config.forced.some(([, v]) => v.startsWith('subgroup'));
  const s = suite(label.trim());
  if (needsSubgroups && !hasFixedSubgroups) {
    s(`skipped: ${engine.info.adapter} has no fixed subgroup size, so subgroup variants cannot run${label}`, () => {});
    s.run();
    continue;
  }
  const before = new Map(config.forced.map(([f, v]) => [`${f.name}|${v}`, engine.kernels.uses(f.name, v)]));
  s.before(() => {
    for (const [f, v] of config.forced) engine.kernels.force(f.name, v);
  });
  s.after(() => {
    for (const [f] of config.forced) engine.kernels.force(f.name, null);
  });
  const registry = Object.fromEntries(config.ops.map((op) => [op, coreOps[op]])) as typeof coreOps;
  checkOpRegistry(engine, config.ops.join(' and '), registry, { suite: s, label, skipLargeGrid: true });
  s(`the forced variants ran${label}`, () => {
    for (const [f, v] of config.forced) {
      assert.ok(engine.kernels.uses(f.name, v) > before.get(`${f.name}|${v}`)!, `${f.name} = ${v} never ran on ${config.ops.join(', ')}'s cases`);
    }
  });
  s.run();
}
