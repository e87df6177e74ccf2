// The kernel selector's decisions as a text table (posedyn profile, benchmarks/run.ts): which variant of each
// kernel family ran each shape class, how it was chosen, and what the tuning run measured.
import { type KernelChoice, NEAR_TIE } from './kernel-selection.ts';

export function formatKernelChoices(choices: readonly KernelChoice[], failures: readonly string[] = []): string {
  if (choices.length === 0) return 'kernel variants: no kernel family ran';
  const rows = choices.map((c) => [
    c.family, c.variant, c.how,
    c.timings ? c.timings.map((t) => `${t.variant} ${t.ms.toFixed(2)}`).join(', ') : '',
    c.example,
  ]);
  const header = ['family', 'variant', 'chosen', 'tuning run (median ms)', 'first problem of the class'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [
    `kernel variants (${choices.length} shape classes; chosen: measured = fastest in a tuning run (the device's default where it is within ${Math.round(100 * NEAR_TIE)}% of the fastest), preferred = the device's default, forced = by request):`,
    line(header), ...rows.map(line), ...failures.map((f) => `failed during tuning: ${f}`),
  ].join('\n');
}
