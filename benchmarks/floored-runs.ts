// The rule both end-to-end timers (benchmarks/end-to-end.ts for posedyn, benchmarks/peers/end-to-end-tfjs.ts for
// the TF.js peers) use for a run whose work was done while it slept. Each timed run submits, sleeps most of an
// expected time, then waits; if nothing was left to wait for, the run measured the sleep, and that time became the
// next round's expectation, so a slow round held every later one up at 0.8 of the one before (2026-12-02's
// generation rounds 115, 95, 80, 68, 57 ms: core/kernels/PERFORMANCE.md). Such a run runs again with half its time
// as the expectation, up to FLOORED_RETRIES times; the last run counts.

/** Waiting less than this after the sleep means the work was already done (a readback alone takes about 1 ms). */
export const FLOORED_WAIT_MS = 2;
const FLOORED_RETRIES = 3;

export interface TimedRun {
  readonly ms: number;
  /** Slept, and waited under FLOORED_WAIT_MS after it. */
  readonly floored: boolean;
}

/** Times with `timeOnce(expectedMs)`, again while a run is floored; returns the last run's time and how many reruns it took. */
export async function timeUnfloored(timeOnce: (expectedMs: number | undefined) => Promise<TimedRun>, expectedMs: number | undefined): Promise<{ ms: number; reruns: number }> {
  let run = await timeOnce(expectedMs);
  let reruns = 0;
  for (; reruns < FLOORED_RETRIES && run.floored; reruns++) run = await timeOnce(run.ms / 2);
  return { ms: run.ms, reruns };
}
