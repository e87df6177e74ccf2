// One engine per test process (creating a Dawn device takes a moment).
import type { Engine } from '../../core/engine.ts';
import { createNodeEngine } from '../../runtime-node/device.ts';

let shared: Promise<Engine> | null = null;

export function testEngine(): Promise<Engine> {
  // 'preferred': every run of a test uses the same kernel variants (no timing decides).
  shared ??= createNodeEngine({ kernelSelection: 'preferred' });
  return shared;
}
