// One engine per test process (creating a Dawn device takes a moment).
import type { Engine } from '../../core/engine.ts';
import { createNodeEngine } from '../../runtime-node/device.ts';

let shared: Promise<Engine> | null = null;

export function testEngine(): Promise<Engine> {
  shared ??= createNodeEngine();
  return shared;
}
