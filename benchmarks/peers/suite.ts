// The peer engines as one benchmark suite: TF.js WebGPU (same Dawn, same adapter), TF.js WASM (1 thread) and
// PyTorch CPU time the matmul and conv1d rows of benchmarks/kernels.ts, one engine after the other, each in
// its own process so that nothing runs beside posedyn's measurements or beside each other.
import { type BenchmarkSuite, type PeerResult, type SuiteContext, type SuiteReport } from '../harness.ts';
import { peerCases } from '../kernels.ts';
import { type PeerOutput, describePeerCase } from './cases.ts';
import { runTfjsPeer } from './tfjs.ts';
import { findTorchPython, runTorchPeer } from './torch.ts';

/** PyTorch's threads: the machine's two cores, as its own default would take. */
const TORCH_THREADS = 2;

async function runPeers(context: SuiteContext): Promise<SuiteReport> {
  const cases = peerCases(context.quick);
  const timeoutMs = context.quick ? 180_000 : 900_000;
  const outputs: PeerOutput[] = [];
  const notes: string[] = [];
  for (const backend of ['webgpu', 'wasm'] as const) {
    context.log(`peer tfjs-${backend}: ${cases.length} cases`);
    outputs.push(await runTfjsPeer(backend, cases, context.timing, timeoutMs));
  }
  const python = findTorchPython();
  if (python) {
    context.log(`peer torch-cpu (${python}): ${cases.length} cases`);
    outputs.push(await runTorchPeer(python, cases, context.timing, TORCH_THREADS, timeoutMs));
  } else {
    notes.push('torch-cpu: skipped: no Python with torch (tried $POSEDYN_PYTHON, python3, /tmp/pyenv/bin/python)');
  }
  const shapes = new Map(cases.map((c) => [c.name, describePeerCase(c)]));
  const peers: PeerResult[] = outputs.flatMap((output) => {
    notes.push(...output.notes.map((n) => `${output.peer}: ${n}`));
    return output.results.map((r) => ({ ...r, peer: output.peer, shapes: shapes.get(r.name) ?? '' }));
  });
  return { results: [], peers, notes };
}

export const peerSuite: BenchmarkSuite = { name: 'peers', run: runPeers };
