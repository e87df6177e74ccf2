// The per-kernel table of the last generation (core/profiler.ts formatProfileTable; columns in core/PROFILER.md).
export function showProfile(element: HTMLElement, table: string, seconds: number): void {
  element.textContent = `wall time ${seconds.toFixed(2)} s (generation and face decode, including readbacks)\n${table}`;
}
