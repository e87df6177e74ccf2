// PyTorch CPU as a peer, through benchmarks/peers/torch_ops.py in a subprocess (JSON on its last stdout line).
// The interpreter is $POSEDYN_PYTHON, else the first of python3 and /tmp/pyenv/bin/python that imports torch.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TimingOptions } from '../harness.ts';
import type { PeerCase, PeerOutput } from './cases.ts';

const script = join(dirname(fileURLToPath(import.meta.url)), 'torch_ops.py');

/** A Python that can import torch, or null. */
export function findTorchPython(): string | null {
  const candidates = [process.env.POSEDYN_PYTHON, 'python3', '/tmp/pyenv/bin/python'].filter((p): p is string => !!p);
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (probe.status === 0) return python;
  }
  return null;
}

/** Times the cases in PyTorch with `threads` CPU threads; a failure skips every case with the reason. */
export function runTorchPeer(python: string, cases: readonly PeerCase[], timing: TimingOptions, threads: number, timeoutMs: number): Promise<PeerOutput> {
  const peer = 'torch-cpu';
  return new Promise((resolve) => {
    const child = spawn(python, [script, JSON.stringify(cases), JSON.stringify(timing), String(threads)], {
      stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code, signal) => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as PeerOutput);
      } catch {
        const why = signal ? `killed by ${signal}` : `exit ${code}`;
        const skipped = `${peer} subprocess failed (${why}): ${(stderr.trim().split('\n').at(-1) ?? '').slice(0, 200)}`;
        resolve({ peer, notes: [skipped], results: cases.map((c) => ({ name: c.name, skipped })) });
      }
    });
  });
}
